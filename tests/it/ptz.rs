//! Slew-to-cue against the simulated PTZ head served over TCP (issue 5, "Slew-to-cue").
//!
//! Time is the head's simulated clock, stepped by the test: nothing here waits on wall time.
use std::path::Path;

use calibration::SiteCalibration;
use firmware_bridge::cue::{CueConfig, SlewToCue, Target};
use firmware_bridge::head::{Head, HeadConfig};
use firmware_bridge::sim_server::SimHeadServer;
use firmware_bridge::transport::connect_tcp;

fn angle_diff_deg(a: f64, b: f64) -> f64 {
    (a - b + 540.0).rem_euclid(360.0) - 180.0
}

#[tokio::test]
async fn cued_head_reports_on_target_at_the_computed_lead() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/calibration/taipa-west.toml");
    let mut site = SiteCalibration::from_path(&path).unwrap().pose;
    site.heading_offset_deg = 37.0;
    site.tilt_offset_deg = -0.3;

    let head_config = HeadConfig::default();
    let server = SimHeadServer::bind("127.0.0.1:0", Head::try_new(head_config).unwrap()).await.unwrap();
    let mut link = connect_tcp(server.local_addr(), head_config.address).await.unwrap();
    let cuer = SlewToCue::try_new(site, CueConfig::for_head(&head_config)).unwrap();

    // A go-fast crossing at 27 kn, 2.2 km out on true 150°, while the head looks at pan 0.
    let start = link.query_pose().await.unwrap();
    let target = Target::from_course(150.0, 2_200.0, 14.0, 250.0);
    let cue = cuer.aim(start, &target).unwrap();
    let mut watch = cuer.watch(&cue);
    link.send(&cue.commands().unwrap()).await.unwrap();

    // The reply to this query proves the commands were applied; the clock has not moved yet.
    let pose = link
        .query_pose_with(|c| {
            watch.observe(c);
        })
        .await
        .unwrap();
    assert_eq!(pose, start);
    assert!(!watch.is_on_target());

    let dt_s = 0.02;
    loop {
        server.step(dt_s);
        link.query_pose_with(|c| {
            watch.observe(c);
        })
        .await
        .unwrap();
        if watch.is_on_target() {
            break;
        }
        assert!(server.time_s() < 2.0 * cue.lead_s + 1.0, "never on target: {:?}", watch.error_deg());
    }
    let arrived_s = server.time_s();
    // On target when the slew dynamics say, to within a step.
    assert!(arrived_s <= cue.lead_s + dt_s + 1e-9, "{arrived_s} s vs lead {} s", cue.lead_s);
    assert!(arrived_s >= cue.lead_s - 0.05, "{arrived_s} s vs lead {} s", cue.lead_s);

    // The reported angles are the computed lead aim, to the report's 0.01° resolution.
    let (pan_err, tilt_err) = watch.error_deg().unwrap();
    assert!(pan_err.abs() <= 0.011 && tilt_err.abs() <= 0.011, "{pan_err}, {tilt_err}");
    // And that aim is where the boat is on arrival; where it was at the cue is well off.
    let (bearing_then, _) = target.at(arrived_s);
    let pointed = site.heading_offset_deg + cue.pan_deg + pan_err;
    assert!(angle_diff_deg(bearing_then, pointed).abs() < watch.tolerance_deg());
    assert!(angle_diff_deg(target.bearing_deg, pointed).abs() > 3.0 * watch.tolerance_deg());

    // Zoom finishes within the lens travel time and frames the boat as computed.
    let mut zoom = 0.0;
    while server.time_s() < head_config.zoom_travel_s + 1.0 {
        server.step(dt_s);
        zoom = link.query_pose().await.unwrap().zoom;
        if (zoom - cue.zoom).abs() < 1e-4 {
            break;
        }
    }
    assert!((zoom - cue.zoom).abs() < 1e-4, "zoom {zoom} vs {}", cue.zoom);
    assert!(cue.zoom > 0.0 && cue.zoom < 1.0);
}

#[tokio::test]
async fn a_lat_lon_cue_points_where_the_bearing_cue_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/calibration/taipa-west.toml");
    let site = SiteCalibration::from_path(&path).unwrap().pose;
    let cuer = SlewToCue::try_new(site, CueConfig::default()).unwrap();
    // A point 1.8 km from the mast on true 200°, by the main crate's geodesy.
    let (lat, lon) = seawarden::geodesy::destination(site.lat, site.lon, 200.0, 1_800.0);
    let target = Target::from_lat_lon(&site, lat, lon, 0.0, 0.0);
    let server = SimHeadServer::bind("127.0.0.1:0", Head::try_new(HeadConfig::default()).unwrap()).await.unwrap();
    let mut link = connect_tcp(server.local_addr(), 1).await.unwrap();
    let cue = cuer.aim(link.query_pose().await.unwrap(), &target).unwrap();
    assert!((cue.bearing_deg - 200.0).abs() < 0.01, "{cue:?}");
    assert!((cue.range_m - 1_800.0).abs() < 1.0, "{cue:?}");
    link.send(&cue.commands().unwrap()).await.unwrap();
    let mut watch = cuer.watch(&cue);
    while !watch.is_on_target() {
        server.step(0.05);
        link.query_pose_with(|c| {
            watch.observe(c);
        })
        .await
        .unwrap();
        assert!(server.time_s() < 10.0);
    }
}

/// The edge node end to end: a `slew_to_cue` command over MQTT steers the `[ptz]` head (the
/// simulated one, speaking Pelco-P over TCP, moving in real time here) onto the bearing, and
/// the node's status reports the head on target; a malformed command is counted, not fatal.
mod node_cue {
    use std::process::Command;
    use std::time::Duration;

