//! The simulator end to end: determinism, the measurement contract, vessels off land, AIS rates
//! and encoding (decoded back with the crate's own AIS decoder), radar masking.
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use seawarden::coast::Coast;
use seawarden::detection::SensorKind;
use seawarden::geodesy::{LatLon, distance_m};
use seawarden::ingest::ais::{Decoder, Message};
use seawarden::sim::{MemorySink, Scenario, Simulation, World, scenario::NAMES};

/// Run a scenario once per test binary (with a shortened stress run, since tests build in debug).
fn run(name: &str) -> &'static (Simulation, MemorySink) {
    static RUNS: OnceLock<std::sync::Mutex<BTreeMap<String, &'static (Simulation, MemorySink)>>> = OnceLock::new();
    let runs = RUNS.get_or_init(Default::default);
    let mut map = runs.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = map.get(name) {
        return r;
    }
    let mut sc = Scenario::by_name(name).unwrap();
    if name == "stress-2000" {
        sc.duration_s = 20.0;
    }
    let mut sim = Simulation::new(World::macau(), sc).unwrap();
    let mut sink = MemorySink::default();
    let stats = sim.run(&mut sink, |_| {});
    assert_eq!(stats.grounding_guard, 0, "{name}: motion model tried to put a hull on land");
    let leaked: &'static (Simulation, MemorySink) = Box::leak(Box::new((sim, sink)));
    map.insert(name.to_owned(), leaked);
    leaked
}

fn coast() -> &'static Coast {
    static C: OnceLock<Coast> = OnceLock::new();
    C.get_or_init(Coast::macau)
}

fn write(name: &str, seed: Option<u64>, duration_s: f64) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let mut sc = Scenario::by_name(name).unwrap();
    sc.duration_s = duration_s;
    if let Some(s) = seed {
        sc.seed = s;
    }
    let dir = tempfile::tempdir().unwrap();
    seawarden::sim::write_dir(sc, dir.path(), |_| {}).unwrap();
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let p = e.unwrap().path();
        files.insert(p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap());
    }
    (dir, files)
}

mod determinism {
    use super::*;

    #[test]
    fn the_same_seed_gives_byte_identical_files_and_another_seed_does_not() {
        let (_a, fa) = write("busy-harbour", None, 120.0);
        let (_b, fb) = write("busy-harbour", None, 120.0);
        let (_c, fc) = write("busy-harbour", Some(99), 120.0);
        assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
        for (name, bytes) in &fa {
            assert!(bytes == &fb[name], "{name} differs between identical runs");
        }
        assert!(fa["measurements.jsonl"] != fc["measurements.jsonl"]);
        assert!(fa["truth.jsonl"] != fc["truth.jsonl"]);
        for f in ["measurements.jsonl", "truth.jsonl", "episodes.jsonl", "ais.nmea", "radar-outer-harbour.nmea"] {
            assert!(fa.contains_key(f), "missing {f}");
        }
        assert_eq!(fa.keys().filter(|k| k.starts_with("radar-")).count(), 8);
    }
}

mod measurement_contract {
    use super::*;
    use serde_json::Value;

