//! Tracker (issue 4): life cycle, association, identity, out-of-sequence updates, cross-node
//! fusion and the `seawarden track` batch contract, on small seeded scenarios.
use nalgebra::{Matrix2, Vector2};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;
use seawarden::detection::SensorKind;
use seawarden::geodesy::{Enu, LatLon};
use seawarden::track::associator::{Associator, Hypothesis};
use seawarden::track::config::TrackerConfig;
use seawarden::track::fusion::{Fuser, NodeTrack};
use seawarden::track::gnn::Gnn;
use seawarden::track::kalman::Kalman;
use seawarden::track::measurement::{Measurement, Model, ais, cartesian::cartesian};
use seawarden::track::score::{Initiator, TrackScore};
use seawarden::track::{DefaultTracker, Scan, TrackStatus, run_batch};

const ORIGIN: LatLon = LatLon::new(22.15, 113.56);

fn tracker() -> DefaultTracker {
    DefaultTracker::from_config(&TrackerConfig::default(), Enu::at(ORIGIN))
}

fn pos(z: Vector2<f64>, sigma_m: f64) -> Measurement {
    let m = cartesian(z, Matrix2::identity() * sigma_m * sigma_m).unwrap();
    Measurement::from_model(m, SensorKind::Radar, None)
}

fn ais_report(z: Vector2<f64>, v: Vector2<f64>, mmsi: u32) -> Measurement {
    let sog_kn = v.norm() / seawarden::geodesy::MPS_PER_KNOT;
    let cog_deg = v.x.atan2(v.y).to_degrees().rem_euclid(360.0);
    let m = ais::position_velocity(z, Matrix2::identity() * 100.0, sog_kn, cog_deg, 0.5, 5.0);
    Measurement::from_model(m, SensorKind::Ais, Some(mmsi))
}

fn radar_scan(time_s: f64, sensor: u16, ms: Vec<Measurement>) -> Scan {
    Scan { time_s, sensor, kind: SensorKind::Radar, measurements: ms }
}

/// A second radar-plot far away, so every scan teaches the tracker a coverage that includes
/// the targets of interest.
fn corner() -> Measurement {
    pos(Vector2::new(-5000.0, -5000.0), 20.0)
}

fn corner2() -> Measurement {
    pos(Vector2::new(5000.0, 5000.0), 20.0)
}

mod life_cycle {
    use super::*;

    #[test]
    fn radar_track_is_confirmed_by_its_score_not_on_its_first_plots() {
        let mut t = tracker();
        let s = t.sensor_id("radar-a");
        let min_hits = TrackerConfig::default().confirm.min_hits as usize;
        for k in 0..5 {
            let z = Vector2::new(100.0 + 5.0 * k as f64, 0.0);
            t.step(&radar_scan(k as f64, s, vec![pos(z, 10.0), corner(), corner2()]));
            let confirmed = t.tracks().iter().filter(|x| x.is_confirmed()).count();
            if k + 1 < min_hits {
                assert_eq!(confirmed, 0, "confirmed after {} hits", k + 1);
            } else if k == 4 {
                // The target and the two fixed corner plots, each with five good plots.
                assert_eq!(confirmed, 3);
            }
        }
    }

    #[test]
    fn confirmed_track_coasts_then_is_deleted_once_misses_cost_its_score_the_drop() {
        let cfg = TrackerConfig::default();
        let pd = cfg.association.detection_probability;
        let mut t = tracker();
        let s = t.sensor_id("radar-a");
        for k in 0..10 {
            let z = Vector2::new(5.0 * k as f64, 0.0);
            t.step(&radar_scan(k as f64, s, vec![pos(z, 10.0), corner(), corner2()]));
        }
        let id = t.tracks().iter().find(|x| x.estimate().pos().norm() < 200.0).unwrap().id;
        // Each miss costs ln(1 − Pd) with the track's own record of this sensor: dear after ten
        // hits in a row, cheaper as the misses pile up; the track goes once its score has
        // dropped `confirmed_llr_drop` below its best or it has coasted `max_coast_s`.
        let mut last_cost = f64::INFINITY;
        for k in 0..100 {
            let before = t.tracks().iter().find(|x| x.id == id).unwrap().clone();
            let cost = -before.miss_llr(s, pd);
            assert!(cost > 0.0 && cost < last_cost, "miss {}: cost {cost} after {last_cost}", k + 1);
            last_cost = cost;
            let time = 10.0 + k as f64;
            t.step(&radar_scan(time, s, vec![corner(), corner2()]));
            let score = before.score - cost;
            let due = score < before.score_max - cfg.delete.confirmed_llr_drop
                || time - before.last_update_s > cfg.delete.max_coast_s;
            match t.tracks().iter().find(|x| x.id == id) {
                Some(tr) => {
                    assert!(!due, "still alive after {} misses", k + 1);
                    assert_eq!(tr.status, TrackStatus::Coasting, "miss {}", k + 1);
                    assert!((tr.score - score).abs() < 1e-9, "miss {}: score {} != {score}", k + 1, tr.score);
                }
                None => {
                    assert!(due, "deleted after {} misses", k + 1);
                    // Ten hits earn more coasting than the fixed ln(1 − Pd) per miss allowed.
                    let fixed = (cfg.delete.confirmed_llr_drop / -(1.0 - pd).ln()).floor() as usize;
                    assert!(k + 1 > fixed, "deleted after {} misses, fixed cost allows {fixed}", k + 1);
                    return;
                }
            }
        }
        panic!("never deleted");
    }

