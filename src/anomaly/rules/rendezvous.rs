//! Rendezvous: two slow tracks close together for a while (Global Fishing Watch encounter
//! heuristics, tuned for minutes rather than hours).
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::Track;

/// Fires when the engine has seen this track within `max_distance_m` of the same partner, both
/// slower than `max_speed_kn`, for `min_duration_s` — or, for a dark track (no AIS), for
/// `dark_min_duration_s`. Value: time together, seconds.
///
/// Why a shorter time for a dark track: a craft without a transponder stopped beside another
/// vessel at sea is the transfer itself, and its own track rarely lasts two minutes there. When
/// the two hulls come within a few tens of metres the tracker cannot tell their plots apart and
/// merges the dark track into the AIS vessel's (keeping them apart by force swaps the two tracks
/// back and forth: ID switches 7 → 26 on the rendezvous scenario), and a new dark track starts
/// when they open up again. On the rendezvous scenario the dark craft's track alongside lived
/// 135 s, then 70 s: too short for a two-minute rule, once the engine has a settled velocity.
/// Two AIS vessels side by side (fishing pair trawlers, a pilot boarding) keep the longer time.
///
/// The engine pairs tracks (a spatial hash of slow tracks) using `max_distance_m` and
/// `max_speed_kn` from this rule.
#[derive(Debug, Clone)]
pub struct Rendezvous {
    /// Farthest apart that counts, metres.
    pub max_distance_m: f64,
    /// Fastest either may be, knots.
    pub max_speed_kn: f64,
    /// How long together, seconds.
    pub min_duration_s: f64,
    /// How long together when this track is dark (no AIS), seconds.
    pub dark_min_duration_s: f64,
}

impl Default for Rendezvous {
    fn default() -> Self {
        Rendezvous { max_distance_m: 500.0, max_speed_kn: 3.0, min_duration_s: 120.0, dark_min_duration_s: 60.0 }
    }
}

impl Rule for Rendezvous {
    fn kind(&self) -> AlertKind {
        AlertKind::Rendezvous
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let (_, since, d) = s.memo.partner.as_ref()?;
        let together = s.time_s - since;
        let min = if t.dark && t.identity.mmsi.is_none() { self.dark_min_duration_s } else { self.min_duration_s };
        (together >= min && *d <= self.max_distance_m).then(|| reason("together_s", together, min)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::Alert;
    use crate::anomaly::engine::{Engine, EngineConfig};
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};
    use crate::detection::SensorKind;

    #[test]
    fn three_minutes_alongside_fires_and_one_does_not() {
        let mut m = Memo::new(0.0);
        m.partner = Some(("9".into(), 100.0, 80.0));
        let a = AisLog::default();
        let mut t = track(280.0, OPEN.0, OPEN.1, 0.5, 0.0);
        t.dark = false;
        t.identity.mmsi = Some(412_100_009);
        assert_eq!(Rendezvous::default().check(&t, &scene(280.0, &m, &a)).unwrap().value, 180.0);
        assert!(Rendezvous::default().check(&t, &scene(160.0, &m, &a)).is_none());
    }

    #[test]
    fn a_dark_craft_fires_after_one_minute_alongside_and_not_before() {
        let mut m = Memo::new(0.0);
        m.partner = Some(("4".into(), 100.0, 40.0));
        let a = AisLog::default();
        let t = track(170.0, OPEN.0, OPEN.1, 0.5, 0.0);
        let r = Rendezvous::default();
        assert_eq!(r.check(&t, &scene(170.0, &m, &a)).unwrap().value, 70.0);
        assert!(r.check(&t, &scene(150.0, &m, &a)).is_none());
        // Too far apart for the pair still held in the memo: nothing.
        m.partner = Some(("4".into(), 100.0, 800.0));
        assert!(r.check(&t, &scene(170.0, &m, &a)).is_none());
    }

    /// The tracker situation on the rendezvous scenario, replayed through the engine: the dark
    /// craft's first track is merged into the AIS vessel's when it stops alongside, a new dark
    /// track starts 40 m off and lives 100 s before it too is merged. The rendezvous is raised on
    /// the new dark track; the AIS vessel's own two-minute clock has not run out.
    #[test]
    fn a_dark_track_reborn_beside_an_ais_vessel_after_a_merge_raises_a_rendezvous() {
        let mut e = Engine::new(EngineConfig::default(), zones().clone(), coast().clone());
        let ais = AisLog::default();
        let mut out: Vec<Alert> = Vec::new();
        let (lat0, lon0) = OPEN;
        // 40 m east of the AIS vessel at 22.1°N: 0.00039° of longitude.
        let east = 0.000_39;
        for k in 0..=400 {
            let t0 = 1_000.0 + k as f64;
            let mut tracks = Vec::new();
            let mut mother = track(t0, lat0, lon0, 0.8, (k * 2 % 360) as f64);
            mother.id.0 = "4".into();
            mother.dark = false;
            mother.identity.mmsi = Some(412_100_009);
            mother.sources = vec![SensorKind::Ais, SensorKind::Radar];
            tracks.push(mother);
            // The fast dark craft closes in until it is merged at k = 280.
            if k < 280 {
                let dist_deg = (280 - k) as f64 * 15.0 / 111_000.0;
                let mut fast = track(t0, lat0 + dist_deg, lon0, 29.0, 180.0);
                fast.id.0 = "11".into();
                tracks.push(fast);
            }
            // Its new track alongside, from k = 285 to k = 385.
            if (285..385).contains(&k) {
                let mut dark = track(t0, lat0, lon0 + east, 0.6, 90.0);
                dark.id.0 = "944".into();
                tracks.push(dark);
            }
            e.update(t0, &tracks, &ais, &mut out);
        }
        let rdv: Vec<&Alert> = out.iter().filter(|a| a.kind == AlertKind::Rendezvous).collect();
        assert!(!rdv.is_empty(), "no rendezvous in {:?}", out.iter().map(|a| a.kind).collect::<Vec<_>>());
        let first = rdv[0];
        assert_eq!(first.track_id, "944");
        // One minute after the new track was paired (k = 285), not before.
        assert!(first.time >= 1_000.0 + 285.0 + 60.0 && first.time <= 1_000.0 + 285.0 + 65.0, "{}", first.time);
        assert!(rdv.iter().all(|a| a.track_id == "944"));
    }
}
