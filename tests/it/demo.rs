//! `seawarden demo --headless`, shortened: the whole system (embedded broker, 13 edge node
//! processes on simulated AIS and radar, simulated patrol boats and drone teams, the headless
//! operator) runs and its summary holds up.
//!
//! Shortened how: 90 s of the night at x3 (30 s of replay; the nodes stamp the logs' own
//! scenario times, so vessels keep their true speeds), and without the IR clips, whose rendering costs about
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

    // On the scenario's clock: alerts carry sim times (the AIS log's tag-block span), not the
    // wall clock, and at x3 no speed rule saw a vessel faster than a fast craft sails.
    let ais = std::fs::read_to_string(work.path().join("run/ais.nmea")).unwrap();
    let tag_s = |l: &str| -> Option<f64> {
        let c = l.split(['\\', ',', '*']).find_map(|f| f.strip_prefix("c:"))?;
        Some(c.parse::<f64>().ok()? / 1000.0)
    };
    let times: Vec<f64> = ais.lines().filter_map(tag_s).collect();
    let (t0, t1) = (times[0], *times.last().unwrap());
    assert!(t1 - t0 <= 91.0, "the AIS log spans {} s", t1 - t0);
    let alerts = std::fs::read_to_string(work.path().join("alerts.jsonl")).unwrap();
    let mut speeds = 0;
    for line in alerts.lines() {
        let a: Value = serde_json::from_str(line).unwrap();
        let t = a["time"].as_f64().unwrap();
        assert!(t >= t0 - 60.0 && t <= t1 + 60.0, "alert at {t}, not within the scenario's {t0}..{t1}: {line}");
        for r in a["reasons"].as_array().unwrap() {
            let rule = r["rule"].as_str().unwrap();
            if rule.ends_with("_speed_kn") && rule != "ais_implied_speed_kn" {
                speeds += 1;
                let kn = r["value"].as_f64().unwrap();
                assert!(kn <= 60.0, "{rule} = {kn} kn at x3: speeds are scaled by the replay\n{line}");
            }
        }
    }
    eprintln!("{speeds} speed reasons checked");
}