    #[test]
    fn pure_clutter_at_typical_density_confirms_nothing() {
        let mut rng = Pcg64::seed_from_u64(3);
        let mut t = tracker();
        let s = t.sensor_id("radar-a");
        // 0.5 false plots per km² over 20 × 20 km, 200 scans.
        for k in 0..200 {
            let ms = (0..200)
                .map(|_| pos(Vector2::new(rng.random_range(-1e4..1e4), rng.random_range(-1e4..1e4)), 20.0))
                .collect();
            t.step(&radar_scan(2.5 * k as f64, s, ms));
            assert_eq!(t.tracks().iter().filter(|x| x.is_confirmed()).count(), 0, "scan {k}");
        }
    }
}

mod association {
    use super::*;

    #[test]
    fn two_crossing_targets_keep_their_ids() {
        let noise = Normal::new(0.0, 15.0).unwrap();
        // 60° crossing, 8 m/s each, σ = 15 m, Pd = 0.9. (At a 30° crossing GNN swaps in about
        // 3 of 20 seeds with CV and 6 of 20 with the IMM: the targets are within 2σ for ~8 s.)
        for seed in 0..8 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let mut t = tracker();
            let s = t.sensor_id("radar-a");
            // Two boats at 8 m/s crossing at 60° through the origin at t = 60 s.
            let a = 30f64.to_radians();
            let va = Vector2::new(8.0 * a.sin(), 8.0 * a.cos());
            let vb = Vector2::new(-8.0 * a.sin(), 8.0 * a.cos());
            let mut ids = (0, 0);
            for k in 0..120 {
                let time = k as f64;
                let truth = [va * (time - 60.0), vb * (time - 60.0)];
                let mut ms = vec![corner(), corner2()];
                for p in truth {
                    if rng.random::<f64>() < 0.9 {
                        ms.push(pos(p + Vector2::new(noise.sample(&mut rng), noise.sample(&mut rng)), 15.0));
                    }
                }
                t.step(&radar_scan(time, s, ms));
                let nearest = |p: Vector2<f64>| {
                    t.tracks()
                        .iter()
                        .filter(|x| x.is_confirmed())
                        .min_by(|x, y| (x.estimate().pos() - p).norm().total_cmp(&(y.estimate().pos() - p).norm()))
                        .map(|x| x.id)
                        .unwrap()
                };
                if k == 30 {
                    ids = (nearest(truth[0]), nearest(truth[1]));
                    assert_ne!(ids.0, ids.1);
                }
                if k == 119 {
                    assert_eq!((nearest(truth[0]), nearest(truth[1])), ids, "seed {seed}: ids swapped");
                }
            }
        }
    }

    fn random_tracks_and_scan(seed: u64) -> (Vec<seawarden::track::TrackState>, Scan) {
        let mut rng = Pcg64::seed_from_u64(seed);
        let mut init = TrackScore::new(&Default::default(), &Default::default(), true);
        let tracks: Vec<_> = (0..60)
            .map(|i| {
                let z = Vector2::new(rng.random_range(-3000.0..3000.0), rng.random_range(-3000.0..3000.0));
                init.initiate(&pos(z, rng.random_range(5.0..80.0)), 0.0, 0, i).unwrap()
            })
            .collect();
        let ms = (0..80)
            .map(|_| pos(Vector2::new(rng.random_range(-3000.0..3000.0), rng.random_range(-3000.0..3000.0)), 30.0))
            .collect();
        (tracks, radar_scan(0.0, 0, ms))
    }

    proptest::proptest! {
        #[test]
        fn grid_gating_gives_the_same_assignment_as_brute_force(seed in 0u64..1000) {
            let (tracks, scan) = random_tracks_and_scan(seed);
            let predicted: Vec<_> = tracks.iter().map(|t| t.estimate()).collect();
            let mut cfg = TrackerConfig::default().association;
            let mut grid = Gnn::new(&cfg);
            cfg.grid_cell_m = 1e9; // one cell: every track tests every detection
            let mut brute = Gnn::new(&cfg);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            grid.associate(&Kalman, &predicted, &tracks, &scan, &mut a);
            brute.associate(&Kalman, &predicted, &tracks, &scan, &mut b);
            let key = |h: &Hypothesis| match *h { Hypothesis::Missed { track } => (track, u32::MAX), Hypothesis::Detected { track, det, .. } => (track, det) };
            proptest::prop_assert_eq!(a.iter().map(key).collect::<Vec<_>>(), b.iter().map(key).collect::<Vec<_>>());
        }
    }
}

