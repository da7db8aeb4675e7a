//! `seawarden demo --headless`, shortened: the whole system (embedded broker, 13 edge node
//! processes on simulated AIS and radar, simulated patrol boats and drone teams, the headless
//! operator) runs and its summary holds up.
//!
//! Shortened how: 90 s of the night at x3 (30 s of replay; faster replays make every vessel look
//! that much faster to the trackers), and without the IR clips, whose rendering costs about
//! 0.3 s a frame in a debug build (13 clips of 30 frames: two minutes). The IR chain has its own
//! tests (`thermal`, `onnx`); `seawarden demo` runs it by default.

use std::process::Command;

use serde_json::Value;

use crate::util::{repo_root, seawarden_bin};

#[test]
fn headless_demo_runs_every_node_loses_nothing_and_alerts_on_smuggling() {
    let work = tempfile::tempdir().unwrap();
    let out = Command::new(seawarden_bin())
        .current_dir(repo_root())
        .args(["demo", "--headless", "--duration", "90s", "--speed", "3", "--ir-detector", "none", "--work"])
        .arg(work.path())
        .env("ORT_DYLIB_PATH", repo_root().join(".cache/onnxruntime-1.31.1/libonnxruntime.so"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}", out.status);
    let s: Value = serde_json::from_slice(&std::fs::read(work.path().join("summary.json")).unwrap()).unwrap();
    let nodes = s["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 13, "{stdout}");
    for n in nodes {
        assert!(n["usage"]["samples"].as_u64().unwrap() > 0, "node {} never measured:\n{stdout}", n["site"]);
        assert!(n["usage"]["max_rss_mib"].as_f64().unwrap() > 0.0, "{}", n["site"]);
        assert!(n["usage"]["cpu_s"].as_f64().unwrap() > 0.0, "{}", n["site"]);
    }
    assert!(s["tracks_distinct"].as_u64().unwrap() >= 1, "{stdout}");
    assert_eq!(s["messages_lost"].as_u64(), Some(0), "{stdout}");
    assert!(s["alerts_committed"].as_u64().unwrap() > 0, "{stdout}");
    let kinds = s["alerts_by_kind"].as_object().unwrap();
    let smuggling = ["dark_target", "hotspot_entry", "shore_approach", "night_fast_craft"];
    assert!(kinds.keys().any(|k| smuggling.contains(&k.as_str())), "no smuggling-kind alert: {kinds:?}\n{stdout}");
    assert!(s["first_track_s"].as_f64().is_some(), "{stdout}");
    assert!(s["alert_latency"]["n"].as_u64().unwrap() > 0, "{stdout}");
}
