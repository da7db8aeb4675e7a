//! Distress (search and rescue): a small craft stopped or drifting steadily, outside anchorages.
//! Alerts of this kind are SAR, not enforcement ([`crate::anomaly::engine::Category::Sar`]).
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::{Sample, Scene};
use crate::anomaly::zones::ZoneKind;
use crate::geodesy::{LatLon, MPS_PER_KNOT, distance_m};
use crate::track::Track;

/// Fires when, over the last `window_s`, a small craft (not a ship by its AIS or sensor length,
/// `ship_length_m`) drifted slowly and steadily: its mean speed and its net drift rate below
/// `max_speed_kn`, no sample at or above `max_sample_speed_kn`, net displacement ≥ `min_drift_m`
/// and ≥ `min_straightness` of the path, the path measured between samples at least
/// `path_step_s` apart (so track noise on a near-stationary boat does not count as wandering);
/// outside anchorages. Value: net drift over the window, metres.
///
/// `max_speed_kn` (1.5) sits below fishing boats trolling in a straight line (about 2 kn), which
/// otherwise look like a drift. A fishing boat with AIS is still a small craft: an engine failure at sea is a SAR case
/// whether or not the boat carries a transponder. A 0.5 kn tidal drift is about 60 m in
/// four minutes, so `min_drift_m` sits below that.
///
/// Why the mean and not every sample: a tracker's speed on a boat drifting at 0.5 kn jumps to
/// 1.6 kn for a sample now and then (position noise read as velocity); requiring every sample
/// below 1.5 kn held the alert back by minutes on the drifting-boat scenario (and let the
/// loitering rule, which allows 2 kn, fire first). A boat under way is still excluded by
/// `max_sample_speed_kn` and the mean.
#[derive(Debug, Clone)]
pub struct Distress {
    /// Fastest drift (mean speed and net drift rate over the window, and the current speed), knots.
    pub max_speed_kn: f64,
    /// Fastest single sample in the window, knots (tracker speed noise on a slow boat).
    pub max_sample_speed_kn: f64,
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
            max_sample_speed_kn: 3.0,
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
        let (_, drift) = s.memo.window_verdict(&s.memo.drift_verdict, s.time_s, self.window_s, |_, w| {
            steady_drift(w, self.path_step_s, self.max_sample_speed_kn)
        })?;
        let d = drift?;
        let rate_kn = d.net_m / d.span_s.max(1.0) / MPS_PER_KNOT;
        if d.mean_sog_kn >= self.max_speed_kn || rate_kn >= self.max_speed_kn {
            return None;
        }
        if d.net_m < self.min_drift_m || d.net_m < self.min_straightness * d.path_m {
            return None;
        }
        if s.zones.is_in(LatLon::new(t.lat_deg, t.lon_deg), ZoneKind::Anchorage) {
            return None;
        }
        reason("drift_m", d.net_m, self.min_drift_m)
    }
}

/// The motion of a track over a window of samples, as the drift test sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drift {
    /// Straight-line distance from the first to the last sample, metres.
    pub net_m: f64,
    /// Path length between samples at least the path step apart, metres.
    pub path_m: f64,
    /// Time from the first to the last sample, seconds.
    pub span_s: f64,
    /// Mean speed of the samples, knots.
    pub mean_sog_kn: f64,
}

impl Drift {
    /// Net over path: 1 for a straight drift, near 0 for a boat wandering round one spot.
    pub fn straightness(&self) -> f64 {
        if self.path_m > 0.0 { self.net_m / self.path_m } else { 0.0 }
    }
}

/// Net displacement, path (between samples at least `path_step_s` apart, so position noise
/// on a near-stationary boat does not add up to a long path), span and mean speed of `samples`;
/// `None` if empty or a sample is at or above `max_sample_kn` (under way, not drifting).
///
/// Shared by [`Distress`] (a steady drift is its signature) and the loitering rule (a steady
/// drift is not loitering: the craft has no way on). Steps of a drift are metres to a few hundred
/// metres, so they are measured flat ([`Sample::flat_m`], within 1e-5 of the geodesic there): both rules
/// run this over every slow track's window on every update, and the geodesic was an eighth of the
/// engine's time at 5 000 tracks.
pub fn steady_drift<'a>(
    samples: impl Iterator<Item = &'a Sample>,
    path_step_s: f64,
    max_sample_kn: f64,
) -> Option<Drift> {
    let (mut first, mut last, mut end) = (None::<&Sample>, None::<&Sample>, None::<&Sample>);
    let (mut path, mut sog_sum, mut n) = (0.0, 0.0, 0usize);
    for p in samples {
        if !(p.sog_kn < max_sample_kn) {
            return None;
        }
        first.get_or_insert(p);
        end = Some(p);
        sog_sum += p.sog_kn;
        n += 1;
        match last {
            Some(l) if p.time_s - l.time_s >= path_step_s => {
                path += drift_m(l, p);
                last = Some(p);
            }
            None => last = Some(p),
            _ => {}
        }
    }
    let (first, end, l) = (first?, end?, last?);
    path += drift_m(l, end);
    Some(Drift {
        net_m: drift_m(first, end),
        path_m: path,
        span_s: end.time_s - first.time_s,
        mean_sog_kn: sog_sum / n as f64,
    })
}

/// Flat distance where it is trusted, else the geodesic.
fn drift_m(a: &Sample, b: &Sample) -> f64 {
    a.flat_m(b).unwrap_or_else(|| distance_m(a.pos(), b.pos()))
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

    /// The drifting-boat scenario's track: a 0.55 kn drift whose tracked speed jumps to 1.6 kn
    /// on one sample. Distress fires on it (it used to wait for a window without the jump), and
    /// loitering — the enforcement alert — does not fire on the same drift, so the SAR alert
    /// is never behind it.
    #[test]
    fn a_drift_with_a_speed_spike_fires_and_loitering_does_not_fire_first() {
        use crate::anomaly::rules::Loitering;
        // 0.55 kn for 300 s ≈ 85 m south-west.
        let to = (OPEN.0 - 0.000_54, OPEN.1 - 0.000_58);
        let mut m = memo(1000.0, 300.0, OPEN, to, 0.55);
        m.samples[30].sog_kn = 1.6;
        let a = AisLog::default();
        let t = track(1000.0, to.0, to.1, 0.55, 225.0);
        let sc = scene(1000.0, &m, &a);
        assert!(Distress::default().check(&t, &sc).is_some());
        assert!(Loitering::default().check(&t, &sc).is_none());
        // Under way at 4 kn for a moment in the window: not a drift. (A test edits a sample in
        // place, which the engine never does: the remembered verdicts go with it.)
        m.samples[30].sog_kn = 4.0;
        m.drift_verdict = Default::default();
        assert!(Distress::default().check(&t, &scene(1000.0, &m, &a)).is_none());
    }

    #[test]
    fn a_boat_trolling_straight_at_two_knots_with_slower_samples_does_not() {
        // 2 kn for 240 s ≈ 247 m: mean speed and net drift rate above 1.5 kn.
        let mut m = memo(1000.0, 240.0, OPEN, (OPEN.0 + 0.002_2, OPEN.1), 2.0);
        for (i, s) in m.samples.iter_mut().enumerate() {
            if i % 3 == 0 {
                s.sog_kn = 1.2;
            }
        }
        let a = AisLog::default();
        let t = track(1000.0, OPEN.0 + 0.002_2, OPEN.1, 1.2, 0.0);
        assert!(Distress::default().check(&t, &scene(1000.0, &m, &a)).is_none());
    }
}