mod duplicates {
    use super::*;
    use seawarden::track::measurement::bearing::BearingRange;

    /// An IR camera at the origin (1 Hz, σ 0.05° in bearing, 15 % in range) sees a boat; its
    /// first range is a 4σ outlier (60 % long: a wake or glint), so the IR track starts far out
    /// along the bearing. A radar 6 km east (2.5 s, σ 20 m) sees the boat from 3 s on and, its
    /// plots being far outside the young IR track's gate, starts a track of its own; the IR
    /// track's later ranges bring it onto the boat. Returns the most confirmed tracks within
    /// 1 km of the boat at any scan from 40 s on.
    fn confirmed_near_boat(seed: u64, merge: bool) -> usize {
        let mut rng = Pcg64::seed_from_u64(seed);
        let g = Normal::new(0.0, 1.0).unwrap();
        let mut cfg = TrackerConfig::default();
        if !merge {
            cfg.merge.max_distance_m = 0.0;
        }
        let mut t = DefaultTracker::from_config(&cfg, Enu::at(ORIGIN));
        let (ir, radar) = (t.sensor_id("ir-a"), t.sensor_id("radar-b"));
        let radar_at = Vector2::new(6000.0, 0.0);
        let boat = |time: f64| Vector2::new(1500.0 + 8.0 * time, 4000.0 - 3.0 * time);
        let mut most = 0;
        for k in 0..240 {
            let time = 0.5 * k as f64;
            if k % 2 == 0 {
                let p = boat(time);
                let (r, b) = (p.norm(), p.x.atan2(p.y));
                let range = if k == 0 { 1.6 * r } else { r * (1.0 + 0.15 * g.sample(&mut rng)) };
                let model = Model::Polar(BearingRange {
                    sensor_en: Vector2::zeros(),
                    bearing_rad: b + 0.05f64.to_radians() * g.sample(&mut rng),
                    sigma_bearing_rad: 0.05f64.to_radians(),
                    range: Some((range, 0.15 * range)),
                    range_prior_m: (3000.0, 2000.0),
                });
                let m = Measurement::from_model(model, SensorKind::Ir, None);
                t.step(&Scan { time_s: time, sensor: ir, kind: SensorKind::Ir, measurements: vec![m] });
            }
            if time >= 3.0 && k % 5 == 1 {
                let z = boat(time) + Vector2::new(20.0 * g.sample(&mut rng), 20.0 * g.sample(&mut rng));
                // A far plot teaches the radar a coverage that includes the boat.
                let far = radar_at + Vector2::new(-9000.0, 6000.0);
                t.step(&radar_scan(time, radar, vec![pos(z, 20.0), pos(far, 20.0)]));
            }
            if time >= 40.0 {
                let p = boat(time);
                let n =
                    t.tracks().iter().filter(|x| x.is_confirmed() && (x.estimate().pos() - p).norm() < 1000.0).count();
                most = most.max(n);
            }
        }
        most
    }

    #[test]
    fn radar_and_ir_on_one_vessel_give_one_confirmed_track() {
        for seed in 0..10 {
            assert_eq!(confirmed_near_boat(seed, true), 1, "seed {seed}");
        }
    }

    /// An associator that never associates (Stone Soup `conftest.py` style stub): every plot
    /// starts a track, so only the merge step can keep one track per boat.
    struct NeverAssociate;

    impl Associator for NeverAssociate {
        fn associate<U: seawarden::track::kalman::Updater>(
            &mut self,
            _: &U,
            _: &[seawarden::track::filter::Gaussian],
            tracks: &[seawarden::track::TrackState],
            _: &Scan,
            out: &mut Vec<Hypothesis>,
        ) {
            out.clear();
            out.extend((0..tracks.len() as u32).map(|track| Hypothesis::Missed { track }));
        }
    }

    /// Two radars take turns on two boats 2 km apart;
    /// returns the tracks held after 40 scans.
    fn tracks_held(merge: bool) -> usize {
        use seawarden::track::config::MergeConfig;
        use seawarden::track::deleter::ScoreOrCoast;
        use seawarden::track::filter::ConstantVelocity;
        use seawarden::track::score::TrackScore;
        let cfg = TrackerConfig::default();
        let mut t = seawarden::track::Tracker::new(
            ConstantVelocity::default(),
            Kalman,
            NeverAssociate,
            TrackScore::new(&cfg.confirm, &cfg.filter, false),
            ScoreOrCoast::new(&cfg.delete),
            Enu::at(ORIGIN),
        );
        if !merge {
            t.set_merge(&MergeConfig { max_distance_m: 0.0, ..MergeConfig::default() });
        }
        let sensors = [t.sensor_id("radar-a"), t.sensor_id("radar-b")];
        let noise = Normal::new(0.0, 10.0).unwrap();
        let mut rng = Pcg64::seed_from_u64(5);
        for k in 0..40 {
            let time = k as f64;
            let boats = [Vector2::new(5.0 * time, 0.0), Vector2::new(2000.0, 1000.0 - 4.0 * time)];
            let ms = boats
                .iter()
                .map(|b| pos(b + Vector2::new(noise.sample(&mut rng), noise.sample(&mut rng)), 10.0))
                .collect();
            t.step(&radar_scan(time, sensors[k % 2], ms));
        }
        // A scan with no plots: the last plots' tracks are merged too (merging runs before
        // initiation, so a step ends with the newest plots' tracks still unmerged).
        t.step(&radar_scan(40.0, sensors[0], vec![]));
        t.tracks().len()
    }

