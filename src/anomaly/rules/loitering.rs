//! Loitering: slow for a long time, wandering rather than drifting, away from anchorages.
use super::distress::steady_drift;
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::anomaly::zones::ZoneKind;
use crate::geodesy::LatLon;
use crate::track::Track;

/// Fires when every sample of the last `window_s` is below `max_speed_kn`, the track stayed
/// within `max_radius_m` of its start of window, did not drift steadily (net displacement ≥
/// `drift_min_m` and ≥ `drift_straightness` of its path, the path measured between samples
/// `drift_path_step_s` apart), and it is not in an anchorage. Value: window, s.
///
/// Why the drift test: a boat drifting with the current (engine failure) is slow and stays within
/// a few hundred metres for many minutes, so without it loitering fired on the drifting-boat
/// scenario 150 s before the distress rule did: the operator saw an enforcement alert for a SAR
/// case. A steady drift is the distress rule's; loitering is wandering round a spot.
#[derive(Debug, Clone)]
pub struct Loitering {
    /// Fastest speed that counts as slow, knots.
    pub max_speed_kn: f64,
    /// How long it must stay slow, seconds.
    pub window_s: f64,
    /// How far it may wander, metres.
    pub max_radius_m: f64,
    /// Net / path from which the window is a steady drift, not loitering.
    pub drift_straightness: f64,
    /// Least net displacement of a steady drift, metres.
    pub drift_min_m: f64,
    /// Shortest step of the path measurement, seconds.
    pub drift_path_step_s: f64,
}

impl Default for Loitering {
    fn default() -> Self {
        Loitering {
            max_speed_kn: 2.0,
            window_s: 300.0,
            max_radius_m: 400.0,
            drift_straightness: 0.8,
            drift_min_m: 50.0,
            drift_path_step_s: 30.0,
        }
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
        // Slow and near its first position throughout, and not a steady drift (distress's case).
        let (first_s, loiters) =
            s.memo.window_verdict(&s.memo.loitering_verdict, s.time_s, self.window_s, |first, w| {
                w.clone().all(|p| p.sog_kn < self.max_speed_kn && first.within_m(p, self.max_radius_m))
                    && steady_drift(w, self.drift_path_step_s, self.max_speed_kn)
                        .is_some_and(|d| !(d.net_m >= self.drift_min_m && d.straightness() >= self.drift_straightness))
            })?;
        if !loiters {
            return None;
        }
        if s.zones.is_in(LatLon::new(t.lat_deg, t.lon_deg), ZoneKind::Anchorage) {
            return None;
        }
        reason("slow_for_s", s.time_s - first_s, self.window_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::AisLog;

    /// Six minutes wandering back and forth over 110 m at 1 kn.
    fn wandering(now_s: f64) -> crate::anomaly::scene::Memo {
        let mut m = crate::anomaly::scene::Memo::new(now_s - 360.0);
        for i in 0..=72 {
            // A triangle wave: out 110 m in 2 minutes, back in 2 minutes.
            let phase = (i % 48) as f64 / 24.0;
            let f = if phase <= 1.0 { phase } else { 2.0 - phase };
            m.push(crate::anomaly::scene::Sample::new(now_s - 360.0 + i as f64 * 5.0, OPEN.0 + 0.001 * f, OPEN.1, 1.0));
        }
        m
    }

    #[test]
    fn six_slow_minutes_in_open_water_fire() {
        let m = wandering(1000.0);
        let a = AisLog::default();
        let r = Loitering::default().check(&track(1000.0, OPEN.0, OPEN.1, 1.0, 0.0), &scene(1000.0, &m, &a)).unwrap();
        assert!(r.value >= 300.0);
    }

    #[test]
    fn the_remembered_verdict_follows_the_window() {
        // Asked every second, the rule reads the window only when a sample came or went; a new
        // sample far away must still end the loitering at once, and the verdict is the one a
        // memo without the remembered answer gives.
        let a = AisLog::default();
        let rule = Loitering::default();
        let mut m = wandering(1000.0);
        let at = |m: &crate::anomaly::scene::Memo, now: f64| {
            rule.check(&track(now, OPEN.0, OPEN.1, 1.0, 0.0), &scene(now, m, &a)).map(|r| r.value)
        };
        assert!(at(&m, 1000.0).is_some());
        assert_eq!(at(&m, 1001.0), at(&m.clone(), 1001.0));
        m.push(crate::anomaly::scene::Sample::new(1005.0, OPEN.0 + 0.01, OPEN.1, 1.0));
        assert_eq!(at(&m, 1005.0), None, "a sample 1.1 km off is not loitering any more");
        let mut fresh = m.clone();
        fresh.loitering_verdict = Default::default();
        assert_eq!(at(&fresh, 1005.0), None);
    }

    #[test]
    fn a_steady_drift_is_not_loitering() {
        // 1 kn straight for six minutes (≈ 185 m): a drift, the distress rule's case.
        let m = memo(1000.0, 360.0, OPEN, (OPEN.0 + 0.001_7, OPEN.1), 1.0);
        let a = AisLog::default();
        let t = track(1000.0, OPEN.0 + 0.001_7, OPEN.1, 1.0, 0.0);
        assert!(Loitering::default().check(&t, &scene(1000.0, &m, &a)).is_none());
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
