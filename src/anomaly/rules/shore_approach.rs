//! Shore approach: heading for the shore at speed, with the time to reach it.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::geodesy::{LatLon, destination};
use crate::track::Track;

/// Fires when a dark track at `min_speed_kn` or more is inside the shore belt and would reach the
/// shore within `max_time_to_shore_s` at its current closing rate (distance now vs distance
/// `lookahead_s` ahead on its course). Value: time to shore, seconds.
#[derive(Debug, Clone)]
pub struct ShoreApproach {
    /// Slowest speed that counts, knots.
    pub min_speed_kn: f64,
    /// Longest time to shore that counts, seconds.
    pub max_time_to_shore_s: f64,
    /// How far ahead the course is projected to measure the closing rate, seconds.
    pub lookahead_s: f64,
}

impl Default for ShoreApproach {
    fn default() -> Self {
        ShoreApproach { min_speed_kn: 8.0, max_time_to_shore_s: 240.0, lookahead_s: 30.0 }
    }
}

impl Rule for ShoreApproach {
    fn kind(&self) -> AlertKind {
        AlertKind::ShoreApproach
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        if t.sog_kn < self.min_speed_kn || !(t.dark || t.identity.mmsi.is_none()) {
            return None;
        }
        let p = LatLon::new(t.lat_deg, t.lon_deg);
        if !s.zones.in_shore_belt_hinted(s.coast, p, &s.memo.shore_hint) {
            return None;
        }
        let d_now = s.coast.distance_to_shore_m(p);
        let (la, lo) = destination(t.lat_deg, t.lon_deg, t.cog_deg, t.sog_kn * 0.514_444 * self.lookahead_s);
        let closing_mps = (d_now - s.coast.distance_to_shore_m(LatLon::new(la, lo))) / self.lookahead_s;
        if closing_mps <= 0.5 {
            return None;
        }
        let tts = d_now / closing_mps;
        (tts <= self.max_time_to_shore_s).then(|| reason("time_to_shore_s", tts, self.max_time_to_shore_s)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn a_fast_craft_heading_for_hac_sa_beach_fires_with_time_to_shore() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        // Inside the Hac Sa hotspot, heading north-west toward the beach at 25 kn.
        let r =
            ShoreApproach::default().check(&track(60.0, 22.1205, 113.58, 25.0, 330.0), &scene(60.0, &m, &a)).unwrap();
        assert!(r.value > 0.0 && r.value <= 240.0, "{r:?}");
    }

    #[test]
    fn heading_out_to_sea_does_not() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        assert!(
            ShoreApproach::default().check(&track(60.0, 22.1205, 113.58, 25.0, 150.0), &scene(60.0, &m, &a)).is_none()
        );
    }
}
