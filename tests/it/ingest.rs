//! `seawarden ingest` end to end: real sample logs through the real sources and decoders.

use std::collections::HashMap;
use std::process::Command;

use seawarden::Detection;
use seawarden::detection::{Position, SensorKind};
use seawarden::geodesy::{LatLon, distance_m};

use crate::util::{samples_dir, seawarden_bin};

fn ingest(args: &[&str]) -> Vec<Detection> {
    let out = Command::new(seawarden_bin()).arg("ingest").args(args).output().expect("running seawarden ingest");
    assert!(out.status.success(), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad detection line {l}: {e}")))
        .collect()
}

fn file_url(sub: &str, name: &str) -> String {
    format!("file://{}?speed=0", samples_dir(sub).join(name).display())
}

#[test]
fn radar_ttm_and_tll_of_the_same_target_land_within_the_error_budget() {
    let dets = ingest(&["--radar", &file_url("radar", "coloane-radar.nmea"), "--sensor-site", "coloane"]);
    assert!(dets.len() > 50, "only {} radar detections", dets.len());
    // The log reports each target twice per scan: relative (TTM) and absolute (TLL).
    let mut by_target: HashMap<(u32, i64), Vec<LatLon>> = HashMap::new();
    for d in &dets {
        assert_eq!(d.kind, SensorKind::Radar);
        assert_eq!(d.sensor, "radar-coloane");
        let Position::Geodetic { lat_deg, lon_deg, cov_en_m2 } = d.position else {
            panic!("the log has own-ship fixes, so every target must be geodetic: {d:?}")
        };
        assert!(cov_en_m2[0][0] > 0.0 && cov_en_m2[1][1] > 0.0);
        let n = d.identity.target_number.expect("radar targets carry their number");
        by_target.entry((n, (d.time_s * 10.0).round() as i64)).or_default().push(LatLon::new(lat_deg, lon_deg));
    }
    let pairs: Vec<_> = by_target.values().filter(|v| v.len() == 2).collect();
    assert!(pairs.len() > 20, "only {} TTM/TLL pairs", pairs.len());
    for p in pairs {
        let d = distance_m(p[0], p[1]);
        // TLL positions are written to 1e-4 minute (~0.2 m), TTM ranges to 0.01 nmi (~9 m) and
        // bearings to 0.1° (~12 m at 7 km); the log's writer (make-radar-log.py) projects on a
        // sphere, which parts from WGS-84 by up to ~0.3 % of range (~20 m at 7 km).
        assert!(d < 40.0, "TTM and TLL disagree by {d:.1} m: {p:?}");
    }
}

#[test]
fn ais_position_reports_become_detections_with_identity() {
    let dets = ingest(&["--ais", &file_url("ais", "gpsd-sample.aivdm")]);
    assert!(!dets.is_empty());
    for d in &dets {
        assert_eq!(d.kind, SensorKind::Ais);
        assert!(d.identity.mmsi.is_some(), "{d:?}");
        let (lat, lon) = d.position.lat_lon().expect("AIS is geodetic");
        assert!(lat.abs() <= 90.0 && lon.abs() <= 180.0);
    }
    // Type 1 from the gpsd corpus: MMSI 371798000 at 48.381633 N, 123.395383 W.
    let first = dets.iter().find(|d| d.identity.mmsi == Some(371_798_000)).expect("MMSI 371798000");
    let (lat, lon) = first.position.lat_lon().unwrap();
    assert!((lat - 48.381633).abs() < 1e-5 && (lon + 123.395383).abs() < 1e-5);
    let v = first.velocity.expect("SOG and COG available");
    assert_eq!((v.sog_kn, v.cog_deg), (12.3, 224.0));
}

#[test]
fn no_source_is_a_clear_error() {
    let out = Command::new(seawarden_bin()).arg("ingest").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ais or --radar"));
}

#[test]
fn a_malformed_url_names_the_flag() {
    let out = Command::new(seawarden_bin()).args(["ingest", "--ais", "gopher://x"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ais gopher://x"), "{}", String::from_utf8_lossy(&out.stderr));
}