    #[test]
    fn lines_are_sorted_scans_are_contiguous_and_empty_scans_are_marked() {
        let (_d, files) = write("night-smuggling", None, 180.0);
        let text = std::str::from_utf8(&files["measurements.jsonl"]).unwrap();
        let mut last_t = f64::NEG_INFINITY;
        let mut seen_scans = BTreeSet::new();
        let mut current: Option<(u64, String)> = None;
        let mut scan_only = BTreeMap::<String, usize>::new();
        let mut radar_scans = BTreeMap::<String, BTreeSet<u64>>::new();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let t = v["time"].as_f64().unwrap();
            let sensor = v["sensor"].as_str().unwrap().to_owned();
            assert!(t >= last_t, "time goes back: {line}");
            assert!(t > 1.7e9, "epoch time: {line}");
            last_t = t;
            let key = (t.to_bits(), sensor.clone());
            if current.as_ref() != Some(&key) {
                assert!(seen_scans.insert(key.clone()), "scan {key:?} is split: {line}");
                current = Some(key);
            }
            if sensor.starts_with("radar-") {
                radar_scans.entry(sensor.clone()).or_default().insert(t.to_bits());
            }
            if v.get("scan_only").is_some() {
                assert_eq!(v["scan_only"], Value::Bool(true));
                assert!(v.get("lat").is_none());
                *scan_only.entry(sensor).or_default() += 1;
                continue;
            }
            let (lat, lon, sigma) = (v["lat"].as_f64().unwrap(), v["lon"].as_f64().unwrap(), v["sigma_m"].as_f64().unwrap());
            assert!((22.0..22.35).contains(&lat) && (113.4..113.75).contains(&lon) && sigma > 0.0, "{line}");
            let kind = v["kind"].as_str().unwrap();
            match kind {
                "ais" => {
                    assert_eq!(sensor, "ais");
                    assert!(v["mmsi"].as_u64().is_some() && v["sog_kn"].is_number() && v["cog_deg"].is_number());
                }
                "radar" | "ir" => {
                    assert!(sensor.starts_with(&format!("{kind}-")));
                    for k in ["range_m", "bearing_deg", "sigma_range_m", "sigma_bearing_deg"] {
                        assert!(v[k].is_number(), "{k}: {line}");
                    }
                    assert_eq!(sensor, format!("{kind}-{}", v["site"].as_str().unwrap()));
                    let r = v["range_m"].as_f64().unwrap();
                    let sb = v["sigma_bearing_deg"].as_f64().unwrap();
                    assert!(sigma >= v["sigma_range_m"].as_f64().unwrap() - 0.05 && sigma >= r * sb.to_radians() - 0.05, "{line}");
                }
                other => panic!("kind {other}"),
            }
        }
        // Every radar writes every scan: 180 s / 2.5 s = 72 scans each.
        assert_eq!(radar_scans.len(), 8);
        for (s, times) in &radar_scans {
            assert_eq!(times.len(), 72, "{s}");
        }
        // Cameras facing empty water at night have empty frames, and say so.
        assert!(scan_only.keys().any(|s| s.starts_with("ir-")), "{scan_only:?}");
    }
}

mod truth {
    use super::*;

    #[test]
    fn no_vessel_is_ever_on_land_in_any_scenario() {
        for name in NAMES {
            let (_, sink) = run(name);
            assert!(!sink.truth.is_empty(), "{name}");
            for r in &sink.truth {
                assert!(!coast().is_land(LatLon::new(r.lat, r.lon)), "{name}: v{} on land at t={} ({}, {})", r.vessel, r.t_s, r.lat, r.lon);
            }
        }
    }

    #[test]
    fn no_vessel_crosses_land_between_seconds() {
        for name in NAMES {
            let (_, sink) = run(name);
            let mut last: BTreeMap<usize, LatLon> = BTreeMap::new();
            for r in &sink.truth {
                let p = LatLon::new(r.lat, r.lon);
                if let Some(q) = last.insert(r.vessel, p) {
                    assert!(!coast().crosses_land(q, p), "{name}: v{} crosses land at t={}", r.vessel, r.t_s);
                }
            }
        }
    }

    #[test]
    fn scenario_sizes() {
        let count = |n: &str| run(n).0.scenario().name.len().min(1) * run(n).1.truth.iter().map(|r| r.vessel).collect::<BTreeSet<_>>().len();
        assert!(count("stress-2000") >= 1_990, "{}", count("stress-2000"));
        assert!(count("busy-harbour") >= 40);
        assert!(count("quiet-day") >= 10);
    }
}

mod behaviours {
    use super::*;

