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
