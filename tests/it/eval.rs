//! `seawarden eval` end to end: hand-computed GOSPA and ID continuity on tiny written logs.

use std::path::Path;
use std::process::Command;

use seawarden::geodesy::destination;

use crate::util::seawarden_bin;

const LAT: f64 = 22.15;
const LON: f64 = 113.55;

fn write(dir: &Path, name: &str, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn truth_line(t: f64, id: &str, lat: f64, lon: f64) -> String {
    format!(r#"{{"time": {t}, "id": "{id}", "lat": {lat}, "lon": {lon}, "sog_kn": 0.0}}"#)
}

fn track_line(t: f64, id: &str, lat: f64, lon: f64) -> String {
    format!(r#"{{"time": {t}, "track_id": "{id}", "lat": {lat}, "lon": {lon}, "sog_kn": 0.0, "cog_deg": 0.0}}"#)
}

fn meas_line(t: f64) -> String {
    format!(r#"{{"time": {t}, "sensor": "radar-test", "scan_only": true}}"#)
}

/// Two stationary vessels 2 km apart, sampled at 1 Hz over 0..=10 s.
fn two_vessels() -> (Vec<String>, [(f64, f64); 2]) {
    let b = destination(LAT, LON, 90.0, 2000.0);
    let pos = [(LAT, LON), b];
    let mut lines = Vec::new();
    for t in 0..=10 {
        for (k, p) in pos.iter().enumerate() {
            lines.push(truth_line(f64::from(t), &format!("v{k}"), p.0, p.1));
        }
    }
    (lines, pos)
}

fn eval_json(dir: &Path, truth: &[String], tracks: &[String], meas: Option<&[String]>) -> serde_json::Value {
    let truth = write(dir, "truth.jsonl", truth);
    let tracks = write(dir, "tracks.jsonl", tracks);
    let mut cmd = Command::new(seawarden_bin());
    cmd.arg("eval").arg("--truth").arg(&truth).arg("--tracks").arg(&tracks).arg("--json");
    if let Some(meas) = meas {
        cmd.arg("--measurements").arg(write(dir, "meas.jsonl", meas));
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "eval failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &serde_json::Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("no {key} in {v}"))
}

#[test]
fn perfect_tracks_score_zero() {
    let dir = tempfile::tempdir().unwrap();
    let (truth, pos) = two_vessels();
    let tracks: Vec<String> = (1..=9)
        .flat_map(|t| {
            pos.iter().enumerate().map(move |(k, p)| track_line(f64::from(t) + 0.5, &k.to_string(), p.0, p.1))
        })
        .collect();
    let v = eval_json(dir.path(), &truth, &tracks, None);
    assert_eq!(v["times"], 9);
    assert!(f(&v, "gospa_m").abs() < 1e-6, "{v}");
    assert_eq!(v["id_switches"], 0);
    assert_eq!(v["fragmentations"], 0);
}

#[test]
fn one_missed_vessel_costs_half_the_cutoff_per_time() {
    let dir = tempfile::tempdir().unwrap();
    let (truth, pos) = two_vessels();
    let tracks: Vec<String> = (0..=10).map(|t| track_line(f64::from(t), "1", pos[0].0, pos[0].1)).collect();
    let v = eval_json(dir.path(), &truth, &tracks, None);
    assert!((f(&v, "gospa_m") - 50.0).abs() < 1e-6, "{v}");
    assert!((f(&v, "missed") - 50.0).abs() < 1e-6, "{v}");
    assert!((f(&v, "missed_count") - 1.0).abs() < 1e-12, "{v}");
}

#[test]
fn one_false_track_costs_half_the_cutoff() {
    let dir = tempfile::tempdir().unwrap();
    let (truth, pos) = two_vessels();
    let ghost = destination(LAT, LON, 0.0, 5000.0);
    let mut tracks = Vec::new();
    for t in 0..=10 {
        for (k, p) in pos.iter().enumerate() {
            tracks.push(track_line(f64::from(t), &k.to_string(), p.0, p.1));
        }
        tracks.push(track_line(f64::from(t), "ghost", ghost.0, ghost.1));
    }
    let v = eval_json(dir.path(), &truth, &tracks, None);
    assert!((f(&v, "gospa_m") - 50.0).abs() < 1e-6, "{v}");
    assert!((f(&v, "false_tracks") - 50.0).abs() < 1e-6, "{v}");
}

#[test]
fn thirty_metre_offset_costs_thirty() {
    let dir = tempfile::tempdir().unwrap();
    let (truth, pos) = two_vessels();
    let mut tracks = Vec::new();
    for t in 0..=10 {
        for (k, p) in pos.iter().enumerate() {
            let q = destination(p.0, p.1, 45.0, 15.0);
            tracks.push(track_line(f64::from(t), &k.to_string(), q.0, q.1));
        }
    }
    let v = eval_json(dir.path(), &truth, &tracks, None);
    // 15 m per vessel, two vessels.
    assert!((f(&v, "gospa_m") - 30.0).abs() < 0.01, "{v}");
    assert!((f(&v, "localisation") - 30.0).abs() < 0.01, "{v}");
}

#[test]
fn scan_times_without_tracks_count_as_misses() {
    let dir = tempfile::tempdir().unwrap();
    let (truth, pos) = two_vessels();
    // Tracks only at 1..=5; scans at 1..=10 (the tracker output nothing at 6..=10).
    let tracks: Vec<String> = (1..=5)
        .flat_map(|t| pos.iter().enumerate().map(move |(k, p)| track_line(f64::from(t), &k.to_string(), p.0, p.1)))
        .collect();
    let meas: Vec<String> = (1..=10).map(|t| meas_line(f64::from(t))).collect();
    let v = eval_json(dir.path(), &truth, &tracks, Some(&meas));
    assert_eq!(v["times"], 10);
    // Half the times perfect, half with both vessels missed (2 × 50 m).
    assert!((f(&v, "gospa_m") - 50.0).abs() < 1e-6, "{v}");
    // Default: only the tracks' own times.
    let v = eval_json(dir.path(), &truth, &tracks, None);
    assert_eq!(v["times"], 5);
    assert!(f(&v, "gospa_m").abs() < 1e-6, "{v}");
}

#[test]
fn id_switches_and_fragmentations_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (truth, pos) = two_vessels();
    let mut tracks = Vec::new();
    for t in 0..=10 {
        // Vessel 0: track "a" until 3, nothing at 4, "b" from 5 (one switch, one fragmentation).
        let id0 = match t {
            0..=3 => Some("a"),
            4 => None,
            _ => Some("b"),
        };
        if let Some(id) = id0 {
            tracks.push(track_line(f64::from(t), id, pos[0].0, pos[0].1));
        }
        // Vessel 1: "c", then "d" from 7 without a gap (one switch).
        tracks.push(track_line(f64::from(t), if t < 7 { "c" } else { "d" }, pos[1].0, pos[1].1));
    }
    let meas: Vec<String> = (0..=10).map(|t| meas_line(f64::from(t))).collect();
    let v = eval_json(dir.path(), &truth, &tracks, Some(&meas));
    assert_eq!(v["id_switches"], 2, "{v}");
    assert_eq!(v["fragmentations"], 1, "{v}");
}

#[test]
fn interpolates_moving_truth_to_scan_times() {
    let dir = tempfile::tempdir().unwrap();
    // One vessel steaming north at 10 m/s, truth at whole seconds, tracks exactly on its path at
    // half seconds.
    let truth: Vec<String> = (0..=10)
        .map(|t| {
            let p = destination(LAT, LON, 0.0, 10.0 * f64::from(t));
            truth_line(f64::from(t), "v", p.0, p.1)
        })
        .collect();
    let tracks: Vec<String> = (0..10)
        .map(|t| {
            let p = destination(LAT, LON, 0.0, 10.0 * (f64::from(t) + 0.5));
            track_line(f64::from(t) + 0.5, "1", p.0, p.1)
        })
        .collect();
    let v = eval_json(dir.path(), &truth, &tracks, None);
    assert!(f(&v, "gospa_m") < 0.01, "{v}");
}

#[test]
fn unreadable_track_line_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let (truth, _) = two_vessels();
    let truth = write(dir.path(), "truth.jsonl", &truth);
    let tracks = write(dir.path(), "tracks.jsonl", &[r#"{"time": 1}"#.to_string()]);
    let out = Command::new(seawarden_bin())
        .args(["eval", "--truth"])
        .arg(&truth)
        .arg("--tracks")
        .arg(&tracks)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tracks.jsonl") && err.contains("line 1"), "{err}");
}
