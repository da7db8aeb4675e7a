//! Distress (search and rescue): a small craft stopped or drifting steadily, outside anchorages.
//! Alerts of this kind are SAR, not enforcement ([`crate::anomaly::engine::Category::Sar`]).
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::anomaly::zones::ZoneKind;
use crate::geodesy::{LatLon, distance_m};
use crate::track::Track;

/// Fires when, over the last `window_s`, a small craft (not a ship by its AIS or sensor length,
/// `ship_length_m`) stayed below `max_speed_kn` and drifted steadily: net displacement ≥
/// `min_drift_m` and ≥ `min_straightness` of the path, the path measured between samples at least
/// `path_step_s` apart (so track noise on a near-stationary boat does not count as wandering);
/// outside anchorages. Value: net drift over the window, metres.
///
/// `max_speed_kn` (1.5) sits below fishing boats trolling in a straight line (about 2 kn), which
/// otherwise look like a drift. A fishing boat with AIS is still a small craft: an engine failure at sea is a SAR case
/// whether or not the boat carries a transponder. A 0.5 kn tidal drift is about 60 m in
/// four minutes, so `min_drift_m` sits below that.
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
    /// Shortest step of the path measurement, seconds.
    pub path_step_s: f64,
    /// Length from which a vessel is a ship, not a small craft, metres.
    pub ship_length_m: f64,
}

impl Default for Distress {
    fn default() -> Self {
        Distress {
            max_speed_kn: 1.5,
            window_s: 240.0,
            min_straightness: 0.8,
            min_drift_m: 50.0,
            path_step_s: 30.0,
            ship_length_m: 30.0,
        }
    }
}

impl Rule for Distress {
    fn kind(&self) -> AlertKind {
        AlertKind::Distress
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        if t.sog_kn >= self.max_speed_kn {
            return None;
        }
        let ais_len = t.identity.mmsi.and_then(|m| s.ais.get(m)).and_then(|a| a.length_m);
        if ais_len.or(t.length_m).is_some_and(|l| l >= self.ship_length_m) {
            return None;
        }
        let w = s.memo.window(s.time_s, self.window_s)?;
        let (mut first, mut last, mut path) = (None::<LatLon>, None::<(f64, LatLon)>, 0.0);
        let mut end = None::<LatLon>;
        for p in w {
            if p.sog_kn >= self.max_speed_kn {
                return None;
            }
            let q = LatLon::new(p.lat_deg, p.lon_deg);
            first.get_or_insert(q);
            end = Some(q);
            match last {
                Some((lt, l)) if p.time_s - lt >= self.path_step_s => {
                    path += distance_m(l, q);
                    last = Some((p.time_s, q));
                }
                None => last = Some((p.time_s, q)),
                _ => {}
            }
        }
        let (first, end, (_, l)) = (first?, end?, last?);
        path += distance_m(l, end);
        let net = distance_m(first, end);
        if net < self.min_drift_m || net < self.min_straightness * path {
            return None;
        }
        if s.zones.is_in(LatLon::new(t.lat_deg, t.lon_deg), ZoneKind::Anchorage) {
            return None;
        }
        reason("drift_m", net, self.min_drift_m)
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

    #[test]
    fn a_fishing_boat_with_ais_drifting_half_a_knot_fires_and_a_ship_does_not() {
        // 0.5 kn for 300 s ≈ 77 m; 0.0007° of latitude ≈ 78 m.
        let m = memo(1000.0, 300.0, OPEN, (OPEN.0 + 0.0007, OPEN.1), 0.5);
        let mut a = AisLog::default();
        a.report(412_100_009, 990.0, OPEN.0, OPEN.1);
        let mut t = track(1000.0, OPEN.0 + 0.0007, OPEN.1, 0.5, 0.0);
        t.identity.mmsi = Some(412_100_009);
        t.class = crate::track::VesselClass::Vessel;
        assert!(Distress::default().check(&t, &scene(1000.0, &m, &a)).is_some());
        a.length(412_100_009, 180.0);
        assert!(Distress::default().check(&t, &scene(1000.0, &m, &a)).is_none());
    }
}
