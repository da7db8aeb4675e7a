//! Edge-node tests: the shipped example config, batch replay of measurements into track
//! batches, and a clean SIGTERM shutdown, against a real mosquitto.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use seawarden::node::NodeConfig;

use super::bus::{Heard, Mosquitto, listener_opts, spawn_edge, start_listener, wait_until_async};
use super::util::repo_root;

#[test]
fn the_shipped_example_config_is_valid() {
    let p = repo_root().join("assets/node.example.toml");
    let c = NodeConfig::from_file(&p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.site, "hac-sa");
    assert!(!c.is_batch());
}

#[test]
fn a_config_error_names_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("node.toml");
    std::fs::write(&p, "site = \"hac-sa\"\ndata_dir = \"d\"\n[broker]\nurl = \"mqtt://127.0.0.1\"\n[queues]\ndetections = 0\n[[input]]\nkind = \"nmea\"\nurl = \"udp://127.0.0.1:0\"\n").unwrap();
    let e = NodeConfig::from_file(&p).unwrap_err().to_string();
    assert!(e.contains("node.toml") && e.contains("queues.detections"), "{e}");
    let out = Command::new(super::util::seawarden_bin()).args(["edge", "--config"]).arg(&p).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("queues.detections"));
}

/// Three boats moving straight, one radar scan a second for 40 s, as the tracker contract's JSONL.
fn write_measurements(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    for k in 0..40 {
        let t = 1_700_000_000.0 + f64::from(k);
        for b in 0..3 {
            let lat = 22.10 + 0.01 * f64::from(b) + 0.00005 * f64::from(k);
            let lon = 113.55 + 0.00005 * f64::from(k);
            writeln!(f, r#"{{"time": {t}, "sensor": "radar-hac-sa", "lat": {lat}, "lon": {lon}, "sigma_m": 10.0}}"#)
                .unwrap();
        }
    }
}

fn measurements_toml(dir: &Path, broker: &str, input: &Path) -> std::path::PathBuf {
    measurements_toml_named(dir, "node", broker, input)
}

fn measurements_toml_named(dir: &Path, name: &str, broker: &str, input: &Path) -> std::path::PathBuf {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(
        &p,
        format!(
            "site = \"hac-sa\"\ndata_dir = \"{}\"\n[broker]\nurl = \"{broker}\"\nkeep_alive_s = 2\n[intervals]\ntracks_ms = 50\nstatus_ms = 200\n\
             [[input]]\nkind = \"measurements\"\nurl = \"file://{}?speed=0\"\n",
            dir.join(format!("data-{name}")).display(),
            input.display()
        ),
    )
    .unwrap();
    p
}

/// Batch replay: measurements become confirmed tracks on the bus, then the node exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_replay_publishes_tracks_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let broker = Mosquitto::start(dir.path(), "");
    let out = dir.path().join("heard.jsonl");
    let (stop, listener) = start_listener(listener_opts(&broker.url(), "console-batch"), &out).await;
    let input = dir.path().join("m.jsonl");
    write_measurements(&input);
    let cfg = measurements_toml(dir.path(), &broker.url(), &input);
    let mut edge = spawn_edge(&cfg, &dir.path().join("edge.log"));
    let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(120)));
    assert!(st.success(), "edge exit {st}");
    wait_until_async("the offline status after a clean exit", Duration::from_secs(30), || {
        Heard::read(&out).status_states.last().is_some_and(|s| s == "offline")
    })
    .await;
    stop.cancel();
    listener.await.unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let batches: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["topic"] == "seawarden/v1/node/hac-sa/tracks")
        .map(|v| v["payload"].clone())
        .collect();
    assert!(!batches.is_empty(), "no track batch heard");
    let last = batches.last().unwrap();
    assert_eq!(last["schema"], "seawarden.tracks/1");
    assert_eq!(last["tracks"].as_array().unwrap().len(), 3, "{last}");
    let statuses = Heard::read(&out).status_states;
    assert!(statuses.contains(&"online".to_string()));
}

/// SIGTERM: the node stops cleanly (exit 0) and leaves `offline` as its retained status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_with_offline_status() {
    let dir = tempfile::tempdir().unwrap();
    let broker = Mosquitto::start(dir.path(), "");
    let out = dir.path().join("heard.jsonl");
    let (stop, listener) = start_listener(listener_opts(&broker.url(), "console-term"), &out).await;
    let cfg = dir.path().join("node.toml");
    std::fs::write(
        &cfg,
        format!(
            "site = \"ka-ho\"\ndata_dir = \"{}\"\n[broker]\nurl = \"{}\"\n[intervals]\nstatus_ms = 100\n[[input]]\nkind = \"nmea\"\nurl = \"udp://127.0.0.1:0\"\n",
            dir.path().join("data").display(),
            broker.url()
        ),
    )
    .unwrap();
    let mut edge = spawn_edge(&cfg, &dir.path().join("edge.log"));
    wait_until_async("the online status", Duration::from_secs(30), || {
        Heard::read(&out).status_states.iter().any(|s| s == "online")
    })
    .await;
    let pid = edge.0.as_ref().unwrap().id();
    assert!(Command::new("kill").arg("-TERM").arg(pid.to_string()).status().unwrap().success());
    let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(30)));
    assert!(st.success(), "edge exit {st}");
    wait_until_async("the offline status", Duration::from_secs(30), || {
        Heard::read(&out).status_states.last().is_some_and(|s| s == "offline")
    })
    .await;
    stop.cancel();
    listener.await.unwrap();
}

/// The anomaly stage runs in the node: a replay raises alerts, and a second replay over the same
/// input (fresh outbox) raises exactly the same alert ids.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_raise_the_same_alert_ids() {
    let dir = tempfile::tempdir().unwrap();
    let broker = Mosquitto::start(dir.path(), "");
    let input = dir.path().join("m.jsonl");
    write_measurements(&input);
    let mut runs = Vec::new();
    for run in ["first", "second"] {
        let out = dir.path().join(format!("heard-{run}.jsonl"));
        let (stop, listener) = start_listener(listener_opts(&broker.url(), &format!("console-{run}")), &out).await;
        let cfg = measurements_toml_named(dir.path(), run, &broker.url(), &input);
        let mut edge = spawn_edge(&cfg, &dir.path().join(format!("edge-{run}.log")));
        let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(120)));
        assert!(st.success(), "edge exit {st}");
        // The outbox was empty at exit, so every alert was acknowledged; the offline status is
        // published after them on the same connection.
        wait_until_async("the offline status", Duration::from_secs(30), || {
            Heard::read(&out).status_states.last().is_some_and(|s| s == "offline")
        })
        .await;
        stop.cancel();
        listener.await.unwrap();
        runs.push(Heard::read(&out).ids());
    }
    assert!(!runs[0].is_empty(), "the anomaly stage raised no alert");
    assert_eq!(runs[0], runs[1]);
}