    #[test]
    fn merge_keeps_one_track_per_boat() {
        assert_eq!(tracks_held(true), 2);
        // Without the merge step the stub associator piles up tracks (so the check above bites).
        assert!(tracks_held(false) > 2);
    }
}

mod scenarios {
    //! Simulated scenarios (shortened, seeded) scored by GOSPA (p = 1, c = 100 m, α = 2) through
    //! the CLI, as `tools/compare_stonesoup.py` does. Each bound is the mean GOSPA measured when
    //! the tracker was tuned plus about 50 %; the tracker before the track-score and merge rework
    //! (M-of-N with a 2-of-3 multi-sensor rule) scored about twice the bound on the full-length
    //! scenarios (crossing 56 m, manoeuvring 104 m).
    use std::process::Command;

    /// `seawarden eval --json` of a simulated scenario tracked by `seawarden track`.
    pub(super) fn eval(scenario: &str, duration: &str) -> serde_json::Value {
        let dir = tempfile::tempdir().unwrap();
        let bin = crate::util::seawarden_bin();
        let run = |args: &[&std::ffi::OsStr]| {
            let r = Command::new(&bin).args(args).output().unwrap();
            assert!(r.status.success(), "{args:?}: {}", String::from_utf8_lossy(&r.stderr));
            r.stdout
        };
        let d = dir.path();
        let (meas, truth, tracks) = (d.join("measurements.jsonl"), d.join("truth.jsonl"), d.join("tracks.jsonl"));
        run(&[
            "sim".as_ref(),
            "--scenario".as_ref(),
            scenario.as_ref(),
            "--duration".as_ref(),
            duration.as_ref(),
            "--out".as_ref(),
            d.as_os_str(),
        ]);
        run(&["track".as_ref(), "--input".as_ref(), meas.as_os_str(), "--output".as_ref(), tracks.as_os_str()]);
        let out = run(&[
            "eval".as_ref(),
            "--truth".as_ref(),
            truth.as_os_str(),
            "--tracks".as_ref(),
            tracks.as_os_str(),
            "--measurements".as_ref(),
            meas.as_os_str(),
            "--json".as_ref(),
        ]);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn crossing_vessels_are_tracked_without_duplicates() {
        // Six vessels crossing, meeting and overtaking within 40 m around t = 300 s.
        let e = eval("crossing", "6m"); // measured 19.1 m
        let (g, f) = (e["gospa_m"].as_f64().unwrap(), e["false_tracks"].as_f64().unwrap());
        assert!(g < CROSSING_GOSPA_M, "{e}");
        assert!(f < 3.0, "false tracks {f}: {e}"); // measured 0.6 m
    }

    #[test]
    fn hard_manoeuvring_fast_craft_are_held() {
        // Three fast craft zigzagging at 25–38 kn with 6°/s turns, and a ferry.
        let e = eval("manoeuvring", "3m"); // measured 55.6 m
        assert!(e["gospa_m"].as_f64().unwrap() < MANOEUVRING_GOSPA_M, "{e}");
    }

    const CROSSING_GOSPA_M: f64 = 30.0;
    const MANOEUVRING_GOSPA_M: f64 = 80.0;
}

mod fragmentation {
    //! One vessel, one id: tracks must coast through a sensor's misses instead of being dropped
    //! and restarted under a new id, and stray plots next to a confirmed track must not grow
    //! duplicates.
    use super::*;

    /// Confirmed track ids seen while the test ran.
    fn ids(t: &DefaultTracker, seen: &mut std::collections::BTreeSet<u64>) {
        seen.extend(t.tracks().iter().filter(|x| x.is_confirmed()).map(|x| x.id));
    }