    #[test]
    fn smuggling_craft_are_dark_and_never_appear_in_ais() {
        let (_, sink) = run("night-smuggling");
        let smugglers: BTreeSet<usize> = sink.truth.iter().filter(|r| r.behaviour == "smuggling").map(|r| r.vessel).collect();
        assert!(smugglers.len() >= 6);
        assert!(sink.truth.iter().filter(|r| smugglers.contains(&r.vessel)).all(|r| !r.ais && r.mmsi.is_none()));
        let ais_sources: BTreeSet<usize> =
            sink.measurements.iter().filter(|m| m.ais.is_some()).filter_map(|m| m.source).collect();
        assert!(ais_sources.is_disjoint(&smugglers));
        // Each run is an episode at a hotspot, and the craft reach it.
        let eps: Vec<_> = sink.episodes.iter().filter(|e| e.behaviour == "smuggling").collect();
        assert_eq!(eps.len(), smugglers.len());
        assert!(eps.iter().all(|e| e.zone.is_some()));
        let max_kn = sink.truth.iter().filter(|r| smugglers.contains(&r.vessel)).map(|r| r.sog_kn).fold(0.0, f64::max);
        assert!((25.0..=45.0).contains(&max_kn), "{max_kn}");
    }

    #[test]
    fn the_rendezvous_pair_stays_within_half_a_kilometre_for_minutes() {
        let (_, sink) = run("rendezvous");
        let eps: Vec<_> = sink.episodes.iter().filter(|e| e.behaviour == "rendezvous").collect();
        assert_eq!(eps.len(), 2, "{eps:?}");
        let (a, b) = (eps[0].vessel, eps[1].vessel);
        assert_eq!(eps[0].partner.as_deref(), Some(format!("v{b}").as_str()));
        let pos = |v: usize| -> BTreeMap<u64, (LatLon, f64)> {
            sink.truth.iter().filter(|r| r.vessel == v).map(|r| (r.t_s as u64, (LatLon::new(r.lat, r.lon), r.sog_kn))).collect()
        };
        let (pa, pb) = (pos(a), pos(b));
        let start = eps[0].start_s.max(eps[1].start_s) as u64;
        let end = eps[0].end_s.min(eps[1].end_s) as u64;
        assert!(end - start >= 180, "together only {} s", end - start);
        for t in start + 30..end {
            let ((p, va), (q, vb)) = (pa[&t], pb[&t]);
            assert!(distance_m(p, q) < 500.0, "t={t}: {} m apart", distance_m(p, q));
            assert!(va < 5.0 && vb < 5.0, "t={t}: {va} / {vb} kn");
        }
    }

    #[test]
    fn the_drifting_boat_drifts_at_half_to_one_and_a_half_knots() {
        let (_, sink) = run("drifting-boat");
        let ep = sink.episodes.iter().find(|e| e.behaviour == "drifting").unwrap();
        assert!(ep.end_s - ep.start_s > 600.0);
        let speeds: Vec<f64> = sink
            .truth
            .iter()
            .filter(|r| r.vessel == ep.vessel && r.t_s > ep.start_s + 120.0)
            .map(|r| r.sog_kn)
            .collect();
        assert!(!speeds.is_empty());
        assert!(speeds.iter().all(|v| (0.45..=1.55).contains(v)), "{speeds:?}");
    }

    #[test]
    fn crossing_pairs_pass_within_100_m() {
        let (_, sink) = run("crossing");
        let mut by_t: BTreeMap<u64, Vec<(usize, LatLon)>> = BTreeMap::new();
        for r in &sink.truth {
            by_t.entry(r.t_s as u64).or_default().push((r.vessel, LatLon::new(r.lat, r.lon)));
        }
        let mut closest = BTreeMap::<(usize, usize), f64>::new();
        for v in by_t.values() {
            for (i, (a, p)) in v.iter().enumerate() {
                for (b, q) in &v[i + 1..] {
                    let d = closest.entry((*a, *b)).or_insert(f64::INFINITY);
                    *d = d.min(distance_m(*p, *q));
                }
            }
        }
        assert!(closest[&(0, 1)] < 100.0, "{closest:?}");
        assert!(closest[&(2, 3)] < 150.0, "{closest:?}");
        assert!(closest[&(4, 5)] < 150.0, "{closest:?}");
    }

    #[test]
    fn manoeuvring_craft_turn_hard() {
        let (_, sink) = run("manoeuvring");
        let mut max_rate: f64 = 0.0;
        let mut last: BTreeMap<usize, f64> = BTreeMap::new();
        for r in sink.truth.iter().filter(|r| r.class == "fast_craft") {
            if let Some(c) = last.insert(r.vessel, r.cog_deg) {
                max_rate = max_rate.max(seawarden::geodesy::angle_diff_deg(r.cog_deg, c).abs());
            }
        }
        assert!((5.0..=6.5).contains(&max_rate), "{max_rate} °/s");
    }
}

