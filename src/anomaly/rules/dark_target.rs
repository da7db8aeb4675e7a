//! Dark target: a track radar or IR has confirmed for a while that no AIS report has joined.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::anomaly::sun::is_night;
use crate::track::{Track, TrackStatus};

/// Fires on a confirmed, sensor-updated track without AIS identity, seen for `min_age_s` and
/// moving at the size- and light-dependent minimum speed or more. The value is the speed: the
/// engine scales the score with it.
///
/// # Thresholds (tuned on the labelled scenarios, see `seawarden eval-alerts`)
/// Small boats need not carry AIS: fishing boats (1–4 kn) and pleasure craft (8–18 kn) without
/// it are ordinary traffic and were most of the false alerts at the first setting (3 kn). So a
/// small or unknown dark track counts from `night_min_speed_kn` at night and from
/// `day_min_speed_kn` by day (smuggling runs are 28–42 kn); a ship-sized one (length estimate ≥
/// `ship_length_m`, which must carry AIS) from `ship_min_speed_kn` (an unlit hulk at anchor is not
/// a target).
#[derive(Debug, Clone)]
pub struct DarkTarget {
    /// Time since the track was first seen before it counts, seconds.
    pub min_age_s: f64,
    /// Slowest speed that counts for a small or unknown craft at night, knots.
    pub night_min_speed_kn: f64,
    /// … by day, knots.
    pub day_min_speed_kn: f64,
    /// Length from which a track is a ship that must carry AIS, metres.
    pub ship_length_m: f64,
    /// Slowest speed that counts for a ship, knots.
    pub ship_min_speed_kn: f64,
}

impl Default for DarkTarget {
    fn default() -> Self {
        DarkTarget {
            min_age_s: 10.0,
            night_min_speed_kn: 20.0,
            day_min_speed_kn: 22.0,
            ship_length_m: 30.0,
            ship_min_speed_kn: 3.0,
        }
    }
}

impl DarkTarget {
    /// The minimum speed that applies to `t` at `time_s`, knots.
    pub fn min_speed_kn(&self, t: &Track, time_s: f64) -> f64 {
        self.min_speed_with(t, || is_night(time_s, t.lat_deg, t.lon_deg))
    }

    /// [`DarkTarget::min_speed_kn`] with night asked of `night` (only when it matters).
    fn min_speed_with(&self, t: &Track, night: impl FnOnce() -> bool) -> f64 {
        if t.length_m.is_some_and(|l| l >= self.ship_length_m) {
            self.ship_min_speed_kn
        } else if night() {
            self.night_min_speed_kn
        } else {
            self.day_min_speed_kn
        }
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
        // Slower than both the night and the day minimum (not a ship): no need to ask the sun.
        let ship = t.length_m.is_some_and(|l| l >= self.ship_length_m);
        if !ship && t.sog_kn < self.night_min_speed_kn.min(self.day_min_speed_kn) {
            return None;
        }
        let min = self.min_speed_with(t, || s.is_night(t.lat_deg, t.lon_deg));
        (t.sog_kn >= min).then(|| reason("dark_target_speed_kn", t.sog_kn, min)).flatten()
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
        assert_eq!((r.value, r.threshold), (25.0, 22.0));
    }

    #[test]
    fn a_dark_fishing_boat_is_not_but_a_dark_ship_is() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        let mut t = track(30.0, OPEN.0, OPEN.1, 4.0, 0.0);
        assert!(DarkTarget::default().check(&t, &scene(30.0, &m, &a)).is_none());
        t.length_m = Some(120.0);
        assert_eq!(DarkTarget::default().check(&t, &scene(30.0, &m, &a)).unwrap().threshold, 3.0);
    }

    #[test]
    fn by_day_a_dark_pleasure_boat_is_not() {
        // 2026-03-10T02:00Z = 10:00 in Macau.
        let day = 1_773_108_000.0;
        let (m, a) = (Memo::new(day - 60.0), AisLog::default());
        assert!(DarkTarget::default().check(&track(day, OPEN.0, OPEN.1, 18.0, 0.0), &scene(day, &m, &a)).is_none());
        assert!(DarkTarget::default().check(&track(day, OPEN.0, OPEN.1, 30.0, 0.0), &scene(day, &m, &a)).is_some());
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
