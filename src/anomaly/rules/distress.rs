//! Distress (search and rescue): a small craft stopped or drifting steadily, outside anchorages.
//! Alerts of this kind are SAR, not enforcement ([`crate::anomaly::engine::Category::Sar`]).
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::anomaly::zones::ZoneKind;
use crate::geodesy::{LatLon, distance_m};
use crate::track::{Track, VesselClass};

/// Fires when, over the last `window_s`, a non-ship track stayed below `max_speed_kn` and either
/// drifted steadily (net displacement ≥ `min_straightness` of the path and ≥ `min_drift_m`) or
/// sat still (within `stopped_radius_m`), outside anchorages. Value: window, seconds.
#[derive(Debug, Clone)]
pub struct Distress {
    /// Fastest drift, knots.
    pub max_speed_kn: f64,
    /// How long, seconds.
    pub window_s: f64,
    /// Net / path length for a steady drift (fishing wanders, a drift is straight).
    pub min_straightness: f64,
    /// Least net drift, metres.
    pub min_drift_m: f64,
}

impl Default for Distress {
    fn default() -> Self {
        Distress { max_speed_kn: 2.5, window_s: 240.0, min_straightness: 0.8, min_drift_m: 100.0 }
    }
}

impl Rule for Distress {
    fn kind(&self) -> AlertKind {
        AlertKind::Distress
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        if t.sog_kn >= self.max_speed_kn || t.class == VesselClass::Vessel {
            return None;
        }
        let w = s.memo.window(s.time_s, self.window_s)?;
        let (mut first, mut last, mut path) = (None::<LatLon>, None::<LatLon>, 0.0);
        for p in w {
            if p.sog_kn >= self.max_speed_kn {
                return None;
            }
            let q = LatLon::new(p.lat_deg, p.lon_deg);
            if let Some(l) = last {
                path += distance_m(l, q);
            }
            first.get_or_insert(q);
            last = Some(q);
        }
        let net = distance_m(first?, last?);
        if net < self.min_drift_m || net < self.min_straightness * path {
            return None;
        }
        if s.zones.is_in(LatLon::new(t.lat_deg, t.lon_deg), ZoneKind::Anchorage) {
            return None;
        }
        reason("drifting_for_s", self.window_s, self.window_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::AisLog;

    #[test]
    fn a_steady_one_knot_drift_fires() {
        // 1 kn for 300 s is about 150 m; 0.0015° of latitude ≈ 167 m.
        let m = memo(1000.0, 300.0, OPEN, (OPEN.0 + 0.0015, OPEN.1), 1.0);
        let a = AisLog::default();
        assert!(
            Distress::default()
                .check(&track(1000.0, OPEN.0 + 0.0015, OPEN.1, 1.0, 0.0), &scene(1000.0, &m, &a))
                .is_some()
        );
    }

    #[test]
    fn a_boat_under_way_does_not() {
        let m = memo(1000.0, 300.0, OPEN, (OPEN.0 + 0.02, OPEN.1), 8.0);
        let a = AisLog::default();
        assert!(
            Distress::default()
                .check(&track(1000.0, OPEN.0 + 0.02, OPEN.1, 8.0, 0.0), &scene(1000.0, &m, &a))
                .is_none()
        );
    }
}