mod ais {
    use super::*;

    /// Intervals between consecutive reports of each vessel, with its class and speed at the time.
    fn intervals(name: &str) -> Vec<(usize, &'static str, f64, f64)> {
        let (_, sink) = run(name);
        let truth: BTreeMap<(usize, u64), &seawarden::sim::TruthRecord> = sink.truth.iter().map(|r| ((r.vessel, r.t_s as u64), r)).collect();
        let mut last: BTreeMap<usize, f64> = BTreeMap::new();
        let mut out = Vec::new();
        for m in sink.measurements.iter().filter(|m| m.ais.is_some()) {
            let v = m.source.unwrap();
            if let Some(t0) = last.insert(v, m.t_s) {
                let r = truth[&(v, m.t_s as u64)];
                out.push((v, r.class, r.sog_kn, m.t_s - t0));
            }
        }
        out
    }

    fn mode(xs: impl Iterator<Item = f64>) -> f64 {
        let mut counts = BTreeMap::<i64, usize>::new();
        for x in xs {
            *counts.entry((x * 100.0).round() as i64).or_default() += 1;
        }
        counts.into_iter().max_by_key(|(_, n)| *n).map(|(k, _)| k as f64 / 100.0).unwrap()
    }

    #[test]
    fn fast_ferries_report_every_2_s() {
        let iv = intervals("busy-harbour");
        let fast: Vec<f64> = iv.iter().filter(|(_, c, s, _)| *c == "ferry" && *s > 24.0).map(|x| x.3).collect();
        assert!(fast.len() > 100);
        assert_eq!(mode(fast.iter().copied()), 2.0);
        assert!(fast.iter().all(|d| *d >= 2.0 - 1e-6));
    }

    #[test]
    fn slow_class_a_vessels_report_every_10_s() {
        let iv = intervals("quiet-day");
        let slow: Vec<f64> = iv.iter().filter(|(_, c, s, _)| *c == "cargo" && (3.0..13.0).contains(s)).map(|x| x.3).collect();
        assert!(slow.len() > 20);
        assert_eq!(mode(slow.iter().copied()), 10.0);
    }

    #[test]
    fn class_b_reports_every_30_s_moving_and_anchored_ships_every_3_min() {
        let (sim, sink) = run("quiet-day");
        let _ = sim;
        let iv = intervals("quiet-day");
        let class_b: BTreeSet<usize> = sink.measurements.iter().filter(|m| m.ais.is_some() && m.sigma_m == 15.0).filter_map(|m| m.source).collect();
        let moving_b: Vec<f64> = iv.iter().filter(|(v, _, s, _)| class_b.contains(v) && *s > 3.0).map(|x| x.3).collect();
        assert!(!moving_b.is_empty());
        assert_eq!(mode(moving_b.iter().copied()), 30.0);
        let anchored: BTreeSet<usize> = sink.truth.iter().filter(|r| r.behaviour == "anchored").map(|r| r.vessel).collect();
        let at_anchor: Vec<f64> = iv.iter().filter(|(v, ..)| anchored.contains(v)).map(|x| x.3).collect();
        assert!(!at_anchor.is_empty());
        assert!(at_anchor.iter().all(|d| (d / 180.0 - (d / 180.0).round()).abs() < 1e-6 && *d >= 180.0 - 1e-6), "{at_anchor:?}");
    }

