//! AIS gap: a vessel's AIS went silent while radar/IR still updates its track.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::geodesy::{LatLon, distance_m};
use crate::track::{Track, TrackStatus};

/// Fires when the track's MMSI has not reported for `max_gap_s` (`slow_max_gap_s` when the
/// track has averaged less than `slow_kn` since that report) while the track is still confirmed (updated by a sensor).
/// Value: gap, seconds.
///
/// # References
/// ITU-R M.1371: class A reports every 2–10 s under way but every 3 min at anchor or below 3 kn;
/// class B every 30 s above 2 kn, every 3 min below. Three missed reports are tolerated (the
/// first setting, 120 s for all, flagged every anchored ship).
#[derive(Debug, Clone)]
pub struct AisGap {
    /// Longest silence tolerated under way, seconds (class B: 30 s; three misses and some).
    pub max_gap_s: f64,
    /// Longest silence tolerated when slow, seconds (3 min nominal; three misses).
    pub slow_max_gap_s: f64,
    /// Below this speed the slow reporting interval applies, knots.
    pub slow_kn: f64,
}

impl Default for AisGap {
    fn default() -> Self {
        AisGap { max_gap_s: 120.0, slow_max_gap_s: 600.0, slow_kn: 3.0 }
    }
}

impl Rule for AisGap {
    fn kind(&self) -> AlertKind {
        AlertKind::AisGap
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let st = s.ais.get(t.identity.mmsi?)?;
        let gap = s.time_s - st.last_s;
        // Slow by the average speed since the last report (the track's position now vs the
        // report's): steadier than the filter's speed of a big ship swinging at anchor.
        let moved_m = distance_m(LatLon::new(st.lat_deg, st.lon_deg), LatLon::new(t.lat_deg, t.lon_deg));
        let avg_kn = moved_m / gap.max(1.0) / 0.514_444;
        let max = if avg_kn < self.slow_kn { self.slow_max_gap_s } else { self.max_gap_s };
        (t.status == TrackStatus::Confirmed && gap > max).then(|| reason("ais_silent_s", gap, max)).flatten()
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
        // 180 s at 10 kn: about 930 m on.
        let mut t = track(280.0, OPEN.0 + 0.0084, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        assert_eq!(AisGap::default().check(&t, &scene(280.0, &m, &a)).unwrap().value, 180.0);
        assert!(AisGap::default().check(&t, &scene(150.0, &m, &a)).is_none());
    }

    #[test]
    fn a_ship_at_anchor_reporting_every_three_minutes_does_not() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        a.report(477_000_001, 100.0, OPEN.0, OPEN.1);
        // The filter's speed of a ship swinging at anchor is noisy: 4 kn, yet it has not moved.
        let mut t = track(400.0, OPEN.0, OPEN.1, 4.0, 0.0);
        t.identity.mmsi = Some(477_000_001);
        assert!(AisGap::default().check(&t, &scene(400.0, &m, &a)).is_none());
        assert_eq!(AisGap::default().check(&t, &scene(800.0, &m, &a)).unwrap().threshold, 600.0);
    }
}
