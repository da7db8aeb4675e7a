//! Tasking: every mission export read back by an independent reader, the `mission` CLI's
//! refusals, and the patrol intercept solver against a brute-force search over time on the real
//! coast (issue 9).

use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;
use rand::{Rng, SeedableRng};
use seawarden::coast::WaterRouter;
use seawarden::geodesy::{LatLon, MPS_PER_KNOT, distance_m};
use seawarden::tasking::export::{Cot, Kml, QgcPlan, Wpl};
use seawarden::tasking::intercept::{FleetPlanner, Motion, intercept, rank_units};
use seawarden::tasking::mission::{Action, MissionEnd, MissionSpec};
use seawarden::tasking::patterns::{self, ExpandingSquareParams};
use seawarden::tasking::{FieldPlanner, Geofence, Limits, Mission, MissionWriter, Target, Units, Waypoint, plan};

use crate::util::seawarden_bin;

/// Barra drone team's launch point, outside the airport zones.
const BARRA: LatLon = LatLon::new(22.184505, 113.529097);
/// A datum in the Sai Van waters south-west of the peninsula.
const DATUM: LatLon = LatLon::new(22.176, 113.536);

/// A mission with every command kind: take-off, speed, passes (expanding square), a timed and
/// an unlimited loiter, and a landing.
fn full_mission() -> Mission {
    let track = Target::track("17", 1_714_599_000.0, DATUM, 12.0, 200.0);
    let mut wps = patterns::expanding_square(
        &Target::point(DATUM),
        &ExpandingSquareParams { spacing_m: 150.0, legs: 6, first_bearing_deg: 30.0, alt_m: 50.0 },
    );
    wps.push(Waypoint {
        position: LatLon::new(22.172, 113.533),
        alt_m: 40.0,
        action: Action::Loiter { radius_m: 80.0, time_s: Some(120.0) },
    });
    wps.push(Waypoint {
        position: LatLon::new(22.170, 113.531),
        alt_m: 45.0,
        action: Action::Loiter { radius_m: 100.0, time_s: None },
    });
    let spec = MissionSpec {
        name: "SAR test/1".into(),
        pattern: "expanding-square".into(),
        launch: BARRA,
        takeoff_alt_m: 30.0,
        speed_mps: 11.0,
        waypoints: wps,
        end: MissionEnd::Land(LatLon::new(22.1846, 113.5292)),
        target: Some(track),
        rally_points: vec![BARRA, LatLon::new(22.19, 113.53)],
        created_s: 1_714_599_000.0,
    };
    plan(spec, &Limits::default(), &Geofence::macau()).expect("the test mission is clear of the zones")
}

