//! Dark target: a track radar or IR has confirmed for a while that no AIS report has joined.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::{Track, TrackStatus};

/// Fires on a confirmed, sensor-updated track without AIS identity, seen for `min_age_s` and
/// moving at `min_speed_kn` or more (an anchored unlit hulk is not a smuggler). The value is the
/// speed: the engine scales the score with it.
#[derive(Debug, Clone)]
pub struct DarkTarget {
    /// Time since the track was first seen before it counts, seconds.
    pub min_age_s: f64,
    /// Slowest speed that counts, knots.
    pub min_speed_kn: f64,
}

impl Default for DarkTarget {
    fn default() -> Self {
        DarkTarget { min_age_s: 10.0, min_speed_kn: 3.0 }
    }
}

impl Rule for DarkTarget {
    fn kind(&self) -> AlertKind {
        AlertKind::DarkTarget
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let dark = t.dark || t.identity.mmsi.is_none();
        if !dark || t.status != TrackStatus::Confirmed || s.time_s - s.memo.first_seen_s < self.min_age_s {
            return None;
        }
        (t.sog_kn >= self.min_speed_kn).then(|| reason("dark_target_speed_kn", t.sog_kn, self.min_speed_kn)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn a_fast_radar_only_track_is_dark() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        let r = DarkTarget::default().check(&track(30.0, OPEN.0, OPEN.1, 25.0, 0.0), &scene(30.0, &m, &a)).unwrap();
        assert_eq!((r.value, r.threshold), (25.0, 3.0));
    }

    #[test]
    fn a_track_with_ais_or_too_young_is_not() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        let mut t = track(30.0, OPEN.0, OPEN.1, 25.0, 0.0);
        assert!(DarkTarget::default().check(&t, &scene(5.0, &m, &a)).is_none());
        t.dark = false;
        t.identity.mmsi = Some(453_000_001);
        assert!(DarkTarget::default().check(&t, &scene(30.0, &m, &a)).is_none());
    }
}
