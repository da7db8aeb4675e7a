//! AIS gap: a vessel's AIS went silent while radar/IR still updates its track.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::{Track, TrackStatus};

/// Fires when the track's MMSI has not reported for `max_gap_s` while the track is still
/// confirmed (updated by a sensor). Value: gap, seconds.
#[derive(Debug, Clone)]
pub struct AisGap {
    /// Longest silence tolerated, seconds (class B reports every 30 s under way; three misses).
    pub max_gap_s: f64,
}

impl Default for AisGap {
    fn default() -> Self {
        AisGap { max_gap_s: 120.0 }
    }
}

impl Rule for AisGap {
    fn kind(&self) -> AlertKind {
        AlertKind::AisGap
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let st = s.ais.get(t.identity.mmsi?)?;
        let gap = s.time_s - st.last_s;
        (t.status == TrackStatus::Confirmed && gap > self.max_gap_s).then(|| reason("ais_silent_s", gap, self.max_gap_s)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn silent_for_three_minutes_while_tracked_fires() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        a.report(453_000_001, 100.0, OPEN.0, OPEN.1);
        let mut t = track(280.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        assert_eq!(AisGap::default().check(&t, &scene(280.0, &m, &a)).unwrap().value, 180.0);
        assert!(AisGap::default().check(&t, &scene(150.0, &m, &a)).is_none());
    }
}