fn export(w: &dyn MissionWriter, m: &Mission) -> String {
    let mut buf = Vec::new();
    w.write(m, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

/// The commands and positions every MAVLink-based export must carry, in order (after home).
fn expected_items(m: &Mission) -> Vec<(u16, Option<(f64, f64, f64)>)> {
    let mut v = vec![(22, Some((m.launch.lat_deg, m.launch.lon_deg, m.takeoff_alt_m))), (178, None)];
    for w in &m.waypoints {
        let cmd = match w.action {
            Action::Pass => 16,
            Action::Loiter { time_s: None, .. } => 17,
            Action::Loiter { time_s: Some(_), .. } => 19,
        };
        v.push((cmd, Some((w.position.lat_deg, w.position.lon_deg, w.alt_m))));
    }
    match m.end {
        MissionEnd::ReturnToLaunch => v.push((20, None)),
        MissionEnd::Land(p) => v.push((21, Some((p.lat_deg, p.lon_deg, 0.0)))),
    }
    v
}

mod qgc_plan {
    use super::*;

    #[test]
    fn reads_back_as_a_qgc_plan_with_the_missions_commands_fence_and_rally_points() {
        let m = full_mission();
        let v: serde_json::Value = serde_json::from_str(&export(&QgcPlan::default(), &m)).unwrap();
        assert_eq!(v["fileType"], "Plan");
        assert_eq!(v["version"], 1);
        assert_eq!(v["groundStation"], "QGroundControl");
        let mission = &v["mission"];
        assert_eq!(mission["version"], 2);
        assert_eq!(mission["cruiseSpeed"], 11.0);
        let home = mission["plannedHomePosition"].as_array().unwrap();
        assert_eq!((home[0].as_f64().unwrap(), home[1].as_f64().unwrap()), (BARRA.lat_deg, BARRA.lon_deg));
        let items = mission["items"].as_array().unwrap();
        let want = expected_items(&m);
        assert_eq!(items.len(), want.len());
        for (k, (item, (cmd, pos))) in items.iter().zip(&want).enumerate() {
            assert_eq!(item["type"], "SimpleItem");
            assert_eq!(item["command"].as_u64().unwrap(), u64::from(*cmd), "item {k}");
            assert_eq!(item["doJumpId"].as_u64().unwrap(), k as u64 + 1);
            assert_eq!(item["autoContinue"], true);
            let params = item["params"].as_array().unwrap();
            assert_eq!(params.len(), 7);
            if let Some((lat, lon, alt)) = pos {
                assert_eq!(item["frame"], 3);
                assert!((params[4].as_f64().unwrap() - lat).abs() < 1e-9);
                assert!((params[5].as_f64().unwrap() - lon).abs() < 1e-9);
                assert!((params[6].as_f64().unwrap() - alt).abs() < 1e-9);
                assert_eq!(item["Altitude"].as_f64().unwrap(), *alt);
            } else {
                assert_eq!(item["frame"], 2);
            }
        }
        // Loiter radius in param 3, loiter time in param 1.
        let timed = items.iter().find(|i| i["command"] == 19).unwrap();
        assert_eq!((timed["params"][0].as_f64(), timed["params"][2].as_f64()), (Some(120.0), Some(80.0)));
        assert_eq!(items[1]["params"][1].as_f64(), Some(11.0)); // DO_CHANGE_SPEED
        let fence = &v["geoFence"];
        assert_eq!(fence["version"], 2);
        let circles = fence["circles"].as_array().unwrap();
        assert_eq!(circles.len(), 1);
        assert_eq!(circles[0]["inclusion"], false);
        assert_eq!(circles[0]["circle"]["radius"], 5000.0);
        assert_eq!(circles[0]["circle"]["center"][0], 22.14944);
        let polygons = fence["polygons"].as_array().unwrap();
        assert_eq!(polygons.len(), 2);
        for p in polygons {
            assert_eq!(p["inclusion"], false);
            let pts = p["polygon"].as_array().unwrap();
            assert!(pts.len() >= 3 && pts.first() != pts.last(), "QGC polygons are open");
            for q in pts {
                let (lat, lon) = (q[0].as_f64().unwrap(), q[1].as_f64().unwrap());
                assert!((21.9..22.4).contains(&lat) && (113.4..113.8).contains(&lon), "[lat, lon] order");
            }
        }
        let rally = v["rallyPoints"]["points"].as_array().unwrap();
        assert_eq!(rally.len(), 2);
        assert_eq!(rally[1][0], 22.19);
    }
}

mod wpl {
    use super::*;

    /// A WPL row as a ground station reads it.
    struct Row {
        index: usize,
        current: u8,
        frame: u8,
        command: u16,
        params: [f64; 4],
        lat: f64,
        lon: f64,
        alt: f64,
        autocontinue: u8,
    }

    fn parse(text: &str) -> Vec<Row> {
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("QGC WPL 110"));
        lines
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                assert_eq!(f.len(), 12, "{l}");
                let n = |i: usize| f[i].parse::<f64>().unwrap_or_else(|e| panic!("field {i} of {l}: {e}"));
                Row {
                    index: f[0].parse().unwrap(),
                    current: f[1].parse().unwrap(),
                    frame: f[2].parse().unwrap(),
                    command: f[3].parse().unwrap(),
                    params: [n(4), n(5), n(6), n(7)],
                    lat: n(8),
                    lon: n(9),
                    alt: n(10),
                    autocontinue: f[11].parse().unwrap(),
                }
            })
            .collect()
    }

    #[test]
    fn reads_back_row_by_row_with_home_first() {
        let m = full_mission();
        let rows = parse(&export(&Wpl, &m));
        let want = expected_items(&m);
        assert_eq!(rows.len(), want.len() + 1);
        let home = &rows[0];
        assert_eq!((home.index, home.current, home.frame, home.command), (0, 1, 0, 16));
        assert!((home.lat - BARRA.lat_deg).abs() < 1e-8 && (home.lon - BARRA.lon_deg).abs() < 1e-8);
        for (k, (row, (cmd, pos))) in rows[1..].iter().zip(&want).enumerate() {
            assert_eq!((row.index, row.current, row.command, row.autocontinue), (k + 1, 0, *cmd, 1));
            if let Some((lat, lon, alt)) = pos {
                assert_eq!(row.frame, 3);
                assert!((row.lat - lat).abs() < 1e-8 && (row.lon - lon).abs() < 1e-8 && (row.alt - alt).abs() < 1e-6);
            }
        }
        let timed = rows.iter().find(|r| r.command == 19).unwrap();
        assert_eq!((timed.params[0], timed.params[2]), (120.0, 80.0));
        let speed = rows.iter().find(|r| r.command == 178).unwrap();
        assert_eq!(speed.params[1], 11.0);
    }
}