    #[test]
    fn ais_vessel_seen_rarely_by_a_fast_sensor_keeps_one_id() {
        // An AIS vessel reporting every 10 s, inside the coverage of a 3 Hz sensor that detects
        // it on one scan in thirty (a distant boat for an IR camera). Charging the full
        // ln(1 − Pd) for each of the 29 misses deleted the track between AIS reports, and every
        // report started a new id (rendezvous scenario: a fishing boat under two ids).
        let mut t = tracker();
        let fast = t.sensor_id("radar-fast");
        let ais_rx = t.sensor_id("ais");
        let v = Vector2::new(6.0, 0.0);
        let p0 = Vector2::new(-1000.0, 300.0);
        let mut seen = std::collections::BTreeSet::new();
        for k in 0..(3 * 180) {
            let time = k as f64 / 3.0;
            let p = p0 + v * time;
            if k % 30 == 0 {
                let s = Scan {
                    time_s: time,
                    sensor: ais_rx,
                    kind: SensorKind::Ais,
                    measurements: vec![ais_report(p, v, 412_000_001)],
                };
                t.step(&s);
            }
            let mut ms = vec![corner(), corner2()];
            if k % 30 == 15 {
                ms.push(pos(p, 15.0));
            }
            t.step(&radar_scan(time + 0.01, fast, ms));
            ids(&t, &mut seen);
        }
        let vessel: Vec<_> = t.tracks().iter().filter(|x| x.mmsi == Some(412_000_001)).collect();
        assert_eq!(vessel.len(), 1, "{vessel:?}");
        // The two corner plots and the vessel: three ids over three minutes.
        assert_eq!(seen.len(), 3, "confirmed ids {seen:?}");
    }

    #[test]
    fn split_plots_next_to_a_confirmed_track_start_no_duplicate() {
        // A radar returns two plots 40 m apart for one long vessel on every scan (bow and stern):
        // the second plot is inside the confirmed track's gate and must not start a track.
        let mut t = tracker();
        let s = t.sensor_id("radar-a");
        let v = Vector2::new(0.0, 5.0);
        let mut seen = std::collections::BTreeSet::new();
        for k in 0..60 {
            let time = 2.5 * k as f64;
            let p = Vector2::new(200.0, -800.0) + v * time;
            let mut ms = vec![corner(), corner2(), pos(p, 15.0)];
            if k >= 5 {
                ms.push(pos(p + Vector2::new(0.0, 40.0), 15.0));
            }
            t.step(&radar_scan(time, s, ms));
            ids(&t, &mut seen);
        }
        assert!(t.stats().births_suppressed >= 50, "{:?}", t.stats());
        assert_eq!(seen.len(), 3, "confirmed ids {seen:?}");
    }

    #[test]
    fn rendezvous_scenario_gives_each_vessel_few_ids() {
        // End to end through the CLI: every truth vessel is followed by at most two confirmed ids
        // (a vessel that leaves all coverage may come back under a new one), and the whole run
        // has few fragmentations. Before the per-sensor miss record and the AIS rules the
        // AIS fishing boat alone had two ids (12 → 251) in the first three minutes.
        let e = super::scenarios::eval("rendezvous", "3m");
        let frag = e["fragmentations"].as_u64().unwrap();
        let sw = e["id_switches"].as_u64().unwrap();
        assert!(frag <= 2 && sw <= 1, "{e}");
    }
}

mod identity {
    use super::*;

    #[test]
    fn ais_identity_is_carried_to_the_radar_track_and_dark_flags_the_other() {
        let mut t = tracker();
        let radar = t.sensor_id("radar-a");
        let ais_rx = t.sensor_id("ais-a");
        let (va, vb) = (Vector2::new(5.0, 0.0), Vector2::new(0.0, -6.0));
        let (pa0, pb0) = (Vector2::new(-1000.0, 500.0), Vector2::new(800.0, 2000.0));
        let pc0 = Vector2::new(3000.0, -3000.0); // AIS only, outside radar coverage
        for k in 0..30 {
            let time = 2.0 * k as f64;
            let (pa, pb, pc) = (pa0 + va * time, pb0 + vb * time, pc0 + va * time);
            t.step(&radar_scan(
                time,
                radar,
                vec![
                    pos(pa, 15.0),
                    pos(pb, 15.0),
                    pos(Vector2::new(-2000.0, -2000.0), 15.0),
                    pos(Vector2::new(2000.0, 3500.0), 15.0),
                ],
            ));
            if k % 3 == 0 {
                let ms = vec![ais_report(pa, va, 412_000_001), ais_report(pc, va, 412_000_002)];
                t.step(&Scan { time_s: time, sensor: ais_rx, kind: SensorKind::Ais, measurements: ms });
            }
        }
        let tracks: Vec<_> = t.confirmed_tracks().collect();
        let frame = *t.frame();
        let near = |p: Vector2<f64>| {
            tracks.iter().find(|x| (frame.to_en(LatLon::new(x.lat_deg, x.lon_deg)) - p).norm() < 100.0).unwrap()
        };
        let end = 58.0;
        let a = near(pa0 + va * end);
        assert_eq!(a.identity.mmsi, Some(412_000_001));
        assert!(!a.dark);
        assert!(a.sources.contains(&SensorKind::Radar) && a.sources.contains(&SensorKind::Ais));
        let b = near(pb0 + vb * end);
        assert!(b.dark, "radar-only track must be dark");
        assert_eq!(b.identity.mmsi, None);
        let c = near(pc0 + va * end);
        assert_eq!(c.sources, vec![SensorKind::Ais]);
        assert!(!c.dark);
        // One track per vessel: no AIS duplicate of the radar track.
        assert_eq!(tracks.iter().filter(|x| x.identity.mmsi == Some(412_000_001)).count(), 1);
    }
}

mod out_of_sequence {
    use super::*;

