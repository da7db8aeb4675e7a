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
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use firmware_bridge::head::HeadPose;
    use seawarden::bus::client::now_s;

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

    /// A node with only an AIS input (on UDP `ais_port`, 0 = idle) and the simulated head as
    /// its `[ptz]`.
    fn node_toml(
        dir: &Path,
        broker_url: &str,
        head: std::net::SocketAddr,
        cal_path: &Path,
        ais_port: u16,
    ) -> std::path::PathBuf {
        let cfg = dir.join("node.toml");
        std::fs::write(
            &cfg,
            format!(
                "site = \"taipa-west\"\ndata_dir = \"{}\"\n[broker]\nurl = \"{}\"\nkeep_alive_s = 2\n\
                 [intervals]\nstatus_ms = 200\n[anomaly]\nenabled = false\n\
                 [[input]]\nkind = \"nmea\"\nurl = \"udp://127.0.0.1:{ais_port}\"\nname = \"ais\"\n\
                 [ptz]\nurl = \"tcp://{}\"\nprotocol = \"pelco-p\"\naddress = 1\ncalibration = \"{}\"\npoll_ms = 50\n",
                dir.join("data").display(),
                broker_url,
                head,
                cal_path.display()
            ),
        )
        .unwrap();
        cfg
    }

    /// (Unix time, head pose) after every step of a [`wall_clock_head`].
    type History = Arc<Mutex<Vec<(f64, HeadPose)>>>;

    /// The simulated head stepped by the wall clock's elapsed time (so its clock is the node's,
    /// however late the ticks), recording its pose after every step.
    async fn wall_clock_head() -> (Arc<SimHeadServer>, History, tokio::task::JoinHandle<()>) {
        let server =
            Arc::new(SimHeadServer::bind("127.0.0.1:0", Head::try_new(HeadConfig::default()).unwrap()).await.unwrap());
        let history: History = Arc::default();
        let (s, h) = (server.clone(), history.clone());
        let stepper = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            let mut last = std::time::Instant::now();
            loop {
                tick.tick().await;
                let now = std::time::Instant::now();
                s.step((now - last).as_secs_f64());
                last = now;
                h.lock().unwrap().push((now_s(), s.pose()));
            }
        });
        (server, history, stepper)
    }

    /// When the head arrived where it is now (the first step that reached its final pose), and
    /// that pose.
    fn arrival(server: &SimHeadServer, history: &History) -> (f64, HeadPose) {
        let last = server.pose();
        let arrived_s = history
            .lock()
            .unwrap()
            .iter()
            .find(|(_, p)| angle_diff_deg(p.pan_deg, last.pan_deg).abs() < 1e-9 && p.tilt_deg == last.tilt_deg)
            .map(|(t, _)| *t)
            .unwrap();
        (arrived_s, last)
    }

    /// The node's log without colour escapes.
    fn plain_log(path: &Path) -> String {
        let log = std::fs::read_to_string(path).unwrap_or_default();
        let mut plain = String::with_capacity(log.len());
        let mut chars = log.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                chars.by_ref().find(|c| *c == 'm');
            } else {
                plain.push(c);
            }
        }
        plain
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
        let cfg = node_toml(dir.path(), &broker.url(), server.local_addr(), &cal_path, 0);
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
            command: Cmd::SlewToCue {
                bearing_deg: 200.0,
                range_m: Some(1_800.0),
                track_id: Some("7".into()),
                sog_kn: None,
                cog_deg: None,
                fix_time: None,
            },
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

    /// Lead end to end: a boat crossing at 25 kn 800 m out, cued with the speed, course and
    /// 3-s-old fix time the console has (its track id unknown to the node, so the command's
    /// velocity is used). The head must end on where the boat is when the head arrives (within
    /// 0.3°, the on-target tolerance at that range), which is ~5° from the commanded bearing and
    /// ~2.5° from where the boat is when the cue is sent: without lead this fails. The head is
    /// stepped by the wall clock's elapsed time, so its clock is the node's.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_moving_target_cued_with_velocity_is_centred_where_it_is_on_arrival() {
        let dir = tempfile::tempdir().unwrap();
        let cal_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/calibration/taipa-west.toml");
        let site = SiteCalibration::from_path(&cal_path).unwrap().pose;
        let (server, history, stepper) = wall_clock_head().await;
        let broker = Mosquitto::start(dir.path(), "");
        let out = dir.path().join("heard.jsonl");
        let (stop, listener) = start_listener(listener_opts(&broker.url(), "console-ptz-lead"), &out).await;
        let cfg = node_toml(dir.path(), &broker.url(), server.local_addr(), &cal_path, 0);
        let _edge = spawn_edge(&cfg, &dir.path().join("edge.log"));
        wait_until_async("the PTZ head up in the status", Duration::from_secs(30), || {
            statuses(&out).iter().filter_map(ptz_entry).any(|p| p["state"] == "up")
        })
        .await;
        let (h, l) = bus::bus(listener_opts(&broker.url(), "console-cmd-lead"), 8).unwrap();
        let bus_stop = tokio_util::sync::CancellationToken::new();
        let bus_task = tokio::spawn(l.run(bus_stop.clone()));
        wait_until_async("the console's connection", Duration::from_secs(20), || h.is_connected()).await;

        let (sog_kn, cog_deg) = (25.0, 290.0);
        let sent_s = now_s();
        let fix_time = sent_s - 3.0;
        // The boat as of its fix: 800 m out on true 200°, crossing the line of sight.
        let boat = Target::from_course(200.0, 800.0, sog_kn * 1_852.0 / 3_600.0, cog_deg);
        let cmd = CommandMsg {
            schema: "seawarden.cmd/1".into(),
            site: "taipa-west".into(),
            id: "cmd-lead".into(),
            time: sent_s,
            command: Cmd::SlewToCue {
                bearing_deg: boat.bearing_deg,
                range_m: Some(boat.range_m),
                track_id: Some("console-only".into()),
                sog_kn: Some(sog_kn),
                cog_deg: Some(cog_deg),
                fix_time: Some(fix_time),
            },
        };
        let payload = serde_json::to_vec(&cmd).unwrap();
        h.publish(Publish { topic: topic::cmd("taipa-west"), qos: rumqttc::QoS::AtLeastOnce, retain: false, payload })
            .await
            .unwrap();
        wait_until_async("the head on target in the status", Duration::from_secs(30), || {
            statuses(&out).iter().filter_map(ptz_entry).any(|p| p["state"] == "on_target" && p["lines"] == 1)
        })
        .await;

        let (arrived_s, last) = arrival(&server, &history);
        let pointed = site.heading_offset_deg + last.pan_deg;
        let (bearing_then, _) = boat.at(arrived_s - fix_time);
        let (bearing_at_cue, _) = boat.at(sent_s - fix_time);
        let err = angle_diff_deg(bearing_then, pointed);
        eprintln!(
            "on arrival: pointing error {err:.3}°; the boat moved {:.2}° since the cue",
            bearing_then - bearing_at_cue
        );
        assert!(err.abs() < 0.3, "pointed {pointed}° vs the boat at {bearing_then}° on arrival ({err}°)");
        assert!(angle_diff_deg(bearing_at_cue, pointed).abs() > 1.5, "{bearing_at_cue} vs {pointed}");
        assert!(angle_diff_deg(boat.bearing_deg, pointed).abs() > 4.0, "{} vs {pointed}", boat.bearing_deg);
        // The node says where the motion came from.
        let log = plain_log(&dir.path().join("edge.log"));
        assert!(log.contains("motion=\"command\""), "{log}");

        bus_stop.cancel();
        let _ = bus_task.await;
        stop.cancel();
        listener.await.unwrap();
        stepper.abort();
    }

    /// A boat reporting exact AIS positions to the node at 2 Hz: 1.5 km out on true 200° at
    /// `t0`, crossing at 25 kn on 290°.
    #[derive(Debug, Clone, Copy)]
    struct Boat {
        t0: f64,
        lat0: f64,
        lon0: f64,
    }

    impl Boat {
        const MMSI: u32 = 412_345_678;
        const SOG_KN: f64 = 25.0;
        const COG_DEG: f64 = 290.0;

        /// Position at Unix time `t`.
        fn at(&self, t: f64) -> (f64, f64) {
            let run_m = Self::SOG_KN * 1_852.0 / 3_600.0 * (t - self.t0);
            seawarden::geodesy::destination(self.lat0, self.lon0, Self::COG_DEG, run_m)
        }

        /// True bearing from the mast at Unix time `t`.
        fn bearing_from(&self, site: &calibration::SitePose, t: f64) -> f64 {
            let (lat, lon) = self.at(t);
            Target::from_lat_lon(site, lat, lon, 0.0, 0.0).bearing_deg
        }
    }

    /// Sends the boat's AIS reports to `port` every 500 ms until aborted.
    fn send_ais(boat: Boat, port: u16) -> tokio::task::JoinHandle<()> {
        use seawarden::sim::ais_encode::{PositionA, vdm_sentences};
        tokio::spawn(async move {
            let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            loop {
                let t = now_s();
                let (lat, lon) = boat.at(t);
                let report = PositionA {
                    mmsi: Boat::MMSI,
                    status: 0,
                    rot_deg_per_min: Some(0.0),
                    sog_kn: Some(Boat::SOG_KN),
                    accurate: true,
                    lat,
                    lon,
                    cog_deg: Some(Boat::COG_DEG),
                    heading_deg: Some(Boat::COG_DEG as u16),
                    second: (t as u64 % 60) as u8,
                };
                for line in vdm_sentences(&report.encode(), 'A', 0) {
                    sock.send_to(format!("{line}\r\n").as_bytes(), ("127.0.0.1", port)).await.unwrap();
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    }

    /// Cues the node's track of a [`Boat`] by id (with a stale bearing 20° off and no
    /// velocity). Returns the pointing error on arrival, how far the boat's bearing moved from
    /// the cue to the arrival, degrees, and the node's log.
    async fn cue_a_tracked_boat() -> (f64, f64, String) {
        let dir = tempfile::tempdir().unwrap();
        let cal_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/calibration/taipa-west.toml");
        let site = SiteCalibration::from_path(&cal_path).unwrap().pose;
        let (server, history, stepper) = wall_clock_head().await;
        let broker = Mosquitto::start(dir.path(), "");
        let out = dir.path().join("heard.jsonl");
        let (stop, listener) = start_listener(listener_opts(&broker.url(), "console-ptz-track"), &out).await;
        let ais_port = std::net::UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cfg = node_toml(dir.path(), &broker.url(), server.local_addr(), &cal_path, ais_port);
        let _edge = spawn_edge(&cfg, &dir.path().join("edge.log"));
        wait_until_async("the PTZ head up in the status", Duration::from_secs(30), || {
            statuses(&out).iter().filter_map(ptz_entry).any(|p| p["state"] == "up")
        })
        .await;

        let (lat0, lon0) = seawarden::geodesy::destination(site.lat, site.lon, 200.0, 1_500.0);
        let t0 = now_s();
        let boat = Boat { t0, lat0, lon0 };
        let ais = send_ais(boat, ais_port);
        // The node's track of the boat, once it is published with a settled speed.
        let mut track_id = None;
        wait_until_async("the node's track of the boat", Duration::from_secs(30), || {
            track_id = std::fs::read_to_string(&out)
                .unwrap_or_default()
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter(|v| v["topic"] == "seawarden/v1/node/taipa-west/tracks")
                .flat_map(|v| v["payload"]["tracks"].as_array().cloned().unwrap_or_default())
                .filter(|t| t["mmsi"] == Boat::MMSI && (t["sog_kn"].as_f64().unwrap_or(0.0) - Boat::SOG_KN).abs() < 1.0)
                .filter_map(|t| t["track_id"].as_str().map(str::to_owned))
                .last();
            track_id.is_some() && now_s() - t0 > 4.0
        })
        .await;

        let (h, l) = bus::bus(listener_opts(&broker.url(), "console-cmd-track"), 8).unwrap();
        let bus_stop = tokio_util::sync::CancellationToken::new();
        let bus_task = tokio::spawn(l.run(bus_stop.clone()));
        wait_until_async("the console's connection", Duration::from_secs(20), || h.is_connected()).await;
        let sent_s = now_s();
        let cmd = CommandMsg {
            schema: "seawarden.cmd/1".into(),
            site: "taipa-west".into(),
            id: "cmd-track".into(),
            time: sent_s,
            command: Cmd::SlewToCue {
                bearing_deg: 180.0,
                range_m: Some(1_000.0),
                track_id: track_id.clone(),
                sog_kn: None,
                cog_deg: None,
                fix_time: None,
            },
        };
        let payload = serde_json::to_vec(&cmd).unwrap();
        h.publish(Publish { topic: topic::cmd("taipa-west"), qos: rumqttc::QoS::AtLeastOnce, retain: false, payload })
            .await
            .unwrap();
        wait_until_async("the head on target in the status", Duration::from_secs(30), || {
            statuses(&out).iter().filter_map(ptz_entry).any(|p| p["state"] == "on_target" && p["lines"] == 1)
        })
        .await;

        let (arrived_s, last) = arrival(&server, &history);
        let pointed = site.heading_offset_deg + last.pan_deg;
        let (bearing_then, bearing_at_cue) = (boat.bearing_from(&site, arrived_s), boat.bearing_from(&site, sent_s));
        let err = angle_diff_deg(bearing_then, pointed);
        let moved = angle_diff_deg(bearing_then, bearing_at_cue);
        eprintln!("on arrival: pointing error {err:.3}°; the boat moved {moved:.2}° since the cue");
        ais.abort();
        bus_stop.cancel();
        let _ = bus_task.await;
        stop.cancel();
        listener.await.unwrap();
        stepper.abort();
        (err, moved, plain_log(&dir.path().join("edge.log")))
    }

    /// Lead from the node's own tracker: a boat reporting AIS to the node is cued by its track
    /// id with a stale bearing 20° off and no velocity. The node must take the track's freshest
    /// fix and velocity from its tracker and end on where the boat is when the head arrives
    /// (within 0.3° = 8 m at 1.5 km), over a degree from where it was when the cue was sent.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cue_naming_a_tracked_boat_leads_it_from_the_nodes_own_fix() {
        let (err, moved, log) = cue_a_tracked_boat().await;
        assert!(err.abs() < 0.3, "pointing error on arrival {err}°");
        assert!(moved.abs() > 1.0, "the boat moved only {moved}°: the test cannot tell lead from none");
        assert!(log.contains("motion=\"track\""), "{log}");
        assert!(!log.contains("re-aiming"), "{log}");
    }
}