    #[test]
    fn nmea_decodes_to_the_measurement_lines() {
        let (_, sink) = run("busy-harbour");
        let mut d = Decoder::new();
        let mut decoded = Vec::new();
        let (mut statics, mut class_b_static) = (0, 0);
        for (_, line) in &sink.ais_nmea {
            assert!(line.starts_with("\\") && line.contains("!AIVDM"), "{line}");
            if let Some(m) = d.push_line(line.as_bytes()) {
                match m {
                    Message::Position(p) => decoded.push((p.header.mmsi, p.lat.unwrap(), p.lon.unwrap(), p.speed_dkn.unwrap(), p.course_ddeg.unwrap())),
                    Message::ClassB(p) => decoded.push((p.header.mmsi, p.lat.unwrap(), p.lon.unwrap(), p.speed_dkn.unwrap(), p.course_ddeg.unwrap())),
                    Message::StaticVoyage(_) => statics += 1,
                    Message::StaticData(_) => class_b_static += 1,
                    other => panic!("unexpected {other:?}"),
                }
            }
        }
        assert_eq!(d.stats().rejected(), 0, "{}", d.stats());
        assert!(statics > 0 && class_b_static > 0);
        let ais: Vec<_> = sink.measurements.iter().filter_map(|m| m.ais.map(|a| (a, m.lat, m.lon))).collect();
        assert_eq!(decoded.len(), ais.len());
        for ((mmsi, lat, lon, sog, cog), (a, mlat, mlon)) in decoded.iter().zip(&ais) {
            assert_eq!(*mmsi, a.mmsi);
            assert!((f64::from(*lat) / 600_000.0 - mlat).abs() < 1e-4 / 60.0);
            assert!((f64::from(*lon) / 600_000.0 - mlon).abs() < 1e-4 / 60.0);
            assert_eq!(f64::from(*sog) / 10.0, a.sog_kn);
            assert_eq!(f64::from(*cog) / 10.0, a.cog_deg);
        }
    }

    #[test]
    fn spoofers_are_labelled_and_transmit_what_the_label_says() {
        let (_, sink) = run("busy-harbour");
        let spoofs: Vec<_> = sink.episodes.iter().filter(|e| e.behaviour == "ais_spoof").collect();
        assert_eq!(spoofs.len(), 2);
        for e in spoofs {
            let own = sink.truth.iter().find(|r| r.vessel == e.vessel).and_then(|r| r.mmsi).unwrap();
            let reports: Vec<_> = sink.measurements.iter().filter(|m| m.source == Some(e.vessel) && m.ais.is_some()).collect();
            assert!(!reports.is_empty());
            let detail = e.detail.as_deref().unwrap();
            if detail.contains("MMSI") {
                assert!(reports.iter().all(|m| m.ais.unwrap().mmsi != own));
            } else {
                assert!(reports.iter().all(|m| distance_m(LatLon::new(m.lat, m.lon), m.truth.unwrap()) > 1_000.0));
            }
        }
    }
}

mod ais_encode {
    use super::*;
    use seawarden::sim::ais_encode::{PositionA, PositionB, vdm_sentences, with_tag_block};

    proptest::proptest! {
        #[test]
        fn position_reports_round_trip_through_the_decoder(
            mmsi in 200_000_000u32..800_000_000,
            lat in -90.0..90.0f64,
            lon in -180.0..180.0f64,
            sog in 0.0..102.0f64,
            cog in 0.0..359.9f64,
            class_b in proptest::bool::ANY,
        ) {
            let payload = if class_b {
                PositionB { mmsi, sog_kn: Some(sog), accurate: false, lat, lon, cog_deg: Some(cog), heading_deg: None, second: 7 }.encode()
            } else {
                PositionA { mmsi, status: 0, rot_deg_per_min: Some(0.0), sog_kn: Some(sog), accurate: true, lat, lon, cog_deg: Some(cog), heading_deg: Some(12), second: 7 }.encode()
            };
            let lines = vdm_sentences(&payload, 'A', 0);
            proptest::prop_assert_eq!(lines.len(), 1);
            let line = with_tag_block(&lines[0], "outer-harbour", 1_773_108_000, None);
            let mut d = Decoder::new();
            let m = d.push_line(line.as_bytes()).cloned();
            let (mm, la, lo, sp, co) = match m {
                Some(Message::Position(p)) => (p.header.mmsi, p.lat.unwrap(), p.lon.unwrap(), p.speed_dkn.unwrap(), p.course_ddeg.unwrap()),
                Some(Message::ClassB(p)) => (p.header.mmsi, p.lat.unwrap(), p.lon.unwrap(), p.speed_dkn.unwrap(), p.course_ddeg.unwrap()),
                other => panic!("{other:?} from {line}"),
            };
            proptest::prop_assert_eq!(mm, mmsi);
            // Positions within 1e-4 minute.
            proptest::prop_assert!((f64::from(la) / 10_000.0 - lat * 60.0).abs() <= 0.5e-4 + 1e-9);
            proptest::prop_assert!((f64::from(lo) / 10_000.0 - lon * 60.0).abs() <= 0.5e-4 + 1e-9);
            proptest::prop_assert_eq!(sp, (sog * 10.0).round() as u16);
            proptest::prop_assert_eq!(co, ((cog * 10.0).round() as u16) % 3600);
        }
    }
}