    #[test]
    fn late_ais_report_updates_the_track_by_retrodiction_and_too_late_is_dropped() {
        let mut t = tracker();
        let radar = t.sensor_id("radar-a");
        let ais_rx = t.sensor_id("ais-a");
        let v = Vector2::new(4.0, 3.0);
        for k in 0..20 {
            let time = k as f64;
            t.step(&radar_scan(time, radar, vec![pos(v * time, 30.0), corner(), corner2()]));
        }
        let before = t.tracks().iter().find(|x| x.estimate().pos().norm() < 500.0).unwrap().clone();
        // An AIS report from 3 s ago, 20 m north of where the radar thought the boat was.
        let late = ais_report(v * 16.0 + Vector2::new(0.0, 20.0), v, 412_000_003);
        t.step(&Scan { time_s: 16.0, sensor: ais_rx, kind: SensorKind::Ais, measurements: vec![late] });
        assert_eq!(t.stats().late_applied, 1);
        let after = t.tracks().iter().find(|x| x.id == before.id).unwrap();
        assert_eq!(after.mmsi, Some(412_000_003));
        let dn = after.estimate().pos().y - before.estimate().pos().y;
        assert!(dn > 1.0 && dn < 20.0, "moved {dn} m north");
        assert!(after.estimate().p[(1, 1)] < before.estimate().p[(1, 1)]);
        assert_eq!(after.time_s, 19.0, "a late report must not move the track's time");
        // Older than oosm.max_lag_s (30 s): dropped.
        t.step(&Scan { time_s: -20.0, sensor: ais_rx, kind: SensorKind::Ais, measurements: vec![ais_report(v, v, 1)] });
        assert_eq!(t.stats().late_dropped, 1);
    }
}

mod fusion {
    use super::*;

    #[test]
    fn two_nodes_seeing_one_vessel_give_one_fused_track_with_a_stable_id() {
        // Node A and node B each track the same boat (slightly different estimates) and one
        // boat only they see.
        let mk = |origin: LatLon, site: &str, ps: &[Vector2<f64>]| -> Vec<NodeTrack> {
            let mut t = DefaultTracker::from_config(
                &TrackerConfig { site: site.into(), ..Default::default() },
                Enu::at(origin),
            );
            let s = t.sensor_id("radar");
            let frame = Enu::at(ORIGIN);
            for k in 0..12 {
                let time = k as f64;
                let ms = ps
                    .iter()
                    .map(|p| {
                        let ll = frame.from_en(p + Vector2::new(3.0, 2.0) * time);
                        pos(Enu::at(origin).to_en(ll), 10.0)
                    })
                    .collect();
                t.step(&radar_scan(time, s, ms));
            }
            t.confirmed_tracks().map(|track| NodeTrack { site: site.into(), track }).collect()
        };
        let shared = Vector2::new(0.0, 0.0);
        let a = mk(LatLon::new(22.16, 113.55), "a", &[shared, Vector2::new(-3000.0, 0.0)]);
        let b = mk(LatLon::new(22.14, 113.57), "b", &[shared + Vector2::new(8.0, -6.0), Vector2::new(3000.0, 0.0)]);
        assert_eq!((a.len(), b.len()), (2, 2));
        let all: Vec<NodeTrack> = a.into_iter().chain(b).collect();
        let mut fuser = Fuser::new(Enu::at(ORIGIN), 0.999);
        let fused = fuser.fuse(&all);
        assert_eq!(fused.len(), 3, "{fused:#?}");
        let frame = Enu::at(ORIGIN);
        let merged: Vec<_> =
            fused.iter().filter(|f| frame.to_en(LatLon::new(f.lat_deg, f.lon_deg)).norm() < 200.0).collect();
        assert_eq!(merged.len(), 1);
        let again = fuser.fuse(&all);
        let merged2 = again.iter().find(|f| frame.to_en(LatLon::new(f.lat_deg, f.lon_deg)).norm() < 200.0).unwrap();
        assert_eq!(merged2.id, merged[0].id);
    }
}

mod batch_contract {
    use super::*;
    use serde_json::{Value, json};

    fn ll(p: Vector2<f64>) -> (f64, f64) {
        let q = Enu::at(ORIGIN).from_en(p);
        (q.lat_deg, q.lon_deg)
    }

