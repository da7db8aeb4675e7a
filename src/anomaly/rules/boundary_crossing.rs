//! Boundary crossing: a dark vessel crossing the edge of the administered waters, either way.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::Track;

/// Fires for `hold_s` after a dark track crossed the waters' edge (the engine records the
/// crossing in the memo) at `min_speed_kn` or more. Value: speed, knots.
///
/// `min_speed_kn` is 8 kn at night: dark fishing boats working along the Hengqin side (1–4 kn,
/// with tracker speed noise) crossed the line back and forth at the first setting (3 kn). By day
/// `day_min_speed_kn`, 20 kn: pleasure craft without AIS (8–18 kn) cross it on their way.
#[derive(Debug, Clone)]
pub struct BoundaryCrossing {
    /// How long after the crossing the rule keeps firing, seconds.
    pub hold_s: f64,
    /// Slowest speed that counts at night (a drifting boat is the SAR rule's), knots.
    pub min_speed_kn: f64,
    /// Slowest speed that counts by day, knots.
    pub day_min_speed_kn: f64,
}

impl Default for BoundaryCrossing {
    fn default() -> Self {
        BoundaryCrossing { hold_s: 60.0, min_speed_kn: 8.0, day_min_speed_kn: 20.0 }
    }
}

impl Rule for BoundaryCrossing {
    fn kind(&self) -> AlertKind {
        AlertKind::BoundaryCrossing
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let (at, _inbound) = s.memo.crossed?;
        let dark = t.dark || t.identity.mmsi.is_none();
        let min = if s.is_night(t.lat_deg, t.lon_deg) { self.min_speed_kn } else { self.day_min_speed_kn };
        if !dark || s.time_s - at > self.hold_s || t.sog_kn < min {
            return None;
        }
        reason("boundary_crossing_speed_kn", t.sog_kn, min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn a_recent_crossing_fires_and_an_old_one_does_not() {
        let mut m = Memo::new(0.0);
        m.crossed = Some((100.0, true));
        let a = AisLog::default();
        let t = track(120.0, OPEN.0, OPEN.1, 20.0, 0.0);
        assert!(BoundaryCrossing::default().check(&t, &scene(120.0, &m, &a)).is_some());
        assert!(BoundaryCrossing::default().check(&t, &scene(200.0, &m, &a)).is_none());
    }

    #[test]
    fn by_day_a_dark_pleasure_boat_crossing_does_not() {
        let day = 1_773_108_000.0;
        let mut m = Memo::new(day - 100.0);
        m.crossed = Some((day - 10.0, true));
        let a = AisLog::default();
        assert!(
            BoundaryCrossing::default().check(&track(day, OPEN.0, OPEN.1, 15.0, 0.0), &scene(day, &m, &a)).is_none()
        );
        assert!(
            BoundaryCrossing::default().check(&track(day, OPEN.0, OPEN.1, 30.0, 0.0), &scene(day, &m, &a)).is_some()
        );
    }

    #[test]
    fn a_fishing_boat_working_across_the_line_does_not() {
        let mut m = Memo::new(0.0);
        m.crossed = Some((100.0, false));
        let a = AisLog::default();
        let t = track(110.0, OPEN.0, OPEN.1, 3.5, 0.0);
        assert!(BoundaryCrossing::default().check(&t, &scene(110.0, &m, &a)).is_none());
    }
}