mod radar {
    use super::*;
    use seawarden::ingest::radar::{RadarConfig, RadarDecoder};

    #[test]
    fn no_detection_is_of_a_target_behind_land() {
        for name in ["night-smuggling", "busy-harbour"] {
            let (sim, sink) = run(name);
            let world = World::macau();
            let mut n = 0;
            for m in sink.measurements.iter().filter(|m| m.polar.is_some()) {
                let (Some(truth), Some(site)) = (m.truth, sim.sensors[m.sensor].site) else { continue };
                let mast = world.sites.as_slice()[site].position();
                assert!(!coast().sight_blocked(mast, truth, 150.0), "{name}: {} sees {truth:?} across land", sim.sensors[m.sensor].name);
                n += 1;
            }
            assert!(n > 1000, "{name}: {n}");
        }
    }

    #[test]
    fn clutter_is_present_and_small_craft_fade_with_range() {
        let (sim, sink) = run("night-smuggling");
        let radar: Vec<_> = sink.measurements.iter().filter(|m| !m.scan_only && sim.sensors[m.sensor].kind == SensorKind::Radar).collect();
        let clutter = radar.iter().filter(|m| m.source.is_none()).count();
        assert!(clutter > 100, "{clutter}");
        // Detections of fast craft: many close in, few far out.
        let small: Vec<f64> = radar.iter().filter(|m| m.source.is_some_and(|v| sink.truth.iter().any(|r| r.vessel == v && r.class == "fast_craft"))).map(|m| m.polar.unwrap().range_m).collect();
        assert!(!small.is_empty());
        assert!(small.iter().all(|r| *r < 9_000.0), "a small craft seen at {:?} m", small.iter().cloned().fold(0.0, f64::max));
    }

    #[test]
    fn ttm_sentences_decode_to_the_measurement_positions() {
        let (sim, sink) = run("quiet-day");
        let world = World::macau();
        let radar = &sim.radars[0];
        let site = world.sites.get(&radar.site_id).unwrap();
        let mut dec = RadarDecoder::new(RadarConfig { sensor: format!("radar-{}", radar.site_id), fixed_position: Some((site.lat, site.lon)), ..RadarConfig::default() });
        let lines: Vec<_> = sink.radar_nmea.iter().filter(|(r, ..)| *r == 0).collect();
        let meas: Vec<_> = sink.measurements.iter().filter(|m| m.sensor == radar.sensor && !m.scan_only).collect();
        assert_eq!(lines.len(), meas.len());
        for ((_, t, line), m) in lines.iter().zip(&meas) {
            assert_eq!(*t, m.t_s);
            let det = dec.push_line_at(line.as_bytes(), 0.0).unwrap().unwrap();
            let (lat, lon) = det.position.lat_lon().unwrap();
            assert!(distance_m(LatLon::new(lat, lon), LatLon::new(m.lat, m.lon)) < 2.0, "{line}");
            assert_eq!(det.time_s.floor(), (sim.scenario().start_epoch_s + m.t_s).floor());
        }
    }
}

#[test]
fn every_scenario_has_a_default_seed_duration_and_epoch_start() {
    for s in Scenario::all() {
        // Up to 30 min: the anomaly-evaluation scenarios (smuggling-wave, dusk-harbour) need
        // longer than the tracker ones to hold several episodes each.
        assert!(s.duration_s >= 60.0 && s.duration_s <= 30.0 * 60.0, "{}", s.name);
        assert!(s.start_epoch_s > 1.7e9);
    }
    assert_eq!(Scenario::all().len(), NAMES.len());
    assert!(Scenario::by_name("nope").is_none());
}
