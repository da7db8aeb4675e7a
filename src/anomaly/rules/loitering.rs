//! Loitering: slow for a long time, wandering rather than drifting, away from anchorages.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::near::within_m;
use crate::anomaly::scene::Scene;
use crate::anomaly::zones::ZoneKind;
use crate::geodesy::LatLon;
use crate::track::Track;

/// Fires when every sample of the last `window_s` is below `max_speed_kn`, the track stayed
/// within `max_radius_m` of its start of window, and it is not in an anchorage. Value: window, s.
#[derive(Debug, Clone)]
pub struct Loitering {
    /// Fastest speed that counts as slow, knots.
    pub max_speed_kn: f64,
    /// How long it must stay slow, seconds.
    pub window_s: f64,
    /// How far it may wander, metres.
    pub max_radius_m: f64,
}

impl Default for Loitering {
    fn default() -> Self {
        Loitering { max_speed_kn: 2.0, window_s: 300.0, max_radius_m: 400.0 }
    }
}

impl Rule for Loitering {
    fn kind(&self) -> AlertKind {
        AlertKind::Loitering
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        if t.sog_kn >= self.max_speed_kn {
            return None;
        }
        let mut w = s.memo.window(s.time_s, self.window_s)?;
        let first = w.clone().next()?;
        let o = LatLon::new(first.lat_deg, first.lon_deg);
        if !w.all(|p| p.sog_kn < self.max_speed_kn && within_m(o, LatLon::new(p.lat_deg, p.lon_deg), self.max_radius_m))
        {
            return None;
        }
        if s.zones.is_in(LatLon::new(t.lat_deg, t.lon_deg), ZoneKind::Anchorage) {
            return None;
        }
        reason("slow_for_s", s.time_s - first.time_s, self.window_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::AisLog;

    #[test]
    fn six_slow_minutes_in_open_water_fire() {
        let m = memo(1000.0, 360.0, OPEN, (OPEN.0 + 0.001, OPEN.1), 1.0);
        let a = AisLog::default();
        let r = Loitering::default().check(&track(1000.0, OPEN.0, OPEN.1, 1.0, 0.0), &scene(1000.0, &m, &a)).unwrap();
        assert!(r.value >= 300.0);
    }

    #[test]
    fn at_the_anchorage_or_too_short_it_does_not() {
        let a = AisLog::default();
        let anch = (22.075, 113.665);
        let m = memo(1000.0, 360.0, anch, anch, 0.5);
        assert!(Loitering::default().check(&track(1000.0, anch.0, anch.1, 0.5, 0.0), &scene(1000.0, &m, &a)).is_none());
        let m = memo(1000.0, 120.0, OPEN, OPEN, 0.5);
        assert!(Loitering::default().check(&track(1000.0, OPEN.0, OPEN.1, 0.5, 0.0), &scene(1000.0, &m, &a)).is_none());
    }
}
