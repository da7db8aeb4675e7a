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

/// Video inputs: a synthetic 16-bit FFV1 clip through capture, the hot-spot detector and the
/// geolocator into the node's tracker.
#[cfg(feature = "thermal")]
mod video {
    use calibration::{HeadAngles, SiteCalibration};
    use seawarden::geodesy;
    use seawarden::sim::thermal::{ClipSpec, SceneConfig, TruthRecord, TruthTimeline, write_clip};

    use super::*;

    /// 320×256, 6° lens looking 150° from the Outer Harbour, horizon near row 70.
    fn calibration() -> SiteCalibration {
        SiteCalibration::from_toml_str(
            "[pose]\nlat = 22.197907\nlon = 113.558966\nmast_height_m = 25.0\nheading_offset_deg = 150.0\n\
             tilt_offset_deg = -1.04\n[camera]\nwidth_px = 320\nheight_px = 256\nhfov_deg = 6.0\n",
        )
        .unwrap()
    }

    /// Two moored boats (bearing, range) and the clip that sees them.
    const BOATS: [(f64, f64); 2] = [(149.5, 1_200.0), (150.7, 2_200.0)];

    fn clip(dir: &Path) -> (seawarden::sim::thermal::ClipSummary, Vec<(f64, f64)>) {
        let cal = calibration();
        let truth: Vec<(f64, f64)> =
            BOATS.iter().map(|&(b, r)| geodesy::destination(cal.pose.lat, cal.pose.lon, b, r)).collect();
        let records: Vec<TruthRecord> = truth
            .iter()
            .enumerate()
            .map(|(i, &(lat, lon))| TruthRecord {
                time: 0.0,
                id: format!("b{i}"),
                lat,
                lon,
                sog_kn: 0.0,
                cog_deg: 70.0,
                class: "speedboat".into(),
                length_m: Some(9.0),
            })
            .collect();
        let spec = ClipSpec {
            name: "node".into(),
            calibration: cal,
            head: HeadAngles::default(),
            scene: SceneConfig { seed: 5, ..Default::default() },
            frames: 50,
            fps: 10,
            truth: TruthTimeline::from_records(records),
            truth_start_s: 0.0,
        };
        (write_clip(&spec, dir).unwrap(), truth)
    }

    fn video_toml(dir: &Path, broker: &str, inputs: &str) -> std::path::PathBuf {
        let p = dir.join("node.toml");
        std::fs::write(
            &p,
            format!(
                "site = \"outer-harbour\"\ndata_dir = \"{}\"\n[broker]\nurl = \"{broker}\"\nkeep_alive_s = 2\n\
                 [intervals]\ntracks_ms = 50\nstatus_ms = 200\n[anomaly]\nenabled = false\n{inputs}",
                dir.join("data").display()
            ),
        )
        .unwrap();
        p
    }