    /// One radar target at 6 m/s, two sensors reporting at the same times, then scan_only lines.
    fn input() -> (String, Vec<f64>) {
        let mut lines = Vec::new();
        let mut times = Vec::new();
        for k in 0..20 {
            let t = 1_700_000_000.0 + 2.5 * k as f64;
            times.push(t);
            let p = Vector2::new(6.0 * 2.5 * k as f64, 100.0);
            let (lat, lon) = ll(p);
            lines.push(json!({"time": t, "sensor": "radar-a", "lat": lat, "lon": lon, "sigma_m": 15.0}).to_string());
            let (lat2, lon2) = ll(p + Vector2::new(5.0, -3.0));
            lines.push(json!({"time": t, "sensor": "radar-b", "lat": lat2, "lon": lon2, "sigma_m": 20.0}).to_string());
        }
        for k in 20..23 {
            let t = 1_700_000_000.0 + 2.5 * k as f64;
            times.push(t);
            lines.push(json!({"time": t, "sensor": "radar-a", "scan_only": true}).to_string());
        }
        (lines.join("\n") + "\n", times)
    }

    fn run(text: &str) -> (Vec<Value>, seawarden::track::BatchStats) {
        let mut out = Vec::new();
        let stats = run_batch(text.as_bytes(), &mut out, &TrackerConfig::default()).unwrap();
        let v = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (v, stats)
    }

    #[test]
    fn ais_only_track_inside_radar_coverage_is_written_only_once_a_radar_confirms_it() {
        // A radar sees the sea around (2 km, 0.5 km): sea clutter and two buoys. From the 8th scan
        // AIS reports a spoofed position there that no radar plot ever supports, a genuine vessel
        // 20 km out where no radar reaches, and a vessel the radar starts to see at scan 20. The
        // spoofed track is held back; the far one is written; the third is written once radar
        // plots confirm it.
        let mut rng = Pcg64::seed_from_u64(5);
        let mut lines = Vec::new();
        let t0 = 1_700_000_000.0;
        for k in 0..40 {
            let t = t0 + 2.5 * k as f64;
            let time = 2.5 * k as f64;
            let real = Vector2::new(1000.0 + 5.0 * time, 1500.0);
            if k % 4 == 0 && k >= 8 {
                for (mmsi, p) in [(1, Vector2::new(2000.0, 500.0)), (2, Vector2::new(20_000.0, 20_000.0)), (3, real)] {
                    let (lat, lon) = ll(p);
                    let v = if mmsi == 3 { (5.0 / seawarden::geodesy::MPS_PER_KNOT, 90.0) } else { (0.0, 0.0) };
                    lines.push(
                        json!({"time": t + 1.0, "sensor": "ais", "kind": "ais", "mmsi": 412_000_000 + mmsi, "lat": lat,
                               "lon": lon, "sigma_m": 10.0, "sog_kn": v.0, "cog_deg": v.1})
                        .to_string(),
                    );
                }
            }
            let mut plots = vec![Vector2::new(0.0, 0.0), Vector2::new(3000.0, 3000.0)];
            plots.extend(
                (0..4).map(|_| Vector2::new(rng.random_range(500.0..3500.0), rng.random_range(-1000.0..2000.0))),
            );
            if k >= 20 {
                plots.push(real);
            }
            for p in plots {
                let (lat, lon) = ll(p);
                lines.push(
                    json!({"time": t + 0.5, "sensor": "radar-a", "kind": "radar", "lat": lat, "lon": lon, "sigma_m": 15.0})
                        .to_string(),
                );
            }
        }
        let (out, _) = run(&(lines.join("\n") + "\n"));
        let written = |mmsi: u32, after: f64| {
            out.iter()
                .any(|v| v["mmsi"].as_u64() == Some(412_000_000 + mmsi as u64) && v["time"].as_f64().unwrap() >= after)
        };
        assert!(!written(1, t0), "spoofed AIS position inside radar coverage was written");
        assert!(written(2, t0), "AIS vessel outside radar coverage was not written");
        assert!(
            !out.iter().any(|v| v["mmsi"].as_u64() == Some(412_000_003) && v["time"].as_f64().unwrap() < t0 + 45.0)
        );
        assert!(written(3, t0 + 60.0), "radar-confirmed AIS vessel was not written");
        let mut cfg = TrackerConfig::default();
        cfg.output.radar_verified_in_coverage = false;
        let mut buf = Vec::new();
        run_batch((lines.join("\n") + "\n").as_bytes(), &mut buf, &cfg).unwrap();
        assert!(String::from_utf8(buf).unwrap().contains("412000001"), "the switch turns the rule off");
    }

    #[test]
    fn output_times_echo_input_times_once_per_time_and_scan_only_coasts() {
        let (text, times) = input();
        let (out, stats) = run(&text);
        assert_eq!(stats.skipped(), 0);
        assert!(!out.is_empty());
        let out_times: Vec<f64> = out.iter().map(|v| v["time"].as_f64().unwrap()).collect();
        for t in &out_times {
            assert!(times.contains(t), "output time {t} is not an input time");
        }
        // Two sensors at one time: one line per track per time, in time order.
        assert!(out_times.windows(2).all(|w| w[0] < w[1]), "{out_times:?}");
        // Once confirmed (multi-sensor: 2 of 3), every later scan time appears, scan_only included.
        let first = out_times[0];
        let expected: Vec<f64> = times.iter().copied().filter(|t| *t >= first).collect();
        assert_eq!(out_times, expected);
        let last = out.last().unwrap();
        assert_eq!(last["status"], "coasting");
        assert!((last["sog_kn"].as_f64().unwrap() - 6.0 / seawarden::geodesy::MPS_PER_KNOT).abs() < 2.0);
        assert_eq!(last["track_id"].as_str().unwrap(), out[0]["track_id"].as_str().unwrap());
        assert_eq!(last["dark"], true);
    }