/// Every element's name with its attributes, and the text inside, in document order.
fn xml_elements(text: &str) -> Vec<(String, Vec<(String, String)>, String)> {
    let mut r = Reader::from_str(text);
    r.config_mut().trim_text(true);
    let mut out: Vec<(String, Vec<(String, String)>, String)> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    loop {
        match r.read_event().unwrap_or_else(|e| panic!("XML error at {}: {e}", r.error_position())) {
            Event::Start(e) => {
                let attrs = e.attributes().map(|a| a.unwrap()).map(|a| {
                    (String::from_utf8(a.key.as_ref().to_vec()).unwrap(), a.unescape_value().unwrap().into_owned())
                });
                out.push((String::from_utf8(e.name().as_ref().to_vec()).unwrap(), attrs.collect(), String::new()));
                stack.push(out.len() - 1);
            }
            Event::Empty(e) => {
                let attrs = e.attributes().map(|a| a.unwrap()).map(|a| {
                    (String::from_utf8(a.key.as_ref().to_vec()).unwrap(), a.unescape_value().unwrap().into_owned())
                });
                out.push((String::from_utf8(e.name().as_ref().to_vec()).unwrap(), attrs.collect(), String::new()));
            }
            Event::Text(t) => {
                if let Some(&i) = stack.last() {
                    out[i].2.push_str(&t.unescape().unwrap());
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unbalanced XML");
    out
}

fn attr<'a>(e: &'a (String, Vec<(String, String)>, String), key: &str) -> &'a str {
    e.1.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {key} on {}", e.0))
}

mod kml {
    use super::*;

    #[test]
    fn reads_back_with_the_route_waypoints_target_and_zones() {
        let m = full_mission();
        let text = export(&Kml, &m);
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        let els = xml_elements(&text);
        assert_eq!(els[0].0, "kml");
        assert_eq!(attr(&els[0], "xmlns"), "http://www.opengis.net/kml/2.2");
        let coords: Vec<Vec<(f64, f64, f64)>> = els
            .iter()
            .filter(|e| e.0 == "coordinates")
            .map(|e| {
                e.2.split_whitespace()
                    .map(|t| {
                        let v: Vec<f64> = t.split(',').map(|x| x.parse().unwrap()).collect();
                        (v[0], v[1], v[2]) // lon, lat, alt
                    })
                    .collect()
            })
            .collect();
        // First: the route line, launch on the ground → take-off height → waypoints → landing.
        let route = &coords[0];
        assert_eq!(route.len(), m.waypoints.len() + 3);
        assert!((route[0].0 - BARRA.lon_deg).abs() < 1e-7 && (route[0].1 - BARRA.lat_deg).abs() < 1e-7);
        assert_eq!(route[1].2, 30.0);
        for (w, c) in m.waypoints.iter().zip(&route[2..]) {
            assert!((c.0 - w.position.lon_deg).abs() < 1e-7 && (c.1 - w.position.lat_deg).abs() < 1e-7);
            assert_eq!(c.2, w.alt_m);
        }
        let names: Vec<&str> = els.iter().filter(|e| e.0 == "name").map(|e| e.2.as_str()).collect();
        assert!(names.contains(&"WP 1") && names.contains(&"Track 17") && names.contains(&"mfm-5km"), "{names:?}");
        let polygons = els.iter().filter(|e| e.0 == "Polygon").count();
        assert_eq!(polygons, 3);
        // The circle, drawn as a closed ring, stays 5 km from the ARP.
        let ring = coords.iter().find(|c| c.len() == 73).expect("the 5 km circle as a 72-gon");
        assert_eq!(ring.first(), ring.last());
        for (lon, lat, _) in ring {
            let d = distance_m(LatLon::new(*lat, *lon), LatLon::new(22.14944, 113.59139));
            assert!((d - 5000.0).abs() < 1.0, "{d}");
        }
    }
}

mod cot {
    use super::*;

    #[test]
    fn reads_back_as_one_event_per_line_with_track_waypoints_and_route() {
        let m = full_mission();
        let text = export(&Cot::default(), &m);
        let events: Vec<_> = text.lines().map(xml_elements).collect();
        assert_eq!(events.len(), 1 + m.waypoints.len() + 1);
        for ev in &events {
            let e = &ev[0];
            assert_eq!(e.0, "event");
            assert_eq!(attr(e, "version"), "2.0");
            for k in ["time", "start", "stale"] {
                let t = attr(e, k);
                assert!(t.len() == 24 && t.ends_with('Z') && &t[10..11] == "T", "{k} = {t}");
            }
            assert!(attr(e, "stale") > attr(e, "time"));
            assert!(ev.iter().any(|x| x.0 == "point") && ev.iter().any(|x| x.0 == "detail"));
        }
        // The target track: unknown surface vessel with course and speed (m/s).
        let track = &events[0];
        assert_eq!(attr(&track[0], "type"), "a-u-S");
        assert_eq!(attr(&track[0], "time"), "2024-05-01T21:30:00.000Z");
        let pt = track.iter().find(|x| x.0 == "point").unwrap();
        assert_eq!((attr(pt, "lat"), attr(pt, "lon")), ("22.1760000", "113.5360000"));
        let tr = track.iter().find(|x| x.0 == "track").unwrap();
        assert_eq!(attr(tr, "course"), "200.0");
        assert!((attr(tr, "speed").parse::<f64>().unwrap() - 12.0 * MPS_PER_KNOT).abs() < 0.01);
        // Waypoints, in order, with their heights.
        for (k, w) in m.waypoints.iter().enumerate() {
            let ev = &events[1 + k];
            assert_eq!(attr(&ev[0], "type"), "b-m-p-w");
            let pt = ev.iter().find(|x| x.0 == "point").unwrap();
            assert!((attr(pt, "lat").parse::<f64>().unwrap() - w.position.lat_deg).abs() < 1e-7);
            assert!((attr(pt, "lon").parse::<f64>().unwrap() - w.position.lon_deg).abs() < 1e-7);
            assert_eq!(attr(pt, "hae").parse::<f64>().unwrap(), w.alt_m);
        }
        // The route links every waypoint event by uid, in order.
        let route = events.last().unwrap();
        assert_eq!(attr(&route[0], "type"), "b-m-r");
        let links: Vec<_> = route.iter().filter(|x| x.0 == "link").collect();
        assert_eq!(links.len(), m.waypoints.len());
        for (k, l) in links.iter().enumerate() {
            assert_eq!(attr(l, "uid"), attr(&events[1 + k][0], "uid"));
            let p: Vec<f64> = attr(l, "point").split(',').map(|x| x.parse().unwrap()).collect();
            assert!((p[0] - m.waypoints[k].position.lat_deg).abs() < 1e-7);
        }
    }
}

mod mission_cli {
    use super::*;

    fn run(args: &[&str]) -> std::process::Output {
        Command::new(seawarden_bin()).arg("mission").args(args).output().unwrap()
    }

    #[test]
    fn writes_a_plan_to_stdout() {
        let out = run(&[
            "--point",
            "22.176,113.536",
            "--pattern",
            "lawnmower",
            "--format",
            "plan",
            "--width-m",
            "800",
            "--length-m",
            "1000",
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["fileType"], "Plan");
        let cmds: Vec<u64> =
            v["mission"]["items"].as_array().unwrap().iter().map(|i| i["command"].as_u64().unwrap()).collect();
        assert_eq!(cmds.first(), Some(&22));
        assert_eq!(cmds.last(), Some(&20));
        assert_eq!(cmds.iter().filter(|c| **c == 16).count(), 8); // 4 tracks × 2 ends
    }

    #[test]
    fn a_mission_into_the_airport_zone_is_refused_naming_the_leg_and_zone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.plan");
        let out = run(&[
            "--point",
            "22.15,113.56",
            "--pattern",
            "orbit",
            "--format",
            "plan",
            "--team",
            "dt-barra",
            "--output",
            file.to_str().unwrap(),
        ]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("leg 1 (launch") && err.contains("waypoint 1") && err.contains("mfm-5km"), "{err}");
        assert!(!file.exists(), "nothing is written for a refused mission");
    }

    #[test]
    fn a_track_from_a_tracks_file_is_orbited_ahead_of_its_last_position() {
        let dir = tempfile::tempdir().unwrap();
        let tracks = dir.path().join("tracks.jsonl");
        std::fs::write(
            &tracks,
            "{\"time\": 100.0, \"track_id\": \"7\", \"lat\": 22.17, \"lon\": 113.53, \"sog_kn\": 10.0, \"cog_deg\": 90.0}\n\
             {\"time\": 110.0, \"track_id\": \"8\", \"lat\": 22.10, \"lon\": 113.60, \"sog_kn\": 0.0, \"cog_deg\": 0.0}\n\
             {\"time\": 120.0, \"track_id\": \"7\", \"lat\": 22.171, \"lon\": 113.531, \"sog_kn\": 10.0, \"cog_deg\": 90.0}\n",
        )
        .unwrap();
        let out = run(&["--track", "7", "--tracks", tracks.to_str().unwrap(), "--pattern", "orbit", "--format", "wpl"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let loiter = text.lines().find(|l| l.split('\t').nth(3) == Some("19")).expect("a timed loiter");
        let f: Vec<f64> = loiter.split('\t').map(|x| x.parse().unwrap()).collect();
        assert!((f[8] - 22.171).abs() < 1e-4 && f[9] > 113.531, "orbit ahead of the track's last fix: {loiter}");
    }

    #[test]
    fn an_unknown_track_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let tracks = dir.path().join("t.jsonl");
        std::fs::write(&tracks, "").unwrap();
        let out = run(&["--track", "9", "--tracks", tracks.to_str().unwrap(), "--pattern", "orbit", "--format", "kml"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("track 9 not found"));
    }
}

mod intercept_solver {
    use super::*;

    fn route_len(r: &[[f64; 2]]) -> f64 {
        r.windows(2).map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1])).sum()
    }

    /// Brute force: step through time from 0 and find the first moment the unit's water route
    /// to where the target is then, at full speed, gets there by then; refine by bisection.
    fn brute_force(router: &WaterRouter, from: LatLon, speed: f64, m: &Motion, step_s: f64) -> Option<f64> {
        let plane = *router.coast().plane();
        let start = plane.to_xy(from);
        let ok = |t: f64| route_len(&router.route_xy(start, m.at(t)).unwrap()) / speed <= t;
        let mut t = 0.0;
        while t <= m.t_end_s {
            if ok(t) {
                let (mut lo, mut hi) = ((t - step_s).max(0.0), t);
                if t == 0.0 {
                    return Some(0.0);
                }
                for _ in 0..30 {
                    let mid = 0.5 * (lo + hi);
                    if ok(mid) { hi = mid } else { lo = mid }
                }
                return Some(hi);
            }
            t += step_s;
        }
        None
    }

    fn random_water(router: &WaterRouter, rng: &mut impl Rng) -> LatLon {
        loop {
            let p = LatLon::new(rng.random_range(22.09..22.22), rng.random_range(113.52..113.62));
            if router.is_clear(p) {
                return p;
            }
        }
    }

    #[test]
    fn matches_brute_force_within_one_percent_and_routes_stay_on_water() {
        let router = WaterRouter::macau();
        let units = Units::macau();
        let boats: Vec<_> = units.units.iter().filter(|u| u.kind == seawarden::tasking::UnitKind::PatrolBoat).collect();
        let mut rng = rand_pcg::Pcg64::seed_from_u64(9);
        let mut planner = FleetPlanner::new(&router);
        let field = FieldPlanner::new(&router);
        let (mut worst, mut worst_fleet, mut best_fleet, mut solved, mut around_land) = (0.0f64, 0.0f64, 0.0f64, 0, 0);
        let (mut worst_field, mut best_field) = (0.0f64, 0.0f64);
        for case in 0..14 {
            let u = boats[case % boats.len()];
            let target = Target::track(
                format!("{case}"),
                0.0,
                random_water(&router, &mut rng),
                rng.random_range(0.0..30.0),
                rng.random_range(0.0..360.0),
            );
            let horizon = 3600.0;
            let got = intercept(&router, u.base(), u.max_speed_mps(), true, &target, horizon).unwrap();
            let m = Motion::of(&target, &router, horizon);
            let want = brute_force(&router, u.base(), u.max_speed_mps(), &m, 10.0);
            match (got, want) {
                (Some(i), Some(t_bf)) => {
                    solved += 1;
                    let err = (i.eta_s - t_bf).abs() / t_bf.max(1.0);
                    worst = worst.max(err);
                    assert!(err < 0.01, "case {case} ({}): solver {:.1} s vs brute force {t_bf:.1} s", u.id, i.eta_s);
                    for w in i.route.windows(2) {
                        assert!(!router.coast().crosses_land(w[0], w[1]), "case {case}: route leg crosses land");
                    }
                    if i.route.len() > 2 {
                        around_land += 1;
                    }
                    assert!((i.route_m / u.max_speed_mps() - i.eta_s).abs() < 1.0, "ETA is route length / speed");
                    assert!(distance_m(*i.route.last().unwrap(), i.point) < 1.0);
                    let f = planner.intercept(u, &target).unwrap();
                    let f =
                        f.unwrap_or_else(|| panic!("case {case}: fleet planner finds none; exact {i:?}, motion {m:?}"));
                    // Signed: the corner tree may combine corners of several router calls into a
                    // shorter way than one string-pulled A* path; it must never be slower.
                    let rel = (f.eta_s - i.eta_s) / i.eta_s.max(1.0);
                    worst_fleet = worst_fleet.max(rel);
                    best_fleet = best_fleet.min(rel);
                    assert!((f.route_m / u.max_speed_mps() - f.eta_s).abs() < 1.0);
                    for w in f.route.windows(2) {
                        assert!(!router.coast().crosses_land(w[0], w[1]), "case {case}: fleet route crosses land");
                    }
                    // The distance-field planner, for a fleet of this one boat.
                    let one = Units { units: vec![u.clone()] };
                    let p = field.propose_all(&one, std::slice::from_ref(&target)).remove(0);
                    let p = p
                        .unwrap_or_else(|| panic!("case {case}: field planner finds none; exact {i:?}"))
                        .best
                        .intercept;
                    // Signed, as for the corner tree: the field's grid path, string-pulled, is
                    // sometimes a shorter water route than the router's; never over 1 % slower.
                    let rel = (p.eta_s - i.eta_s) / i.eta_s.max(1.0);
                    worst_field = worst_field.max(rel);
                    best_field = best_field.min(rel);
                    assert!(rel < 0.01, "case {case}: field planner {:.1} s vs exact {:.1} s", p.eta_s, i.eta_s);
                    assert!((p.route_m / u.max_speed_mps() - p.eta_s).abs() < 1.0);
                    assert!(distance_m(*p.route.last().unwrap(), p.point) < 1.0);
                    for w in p.route.windows(2) {
                        assert!(!router.coast().crosses_land(w[0], w[1]), "case {case}: field route crosses land");
                    }
                }
                (None, None) => {}
                (g, w) => panic!("case {case}: solver {g:?} vs brute force {w:?}"),
            }
        }
        eprintln!(
            "intercept vs brute force: {solved} solved, {around_land} around land, worst error {:.3} %; \
             fleet planner vs exact: {:+.3} % … {:+.3} %; field planner vs exact: {:+.3} % … {:+.3} %",
            worst * 100.0,
            best_fleet * 100.0,
            worst_fleet * 100.0,
            best_field * 100.0,
            worst_field * 100.0
        );
        assert!(solved >= 10 && around_land >= 3, "the random cases exercise routing ({solved}, {around_land})");
        assert!(worst_fleet < 0.01, "fleet planner never over 1 % slower than the exact solver: {worst_fleet}");
    }

    #[test]
    fn the_field_planner_proposes_the_fleets_fastest_unit() {
        let router = WaterRouter::macau();
        let units = Units::macau();
        let field = FieldPlanner::new(&router);
        let mut rng = rand_pcg::Pcg64::seed_from_u64(99);
        let targets: Vec<Target> = (0..5)
            .map(|k| {
                let p = random_water(&router, &mut rng);
                Target::track(format!("{k}"), 0.0, p, rng.random_range(0.0..30.0), rng.random_range(0.0..360.0))
            })
            .chain([Target::point(LatLon::new(22.176, 113.536))])
            .collect();
        let proposals = field.propose_all(&units, &targets);
        let (mut worst, mut lowest) = (0.0f64, 0.0f64);
        for (k, (t, p)) in targets.iter().zip(&proposals).enumerate() {
            let exact = rank_units(&router, &units, t);
            match (p, exact.first()) {
                (Some(p), Some(e)) => {
                    // Signed: never over 1 % slower than the exact ranking's best (it may be
                    // faster where its water route is shorter than the router's).
                    let rel = (p.best.intercept.eta_s - e.intercept.eta_s) / e.intercept.eta_s.max(1.0);
                    worst = worst.max(rel);
                    lowest = lowest.min(rel);
                    assert!(
                        rel < 0.01,
                        "target {k}: {} in {:.1} s vs exact {} in {:.1} s",
                        p.best.unit_id,
                        p.best.intercept.eta_s,
                        e.unit_id,
                        e.intercept.eta_s
                    );
                    assert!(p.estimates.windows(2).all(|w| w[0].1 <= w[1].1));
                    let boat = units.get(&p.best.unit_id).unwrap().kind == seawarden::tasking::UnitKind::PatrolBoat;
                    for w in p.best.intercept.route.windows(2).filter(|_| boat) {
                        assert!(!router.coast().crosses_land(w[0], w[1]), "target {k}: route crosses land");
                    }
                }
                (None, None) => {}
                (p, e) => panic!("target {k}: field {p:?} vs exact {e:?}"),
            }
        }
        eprintln!("field planner vs exact fleet ranking: {:+.3} % … {:+.3} %", lowest * 100.0, worst * 100.0);
    }

    #[test]
    fn ranks_by_eta_not_distance() {
        let router = WaterRouter::macau();
        let units = Units::macau();
        // A still target in the Sai Van waters: the Inner Harbour boat is nearest as the crow
        // flies, but must wind down the harbour at 35 kn; the 45 kn Pac On boat gets there first.
        let target = Target::point(LatLon::new(22.176, 113.536));
        let ranked = rank_units(&router, &units, &target);
        assert!(ranked.windows(2).all(|w| w[0].intercept.eta_s <= w[1].intercept.eta_s));
        let nearest = units
            .units
            .iter()
            .min_by(|a, b| distance_m(a.base(), target.position).total_cmp(&distance_m(b.base(), target.position)))
            .unwrap();
        let boats: Vec<&str> = ranked.iter().map(|c| c.unit_id.as_str()).filter(|id| id.starts_with("pb-")).collect();
        assert_eq!(nearest.id, "dt-barra");
        assert_eq!(boats[0], "pb-pac-on", "{boats:?}");
        assert!(boats.iter().position(|b| *b == "pb-inner-harbour").unwrap() > 0);
        let ka_ho = &ranked.iter().find(|c| c.unit_id == "pb-ka-ho").unwrap().intercept;
        let straight = distance_m(units.get("pb-ka-ho").unwrap().base(), target.position);
        assert!(ka_ho.route.len() > 2 && ka_ho.route_m > 1.2 * straight, "routed round Coloane and Taipa");
    }

    #[test]
    fn a_target_heading_for_the_shore_is_met_where_it_lands() {
        let router = WaterRouter::macau();
        // Heading due west at 30 kn from the Outer Harbour approaches into the peninsula shore.
        let target = Target::track("x", 0.0, LatLon::new(22.186, 113.575), 30.0, 270.0);
        let slow = intercept(&router, LatLon::new(22.118914, 113.548658), 5.0 * MPS_PER_KNOT, true, &target, 7200.0)
            .unwrap()
            .unwrap();
        assert!(slow.target_landed);
        assert!(!router.coast().is_land(slow.point));
    }
}

/// Issue 9's patrol flow over a real mosquitto: the console side proposes the fastest boat and
/// sends the task, the boat (the `seawarden patrol --simulate` client at library level) accepts,
/// the target manoeuvres, revision 2 arrives and is accepted, the boat sails the new route and
/// reports arrival. Every payload crossing the broker is also checked against the bus contract
/// (`bus::msg::parse`), so the wire format is the one in DESIGN.md and `assets/schemas/`.
mod patrol_over_mqtt {
    use std::time::Duration;

    use rumqttc::QoS;
    use seawarden::bus::{self, Message, Publish, topic};
    use seawarden::tasking::client::{Key, PatrolClient};
    use seawarden::tasking::patrol::{Answer, PatrolAck, PatrolTask, ReplanPolicy, TaskBoard, TaskState};
    use seawarden::tasking::units::UnitStatus;
    use tokio::sync::mpsc;
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::bus::{Mosquitto, listener_opts};

    /// The next message on `rx` within `limit` (a hang guard, not a performance threshold).
    async fn next(rx: &mut mpsc::Receiver<bus::Received>, limit: Duration) -> bus::Received {
        tokio::time::timeout(limit, rx.recv()).await.expect("a message in time").expect("bus open")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn task_ack_revision_on_manoeuvre_and_arrival() {
        let dir = tempfile::tempdir().unwrap();
        let broker = Mosquitto::start(dir.path(), "");
        let url = broker.url();
        let router = WaterRouter::macau();
        let mut units = Units::macau();
        // A dark craft heading east at 20 kn in the Sai Van waters.
        let t0 = 1_773_342_000.0;
        let target = Target::track("T1", t0, LatLon::new(22.176, 113.536), 20.0, 90.0);
        let best = rank_units(&router, &units, &target).into_iter().find(|c| c.unit_id.starts_with("pb-")).unwrap();
        let unit = best.unit_id.clone();
        let (base, speed) = {
            let u = units.get(&unit).unwrap();
            (u.current_position(), u.max_speed_mps())
        };

        // The boat: subscribes to its task topic, answers, sails (simulated time) and reports.
        let mut bopts = listener_opts(&url, &format!("patrol-{unit}"));
        bopts.subscriptions = vec![(topic::patrol_task(&unit), QoS::AtLeastOnce)];
        let (boat_bus, mut boat_loop) = bus::bus(bopts, 16).unwrap();
        let mut boat_rx = boat_loop.incoming();
        let stop = CancellationToken::new();
        let boat_run = tokio::spawn(boat_loop.run(stop.clone()));
        let boat_unit = unit.clone();
        let boat = tokio::spawn(async move {
            let mut client = PatrolClient::new(boat_unit.clone(), base, speed);
            let mut seen = Vec::new();
            loop {
                let r = next(&mut boat_rx, Duration::from_secs(60)).await;
                // The wire format is the bus contract.
                match bus::msg::parse(&r.topic, &r.payload) {
                    Ok(Message::PatrolTask(m)) => seen.push((m.revision, m.route.len(), m.track_id.clone())),
                    other => panic!("task payload is not a bus patrol task: {other:?}"),
                }
                let task: PatrolTask = serde_json::from_slice(&r.payload).unwrap();
                let rev = task.revision;
                if !client.on_task(task) {
                    continue; // a resend of what we have
                }
                let ack = client.on_key(Key::Accept, t0 + rev as f64).unwrap();
                let p = Publish {
                    topic: topic::patrol_ack(&boat_unit),
                    qos: QoS::AtLeastOnce,
                    retain: false,
                    payload: serde_json::to_vec(&ack).unwrap(),
                };
                boat_bus.publish(p).await.unwrap();
                if rev == 2 {
                    // `--simulate`: sail the revised route in 5 s steps of simulated time.
                    let mut n = 0;
                    while !client.simulate(5.0) {
                        n += 1;
                        assert!(n < 10_000, "the boat never arrives");
                    }
                    let arrived = client.on_key(Key::Arrive, t0 + 5.0 * n as f64).unwrap();
                    let p = Publish {
                        topic: topic::patrol_ack(&boat_unit),
                        qos: QoS::AtLeastOnce,
                        retain: false,
                        payload: serde_json::to_vec(&arrived).unwrap(),
                    };
                    boat_bus.publish(p).await.unwrap();
                    return (client, seen);
                }
            }
        });

        // The console: subscribes to the answers, sends revision 1 until it is answered.
        let mut copts = listener_opts(&url, "console-tasking");
        copts.subscriptions = vec![(topic::patrol_ack(&unit), QoS::AtLeastOnce)];
        let (console_bus, mut console_loop) = bus::bus(copts, 16).unwrap();
        let mut console_rx = console_loop.incoming();
        let console_run = tokio::spawn(console_loop.run(stop.clone()));
        let mut board = TaskBoard::new(ReplanPolicy::default());
        let task1 = board.assign(&mut units, &unit, &target, &best.intercept, t0);
        assert_eq!(units.get(&unit).unwrap().status, UnitStatus::Tasked);
        let send = |t: &PatrolTask| Publish {
            topic: topic::patrol_task(&t.unit),
            qos: QoS::AtLeastOnce,
            retain: false,
            payload: serde_json::to_vec(t).unwrap(),
        };
        // Until the boat's subscription is active the broker drops the task: resend each second
        // (the board's answer bookkeeping makes resends harmless).
        let ack1 = loop {
            console_bus.publish(send(&task1)).await.unwrap();
            if let Ok(Some(r)) = tokio::time::timeout(Duration::from_secs(1), console_rx.recv()).await {
                break r;
            }
        };
        let read_ack = |r: &bus::Received| -> PatrolAck {
            match bus::msg::parse(&r.topic, &r.payload) {
                Ok(Message::PatrolAck(m)) => assert_eq!(m.unit, unit),
                other => panic!("ack payload is not a bus patrol ack: {other:?}"),
            }
            serde_json::from_slice(&r.payload).unwrap()
        };
        let a1 = read_ack(&ack1);
        assert_eq!((a1.answer, a1.revision, a1.task_id.as_str()), (Answer::Accepted, 1, task1.task_id.as_str()));
        assert_eq!(board.on_ack(&mut units, &a1), Some(TaskState::Accepted));

        // The target turns hard to the south-west a minute later: the board re-plans.
        let turned = Target::track("T1", t0 + 60.0, target.predict(60.0), 25.0, 200.0);
        let revs = board.on_track_update(&router, &units, &turned, t0 + 61.0);
        assert_eq!(revs.len(), 1, "one revision for the one open task");
        let task2 = &revs[0];
        assert_eq!((task2.task_id.as_str(), task2.revision), (task1.task_id.as_str(), 2));
        assert!(distance_m(task1.point(), task2.point()) > 200.0, "the intercept point moved");
        console_bus.publish(send(task2)).await.unwrap();
        let a2 = read_ack(&next(&mut console_rx, Duration::from_secs(60)).await);
        assert_eq!((a2.answer, a2.revision), (Answer::Accepted, 2));
        assert_eq!(board.on_ack(&mut units, &a2), Some(TaskState::Accepted));
        let a3 = read_ack(&next(&mut console_rx, Duration::from_secs(60)).await);
        assert_eq!((a3.answer, a3.revision), (Answer::Arrived, 2));
        assert_eq!(board.on_ack(&mut units, &a3), Some(TaskState::Arrived));
        assert_eq!(units.get(&unit).unwrap().status, UnitStatus::Available, "arrival frees the unit");

        let (client, seen) = boat.await.unwrap();
        // The boat saw revision 1 (perhaps resent) and then revision 2, each with a route and the track.
        assert_eq!(seen.first().map(|s| s.0), Some(1));
        assert_eq!(seen.last().map(|s| s.0), Some(2));
        assert!(seen.iter().all(|(_, n, id)| *n >= 2 && id.as_deref() == Some("T1")), "{seen:?}");
        // It sailed revision 2's route, on water, to its intercept point.
        assert!(distance_m(client.position, task2.point()) < 1.0);
        let route: Vec<LatLon> = task2.route.iter().map(|p| LatLon::new(p[0], p[1])).collect();
        assert!(distance_m(route[0], base) < 1.0 && distance_m(*route.last().unwrap(), task2.point()) < 1.0);
        for w in route.windows(2) {
            assert!(!router.coast().crosses_land(w[0], w[1]), "revised route crosses land");
        }
        assert!(task2.eta_s > task2.time && task2.target.as_ref().is_some_and(|t| t.cog_deg == 200.0));
        stop.cancel();
        let _ = boat_run.await;
        let _ = console_run.await;
        drop(broker);
    }
}