    /// A video file replays as fast as the detector goes; the IR detections become confirmed
    /// tracks at the boats' true positions, and the node exits once the file is done.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_video_file_becomes_ir_tracks_near_the_truth() {
        let dir = tempfile::tempdir().unwrap();
        let (c, truth) = clip(dir.path());
        let broker = Mosquitto::start(dir.path(), "");
        let out = dir.path().join("heard.jsonl");
        let (stop, listener) = start_listener(listener_opts(&broker.url(), "console-video"), &out).await;
        let cfg = video_toml(
            dir.path(),
            &broker.url(),
            &format!(
                "[[input]]\nkind = \"video\"\nurl = \"file://{}?speed=0\"\ncalibration = \"{}\"\nname = \"ir\"\n",
                c.video.display(),
                c.calibration.display()
            ),
        );
        let parsed = NodeConfig::from_file(&cfg).unwrap();
        assert!(parsed.is_batch(), "a video file is a batch input");
        assert_eq!(parsed.inputs[0].sensor, "ir-outer-harbour");
        let mut edge = spawn_edge(&cfg, &dir.path().join("edge.log"));
        let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(60)));
        assert!(st.success(), "edge exit {st}: {}", std::fs::read_to_string(dir.path().join("edge.log")).unwrap());
        wait_until_async("the offline status", Duration::from_secs(20), || {
            Heard::read(&out).status_states.last().is_some_and(|s| s == "offline")
        })
        .await;
        stop.cancel();
        listener.await.unwrap();
        let heard: Vec<serde_json::Value> = std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .collect();
        let tracks: Vec<(f64, f64)> = heard
            .iter()
            .filter(|v| v["topic"] == "seawarden/v1/node/outer-harbour/tracks")
            .flat_map(|v| v["payload"]["tracks"].as_array().cloned().unwrap_or_default())
            .map(|t| (t["lat"].as_f64().unwrap(), t["lon"].as_f64().unwrap()))
            .collect();
        assert!(!tracks.is_empty(), "no IR track published");
        // The near boat: range error at 1.2 km with 1 px waterline jitter is tens of metres.
        let (lat, lon) = truth[0];
        let best = tracks
            .iter()
            .map(|&(a, o)| geodesy::distance_m(geodesy::LatLon::new(lat, lon), geodesy::LatLon::new(a, o)))
            .fold(f64::INFINITY, f64::min);
        assert!(best < 150.0, "nearest track to the 1.2 km boat is {best:.0} m off");
        // The frames were counted in the status report, without errors.
        let ir = heard
            .iter()
            .filter(|v| v["topic"] == "seawarden/v1/node/outer-harbour/status")
            .filter_map(|v| v["payload"]["sensors"].as_array().and_then(|s| s.first()).cloned())
            .last()
            .expect("a status with the video input");
        assert_eq!(ir["name"], "ir");
        assert!(ir["lines"].as_u64().unwrap() > 0, "{ir}");
        assert_eq!(ir["errors"], 0, "{ir}");
    }

    /// A video file that is not there fails that input only: the node comes up, keeps its other
    /// input, and the status names the failure.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_missing_video_degrades_the_node_but_it_runs() {
        let dir = tempfile::tempdir().unwrap();
        let broker = Mosquitto::start(dir.path(), "");
        let out = dir.path().join("heard.jsonl");
        let (stop, listener) = start_listener(listener_opts(&broker.url(), "console-novideo"), &out).await;
        let cal = repo_root().join("assets/calibration/outer-harbour.toml");
        let cfg = video_toml(
            dir.path(),
            &broker.url(),
            &format!(
                "[[input]]\nkind = \"video\"\nurl = \"{}\"\ncalibration = \"{}\"\nname = \"ir\"\n\
                 [[input]]\nkind = \"nmea\"\nurl = \"udp://127.0.0.1:0\"\nname = \"ais\"\n",
                dir.path().join("nowhere.mkv").display(),
                cal.display()
            ),
        );
        let mut edge = spawn_edge(&cfg, &dir.path().join("edge.log"));
        let failed = |v: &serde_json::Value| {
            v["topic"] == "seawarden/v1/node/outer-harbour/status"
                && v["payload"]["state"] == "online"
                && v["payload"]["sensors"].as_array().is_some_and(|s| {
                    s.iter().any(|s| {
                        s["name"] == "ir"
                            && s["state"].as_str().is_some_and(|st| st.contains("failed") && st.contains("nowhere.mkv"))
                    }) && s.iter().any(|s| s["name"] == "ais" && s["state"] == "up")
                })
        };
        wait_until_async("a status naming the failed video input", Duration::from_secs(20), || {
            std::fs::read_to_string(&out)
                .unwrap_or_default()
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .any(|v| failed(&v))
        })
        .await;
        assert!(edge.0.as_mut().unwrap().try_wait().unwrap().is_none(), "the node stopped");
        let pid = edge.0.as_ref().unwrap().id();
        assert!(Command::new("kill").arg("-TERM").arg(pid.to_string()).status().unwrap().success());
        let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(30)));
        assert!(st.success(), "edge exit {st}");
        stop.cancel();
        listener.await.unwrap();
        let log = std::fs::read_to_string(dir.path().join("edge.log")).unwrap();
        assert!(log.contains("video input failed"), "{log}");
    }
}
