//! Night fast craft: a small or dark craft at speed between sunset and sunrise.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::{Track, VesselClass};

/// Fires at night (sun below the horizon at the track's position, [`crate::anomaly::sun::is_night`]) for a dark or
/// small-craft track at `min_speed_kn` or more. Value: speed, knots.
///
/// The threshold, 20 kn, sits above pleasure craft heading home after sunset (8–18 kn in the
/// scenarios) and well below smuggling runs (28–42 kn).
#[derive(Debug, Clone)]
pub struct NightFastCraft {
    /// Slowest speed that counts, knots.
    pub min_speed_kn: f64,
}

impl Default for NightFastCraft {
    fn default() -> Self {
        NightFastCraft { min_speed_kn: 20.0 }
    }
}

impl Rule for NightFastCraft {
    fn kind(&self) -> AlertKind {
        AlertKind::NightFastCraft
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let small = t.dark || t.identity.mmsi.is_none() || t.class == VesselClass::SmallCraft;
        if !small || t.sog_kn < self.min_speed_kn || !s.is_night(t.lat_deg, t.lon_deg) {
            return None;
        }
        reason("night_speed_kn", t.sog_kn, self.min_speed_kn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    /// 2026-03-11T18:00Z = 02:00 in Macau; 2026-03-10T02:00Z = 10:00.
    const NIGHT_S: f64 = 1_773_252_000.0;
    const DAY_S: f64 = 1_773_108_000.0;

    #[test]
    fn fast_at_two_in_the_morning_fires() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        let r = NightFastCraft::default()
            .check(&track(NIGHT_S, OPEN.0, OPEN.1, 30.0, 0.0), &scene(NIGHT_S, &m, &a))
            .unwrap();
        assert_eq!(r.value, 30.0);
    }

    #[test]
    fn the_same_craft_at_ten_in_the_morning_does_not() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        assert!(
            NightFastCraft::default().check(&track(DAY_S, OPEN.0, OPEN.1, 30.0, 0.0), &scene(DAY_S, &m, &a)).is_none()
        );
    }
}