    use seawarden::bus::msg::{Command as Cmd, CommandMsg};
    use seawarden::bus::{self, Publish, topic};

    use super::*;
    use crate::bus::{Mosquitto, listener_opts, spawn_edge, start_listener, wait_until_async};

    fn statuses(path: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["topic"] == "seawarden/v1/node/taipa-west/status")
            .map(|v| v["payload"].clone())
            .collect()
    }

    fn ptz_entry(status: &serde_json::Value) -> Option<serde_json::Value> {
        status["sensors"].as_array()?.iter().find(|s| s["name"] == "ptz").cloned()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slew_to_cue_command_brings_the_head_on_target_and_bad_commands_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let cal_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/calibration/taipa-west.toml");
        let site = SiteCalibration::from_path(&cal_path).unwrap().pose;
        let server = std::sync::Arc::new(
            SimHeadServer::bind("127.0.0.1:0", Head::try_new(HeadConfig::default()).unwrap()).await.unwrap(),
        );
        // The head moves in real time: 10 ms steps.
        let stepper = {
            let s = server.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(10));
                loop {
                    tick.tick().await;
                    s.step(0.01);
                }
            })
        };
        let broker = Mosquitto::start(dir.path(), "");
        let out = dir.path().join("heard.jsonl");
        let (stop, listener) = start_listener(listener_opts(&broker.url(), "console-ptz"), &out).await;
        let cfg = dir.path().join("node.toml");
        std::fs::write(
            &cfg,
            format!(
                "site = \"taipa-west\"\ndata_dir = \"{}\"\n[broker]\nurl = \"{}\"\nkeep_alive_s = 2\n\
                 [intervals]\nstatus_ms = 200\n[anomaly]\nenabled = false\n\
                 [[input]]\nkind = \"nmea\"\nurl = \"udp://127.0.0.1:0\"\nname = \"ais\"\n\
                 [ptz]\nurl = \"tcp://{}\"\nprotocol = \"pelco-p\"\naddress = 1\ncalibration = \"{}\"\npoll_ms = 50\n",
                dir.path().join("data").display(),
                broker.url(),
                server.local_addr(),
                cal_path.display()
            ),
        )
        .unwrap();
        let mut edge = spawn_edge(&cfg, &dir.path().join("edge.log"));
        wait_until_async("the PTZ head up in the status", Duration::from_secs(30), || {
            statuses(&out).iter().filter_map(ptz_entry).any(|p| p["state"] == "up")
        })
        .await;

        let (h, l) = bus::bus(listener_opts(&broker.url(), "console-cmd"), 8).unwrap();
        let bus_stop = tokio_util::sync::CancellationToken::new();
        let bus_task = tokio::spawn(l.run(bus_stop.clone()));
        wait_until_async("the console's connection", Duration::from_secs(20), || h.is_connected()).await;
        let send = |payload: Vec<u8>| {
            let h = h.clone();
            async move {
                h.publish(Publish {
                    topic: topic::cmd("taipa-west"),
                    qos: rumqttc::QoS::AtLeastOnce,
                    retain: false,
                    payload,
                })
                .await
                .unwrap();
            }
        };
        send(br#"{"schema": "seawarden.cmd/1", "command": "slew_to_cue", "bearing_deg": "north"}"#.to_vec()).await;
        send(b"\xff not json".to_vec()).await;
        let cmd = CommandMsg {
            schema: "seawarden.cmd/1".into(),
            site: "taipa-west".into(),
            id: "cmd-1".into(),
            time: 1_800_000_000.0,
            command: Cmd::SlewToCue { bearing_deg: 200.0, range_m: Some(1_800.0), track_id: Some("7".into()) },
        };
        send(serde_json::to_vec(&cmd).unwrap()).await;

        wait_until_async("the head on target in the status", Duration::from_secs(30), || {
            statuses(&out).iter().filter_map(ptz_entry).any(|p| p["state"] == "on_target" && p["lines"] == 1)
        })
        .await;
        // The head points at the cued bearing (pan = bearing − the site's heading offset).
        let want_pan = (200.0 - site.heading_offset_deg).rem_euclid(360.0);
        let pose = server.pose();
        assert!(angle_diff_deg(pose.pan_deg, want_pan).abs() < 0.2, "pan {} vs {want_pan}", pose.pan_deg);
        assert!(pose.tilt_deg < 0.0, "looking down at the sea: {pose:?}");
        assert!(pose.zoom > 0.0, "zoomed in for 1.8 km: {pose:?}");
        // The two bad payloads were counted; the node is still online.
        wait_until_async("the rejected commands counted", Duration::from_secs(10), || {
            statuses(&out).last().is_some_and(|s| s["bus"]["rejected"].as_u64() >= Some(2) && s["state"] == "online")
        })
        .await;
        assert!(edge.0.as_mut().unwrap().try_wait().unwrap().is_none(), "the node stopped");
        let pid = edge.0.as_ref().unwrap().id();
        assert!(Command::new("kill").arg("-TERM").arg(pid.to_string()).status().unwrap().success());
        let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(30)));
        assert!(st.success(), "edge exit {st}");
        let log = std::fs::read_to_string(dir.path().join("edge.log")).unwrap();
        assert!(log.contains("PTZ on target"), "{log}");
        bus_stop.cancel();
        let _ = bus_task.await;
        stop.cancel();
        listener.await.unwrap();
        stepper.abort();
    }
}