    #[test]
    fn bad_lines_are_skipped_and_counted_without_disturbing_tracks() {
        let (text, _) = input();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let t = 1_700_000_000.0 + 2.5 * 10.0;
        let bad = [
            "{not json".to_string(),
            r#"{"time": 1700000025.0, "sensor": "radar-a", "lat": NaN, "lon": 113.5, "sigma_m": 10}"#.to_string(),
            json!({"time": t, "sensor": "radar-a", "lat": 95.0, "lon": 113.5, "sigma_m": 10.0}).to_string(),
            json!({"time": t, "sensor": "radar-a", "lat": 22.15, "lon": 113.56, "sigma_m": -1.0}).to_string(),
            json!({"time": t, "sensor": "radar-a", "lat": 22.15, "lon": 113.56, "sigma_m": 1e9}).to_string(),
            json!({"time": t, "sensor": "radar-a", "lat": 22.15, "lon": 113.56, "kind": "sonar"}).to_string(),
            json!({"time": t, "sensor": "", "lat": 22.15, "lon": 113.56}).to_string(),
            json!({"time": t - 10.0, "sensor": "radar-a", "lat": 22.15, "lon": 113.56, "sigma_m": 10.0}).to_string(),
            json!({"time": t, "lat": 22.15, "lon": 113.56}).to_string(),
        ];
        // Insert after the lines at time t (index 2 * 10 + 2).
        for (i, b) in bad.iter().enumerate() {
            lines.insert(22 + i, b.clone());
        }
        let (clean, _) = run(&text);
        let (out, stats) = run(&(lines.join("\n") + "\n"));
        assert_eq!(stats.malformed, 3, "{stats:?}"); // bad JSON, NaN literal, missing sensor
        assert_eq!(stats.bad_values, 1);
        assert_eq!(stats.absurd_sigma, 2);
        assert_eq!(stats.unknown_sensor, 2);
        assert_eq!(stats.out_of_order, 1);
        assert_eq!(out, clean, "bad lines changed the tracks");
    }

    #[test]
    fn late_ais_line_within_the_lag_is_applied_not_output() {
        let (text, _) = input();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let t = 1_700_000_000.0 + 2.5 * 9.0;
        let (lat, lon) = ll(Vector2::new(6.0 * 2.5 * 9.0, 100.0));
        let late = json!({"time": t, "sensor": "ais-a", "kind": "ais", "lat": lat, "lon": lon, "sigma_m": 10.0, "mmsi": 412_000_009, "sog_kn": 11.7, "cog_deg": 90.0});
        lines.insert(24, late.to_string()); // after the lines of scan 11
        let (out, stats) = run(&(lines.join("\n") + "\n"));
        assert_eq!(stats.late_applied, 1, "{stats:?}");
        let last = out.last().unwrap();
        assert_eq!(last["mmsi"], 412_000_009);
        assert_eq!(last["dark"], false);
    }
}

mod cli {
    #[test]
    fn seawarden_track_writes_the_contract_and_reports_counts() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("m.jsonl");
        let output = dir.path().join("t.jsonl");
        let (text, _) = super::batch_contract_input();
        std::fs::write(&input, text + "{broken\n").unwrap();
        let r = std::process::Command::new(crate::util::seawarden_bin())
            .args(["track", "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&output)
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(stderr.contains("malformed 1"), "{stderr}");
        let out = std::fs::read_to_string(&output).unwrap();
        let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        for k in ["time", "track_id", "lat", "lon", "sog_kn", "cog_deg"] {
            assert!(first.get(k).is_some(), "missing {k}");
        }
    }
}

fn batch_contract_input() -> (String, Vec<f64>) {
    let frame = Enu::at(ORIGIN);
    let mut lines = Vec::new();
    let mut times = Vec::new();
    for k in 0..12 {
        let t = 10.0 + k as f64;
        times.push(t);
        let q = frame.from_en(Vector2::new(5.0 * k as f64, 0.0));
        lines.push(
            serde_json::json!({"time": t, "sensor": "radar-a", "lat": q.lat_deg, "lon": q.lon_deg, "sigma_m": 10.0})
                .to_string(),
        );
    }
    (lines.join("\n") + "\n", times)
}

#[test]
fn model_dimension_matches_measurement_kind() {
    assert_eq!(pos(Vector2::zeros(), 1.0).model.dim(), 2);
    assert!(matches!(ais_report(Vector2::zeros(), Vector2::new(1.0, 0.0), 1).model, Model::PositionVelocity { .. }));
}
