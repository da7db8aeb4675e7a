//! Headless UI tests with `egui_kittest`: real clicks on the real layout, no window.

use eframe::egui::{self, PointerButton, Pos2, Rect, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::alerts::AlertState;
use super::app::ConsoleApp;
use super::feed::Feed;
use super::synth;
use super::tracks::TrackKey;
use crate::audit::{AuditLog, PasswordCost, Role};

fn app(tracks: usize, alerts: usize) -> ConsoleApp {
    let mut a = ConsoleApp::macau(Feed::None).unwrap();
    for m in synth::picture(tracks, 4, alerts, 11) {
        a.ingest(&m);
    }
    a
}

fn harness(app: ConsoleApp, size: [f32; 2]) -> Harness<'static, ConsoleApp> {
    let mut h =
        Harness::builder().with_size(vec2(size[0], size[1])).build_ui_state(|ui, app: &mut ConsoleApp| app.ui(ui), app);
    h.run_steps(3);
    h
}

fn click_at(h: &mut Harness<'_, ConsoleApp>, p: Pos2) {
    h.event(egui::Event::PointerMoved(p));
    h.step();
    let ev = |pressed| egui::Event::PointerButton {
        pos: p,
        button: PointerButton::Primary,
        pressed,
        modifiers: Default::default(),
    };
    h.event(ev(true));
    h.step();
    h.event(ev(false));
    h.run_steps(2);
}

/// A track well inside the map, away from others, to click on.
fn clickable_track(app: &ConsoleApp) -> (TrackKey, Pos2) {
    let inner = app.map.rect.shrink(80.0);
    let pts: Vec<(TrackKey, Pos2)> = app
        .picture
        .tracks
        .iter()
        .filter_map(|t| app.map.screen_of(t.position()).map(|p| (t.key.clone(), p)))
        .filter(|(_, p)| inner.contains(*p))
        .collect();
    pts.iter()
        .find(|(k, p)| pts.iter().all(|(k2, p2)| k2 == k || (*p2 - *p).length() > 30.0))
        .cloned()
        .expect("an isolated track on screen")
}

#[test]
fn clicking_a_track_on_the_map_selects_it_and_shows_its_details() {
    let mut h = harness(app(40, 0), [1920.0, 1080.0]);
    let (key, p) = clickable_track(h.state());
    assert!(h.query_by_label("Click a track on the map.").is_some());
    click_at(&mut h, p);
    assert_eq!(h.state().selected.as_ref(), Some(&key));
    let label = h.state().picture.tracks.get(&key).unwrap().label();
    assert!(h.query_by_label(&label).is_some(), "details panel shows {label}");
    assert!(h.query_by_label(&key.to_string()).is_some());
    // Clicking open water clears it.
    let water = h.state().map.rect.left_top() + vec2(40.0, 40.0);
    let near = h
        .state()
        .picture
        .tracks
        .iter()
        .any(|t| h.state().map.screen_of(t.position()).is_some_and(|q| (q - water).length() < 20.0));
    if !near {
        click_at(&mut h, water);
        assert_eq!(h.state().selected, None);
    }
}

#[test]
fn acknowledging_an_alert_is_audited_and_jumps_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::open_with_cost(dir.path().join("audit.db"), PasswordCost::FOR_TESTS).unwrap();
    log.add_user(None, "ana", Role::Operator, "correct horse").unwrap();
    let mut a = app(60, 6);
    a.require_login(log);
    let mut h = harness(a, [1920.0, 1080.0]);
    // Login screen first.
    assert!(h.query_by_label("Log in").is_some());
    assert!(h.query_by_label("Alert queue").is_none());
    for (field, text) in [("User", "ana"), ("Password", "correct horse")] {
        h.get_by_label(field).focus();
        h.step();
        h.get_by_label(field).type_text(text);
        h.step();
    }
    h.get_by_label("Log in").click();
    h.run_steps(3);
    assert!(h.state().operator.is_some(), "logged in: {:?}", h.state().login.as_ref().and_then(|l| l.error.clone()));
    // The most urgent alert is first; click it.
    let first = h.state().picture.alerts.sorted(false)[0].alert.clone();
    assert_eq!(first.severity, crate::alert::Severity::Critical);
    h.get_by_label_contains(&format!("{}/{}", first.site, first.track_id)).click();
    h.run_steps(3);
    assert_eq!(h.state().selected_alert.as_ref(), Some(&first.id));
    let centre = h.state().map.view.unwrap().centre;
    assert!((centre.lat_deg - first.lat).abs() < 1e-9 && (centre.lon_deg - first.lon).abs() < 1e-9, "map jumped");
    assert!(h.query_by_label(&first.reasons[0].rule).is_some(), "reasons shown");
    h.get_by_label("Acknowledge").click();
    h.run_steps(3);
    assert_eq!(h.state().picture.alerts.get(&first.id).unwrap().state, AlertState::Acknowledged);
    let rows = h.state().operator.as_ref().unwrap().log.rows(0, i64::MAX).unwrap();
    let actions: Vec<String> = rows.iter().map(|r| format!("{} {}", r.actor, r.action)).collect();
    assert!(actions.iter().any(|a| a == "ana acknowledge"), "{actions:?}");
    assert!(actions.iter().any(|a| a == "ana alert_state"), "{actions:?}");
    // An operator may not close as intercepted: the log refuses and records the refusal.
    let r = h.state_mut().act(&first.id, super::alerts::WorkflowAction::Close(crate::audit::Outcome::Intercepted));
    assert!(r.is_err());
    assert!(h.state().picture.alerts.get(&first.id).unwrap().state.is_open());
    assert!(h.state().operator.as_ref().unwrap().log.verify().unwrap().ok());
}

#[test]
fn the_dark_only_filter_hides_identified_tracks() {
    let mut h = harness(app(300, 0), [1920.0, 1080.0]);
    let before = h.state().map.drawn;
    assert!(before > 50, "{before}");
    h.get_by_label("dark targets only").click();
    h.run_steps(3);
    let s = h.state();
    assert!(s.filter.dark_only);
    let rect: Rect = s.map.rect.expand(30.0);
    let expect = s
        .picture
        .tracks
        .iter()
        .filter(|t| t.dark && s.map.screen_of(t.position()).is_some_and(|p| rect.contains(p)))
        .count();
    assert!(expect > 0 && expect < before);
    assert_eq!(s.map.drawn, expect);
}

#[test]
fn replay_is_marked_and_refuses_actions() {
    let envs = vec![];
    let r =
        crate::bus::replay::Replayer::from_envelopes(envs, 0, 1, 1.0, crate::bus::replay::ManualClock::at(0)).unwrap();
    let mut a = app(10, 2);
    a.feed = Feed::Replay(r.spawn(4));
    let id = a.picture.alerts.sorted(false)[0].alert.id.clone();
    let mut h = harness(a, [1366.0, 768.0]);
    assert!(h.query_by_label(" REPLAY ").is_some());
    assert!(h.state_mut().act(&id, super::alerts::WorkflowAction::Acknowledge).is_err());
}

#[test]
fn the_layout_fits_1366_by_768() {
    let mut h = harness(app(100, 8), [1366.0, 768.0]);
    let first = h.state().picture.alerts.sorted(false)[0].alert.clone();
    h.get_by_label_contains(&format!("{}/{}", first.site, first.track_id)).click();
    h.run_steps(3);
    let screen = Rect::from_min_size(Pos2::ZERO, vec2(1366.0, 768.0));
    for b in ["Acknowledge", "Escalate", "Assign", "Dismiss", "Close"] {
        let r = h.get_by_label(b).rect();
        assert!(screen.contains_rect(r), "{b} at {r:?} is off screen");
    }
    let map = h.state().map.rect;
    assert!(map.width() > 600.0 && map.height() > 600.0, "map {map:?}");
}

// ---- drone tasking, IR snapshots, replay controls, clock offset, track details ----

use super::feed::Inbound;
use crate::alert::{Alert, AlertId, AlertKind, Evidence, Reason, Severity};
use crate::bus::msg::{AlertMsg, StatusMsg, TrackReport, TracksMsg};
use crate::bus::topic;

/// Epoch seconds of the crafted messages (2026-12-01 22:00 UTC: night).
const T0: f64 = 1_796_162_400.0;

fn alert_in(site: &str, track: &str, kind: AlertKind, lat: f64, lon: f64, evidence: Vec<Evidence>) -> Inbound {
    let a = Alert {
        time: T0,
        id: AlertId::derive(site, track, kind, T0),
        site: site.into(),
        kind,
        severity: Severity::High,
        track_id: track.into(),
        lat,
        lon,
        mmsi: None,
        reasons: vec![Reason { rule: "test_rule".into(), value: 2.0, threshold: 1.0 }],
        evidence,
        update: 0,
    };
    Inbound {
        topic: topic::alerts(site),
        payload: serde_json::to_vec(&AlertMsg::new(a, Some(T0))).unwrap(),
        received_s: T0,
    }
}

fn logged_in(a: &mut ConsoleApp, dir: &std::path::Path) {
    let log = AuditLog::open_with_cost(dir.join("audit.db"), PasswordCost::FOR_TESTS).unwrap();
    log.add_user(None, "ana", Role::Operator, "correct horse").unwrap();
    let session = log.login("ana", "correct horse").unwrap();
    a.operator = Some(super::app::Operator { log, session });
}

/// Select the only alert, pick `team` in the assign box and press Assign.
fn assign_via_ui(h: &mut Harness<'_, ConsoleApp>, id: &AlertId, team: &str) {
    let e = h.state().picture.alerts.get(id).unwrap().alert.clone();
    h.get_by_label_contains(&format!("{}/{}", e.site, e.track_id)).click();
    h.run_steps(3);
    // The assign box shows the unit chosen last as its value.
    let ids: Vec<String> = h.state().units.units.iter().map(|u| u.id.clone()).collect();
    let current = ids.iter().find(|u| h.query_by_value(u).is_some()).expect("the assign box");
    h.get_by_value(current).click();
    h.run_steps(2);
    h.get_by_label_contains(&format!("{team} (")).click();
    h.run_steps(2);
    h.get_by_label("Assign").click();
    h.run_steps(3);
}

#[test]
fn assigning_a_distress_alert_to_a_drone_team_plans_a_search_audits_and_exports_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = ConsoleApp::macau(Feed::None).unwrap();
    logged_in(&mut a, dir.path());
    // A person in the water south-west of Coloane: Cheoc Van's drones can reach it.
    let m = alert_in("cheoc-van", "9", AlertKind::Distress, 22.100, 113.550, vec![]);
    a.ingest(&m);
    let id = a.picture.alerts.sorted(false)[0].alert.id.clone();
    let mut h = harness(a, [1920.0, 1080.0]);
    assign_via_ui(&mut h, &id, "dt-cheoc-van");
    let s = h.state();
    assert_eq!(s.picture.alerts.get(&id).unwrap().state, AlertState::Assigned("dt-cheoc-van".into()), "{:?}", s.notice);
    let p = s.missions.last.as_ref().expect("a mission was planned");
    assert_eq!(p.mission.pattern, "expanding-square");
    assert_eq!(p.msg.waypoints.len(), crate::tasking::drone::SEARCH_LEGS + 1);
    assert_eq!(p.msg.alert_id.as_deref(), Some(id.as_str()));
    assert!(!p.sent, "no bus in this test");
    assert!(s.notice.as_deref().unwrap_or("").contains("not connected"), "{:?}", s.notice);
    let rows = s.operator.as_ref().unwrap().log.rows(0, i64::MAX).unwrap();
    let acts: Vec<String> = rows.iter().map(|r| format!("{} {}", r.actor, r.action)).collect();
    assert!(acts.iter().any(|x| x == "ana assign") && acts.iter().any(|x| x == "ana task_drone"), "{acts:?}");
    // Export the mission into a folder.
    let out = dir.path().join("missions");
    h.state_mut().missions.export_dir = out.display().to_string();
    h.run_steps(2);
    h.get_by_label("Export mission…").click();
    h.run_steps(3);
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let exts: Vec<&str> = names.iter().filter_map(|n| n.rsplit('.').next()).collect();
    assert_eq!(exts, vec!["cot", "kml", "plan", "waypoints"], "{names:?}");
    let plan = names.iter().find(|n| n.ends_with(".plan")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join(plan)).unwrap()).unwrap();
    assert_eq!(v["fileType"], "Plan");
    assert!(h.state().operator.as_ref().unwrap().log.verify().unwrap().ok());
}

#[test]
fn a_drone_mission_into_the_no_fly_zone_is_refused_and_the_reason_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = ConsoleApp::macau(Feed::None).unwrap();
    logged_in(&mut a, dir.path());
    // A fast craft off the airport runway: any drone leg there enters the airport zone.
    a.ingest(&alert_in("long-chao-kok", "4", AlertKind::NightFastCraft, 22.16, 113.60, vec![]));
    let id = a.picture.alerts.sorted(false)[0].alert.id.clone();
    let mut h = harness(a, [1366.0, 768.0]);
    assign_via_ui(&mut h, &id, "dt-cheoc-van");
    let s = h.state();
    assert_eq!(s.picture.alerts.get(&id).unwrap().state, AlertState::New, "a refused mission assigns nothing");
    assert!(s.missions.last.is_none());
    let why = s.missions.refusal.as_ref().map(|r| r.1.clone()).unwrap_or_default();
    assert!(why.contains("no-fly zone"), "{why}");
    assert!(h.query_by_label_contains("Mission refused:").is_some(), "the reason is on screen");
    let rows = h.state().operator.as_ref().unwrap().log.rows(0, i64::MAX).unwrap();
    assert!(rows.iter().any(|r| r.action == "task_drone" && r.detail.contains("refused")), "refusal audited");
    assert!(!rows.iter().any(|r| r.action == "assign"), "nothing assigned");
}

#[test]
fn an_alerts_ir_snapshot_is_decoded_and_shown_in_the_details() {
    let uri = super::snapshot::tests::thermal_data_uri(64, 48);
    let mut a = ConsoleApp::macau(Feed::None).unwrap();
    let ev = vec![
        Evidence { kind: "ir_snapshot".into(), uri: uri.clone() },
        Evidence { kind: "track_history".into(), uri: "hist/4.jsonl".into() },
    ];
    a.ingest(&alert_in("long-chao-kok", "4", AlertKind::DarkTarget, 22.12, 113.58, ev));
    // The alerted track, so the track details show its last snapshot too.
    let r = TrackReport {
        track_id: "4".into(),
        time: T0,
        lat: 22.12,
        lon: 113.58,
        sog_kn: 22.0,
        cog_deg: 270.0,
        ..Default::default()
    };
    let t = serde_json::to_vec(&TracksMsg::new("long-chao-kok", T0, vec![r])).unwrap();
    a.ingest(&Inbound { topic: topic::tracks("long-chao-kok"), payload: t, received_s: T0 });
    let mut h = harness(a, [1920.0, 1080.0]);
    h.get_by_label_contains("long-chao-kok/4").click();
    h.run_steps(3);
    assert!(h.query_by_label("last IR snapshot").is_some(), "track details show it");
    assert!(h.query_all_by_label("IR snapshot").count() >= 2, "as an image in both panels");
    assert_eq!(h.state().snapshots.decoded, 1, "decoded once, cached per URI");
    assert_eq!(h.state().snapshots.errors, 0);
    assert!(h.query_by_label_contains("hist/4.jsonl").is_some(), "other evidence stays text");
    // A path instead of data is shown as text, not fetched.
    let mut b = ConsoleApp::macau(Feed::None).unwrap();
    let ev = vec![Evidence { kind: "ir_snapshot".into(), uri: "snaps/a1.png".into() }];
    b.ingest(&alert_in("long-chao-kok", "5", AlertKind::DarkTarget, 22.12, 113.58, ev));
    let mut h = harness(b, [1920.0, 1080.0]);
    h.get_by_label_contains("long-chao-kok/5").click();
    h.run_steps(3);
    assert!(h.query_by_label("snaps/a1.png").is_some());
    assert_eq!(h.state().snapshots.decoded + h.state().snapshots.errors, 0);
}

/// A 10-minute recording: ka-ho's status and one track every 10 s, an alert at +5 min.
fn recording() -> Vec<crate::bus::record::Envelope> {
    let ms = |t: f64| (t * 1000.0) as i64;
    let mut out = Vec::new();
    for k in 0..=60 {
        let t = T0 + k as f64 * 10.0;
        let st =
            StatusMsg { state: crate::bus::msg::NodeState::Online, time: Some(t), ..StatusMsg::offline("cheoc-van") };
        out.push(crate::bus::record::Envelope {
            received_ms: ms(t),
            topic: topic::status("cheoc-van"),
            payload: serde_json::to_vec(&st).unwrap(),
        });
        let r = TrackReport {
            track_id: "1".into(),
            time: t,
            lat: 22.12 + k as f64 * 1e-4,
            lon: 113.55,
            sog_kn: 8.0,
            cog_deg: 0.0,
            ..Default::default()
        };
        out.push(crate::bus::record::Envelope {
            received_ms: ms(t) + 1,
            topic: topic::tracks("cheoc-van"),
            payload: serde_json::to_vec(&TracksMsg::new("cheoc-van", t, vec![r])).unwrap(),
        });
        if k == 30 {
            let mut a = alert_in("cheoc-van", "1", AlertKind::Loitering, 22.123, 113.55, vec![]);
            a.received_s = t;
            out.push(crate::bus::record::Envelope { received_ms: ms(t) + 2, topic: a.topic, payload: a.payload });
        }
    }
    out
}

#[test]
fn replay_controls_pause_change_speed_and_seek() {
    let pb = super::playback::Playback::list(recording(), i64::MIN, i64::MAX);
    let (a0, b0) = pb.span_ms.unwrap();
    assert_eq!(b0 - a0, 600_001);
    let (before, handle) = pb.start(a0, 1.0, true).unwrap();
    assert!(before.is_empty());
    let mut a = ConsoleApp::macau(Feed::Replay(handle)).unwrap();
    a.playback = Some(pb);
    let mut h = harness(a, [1366.0, 768.0]);
    let ctl = |h: &Harness<'_, ConsoleApp>| match &h.state().feed {
        Feed::Replay(r) => r.control.clone(),
        _ => panic!("not replaying"),
    };
    assert!(h.query_by_label("Resume").is_some(), "starts paused");
    assert_eq!(h.state().replay_position_ms(), Some(a0));
    // Resume, then ×30, then pause again.
    h.get_by_label("Resume").click();
    h.run_steps(2);
    assert!(!ctl(&h).is_paused());
    h.get_by_label("×30").click();
    h.run_steps(2);
    assert_eq!(ctl(&h).speed(), 30.0);
    h.get_by_label("Pause").click();
    h.run_steps(2);
    assert!(ctl(&h).is_paused());
    // +1 min: the picture is rebuilt from the recording up to the new time, still paused at ×30.
    let p0 = h.state().replay_position_ms().unwrap();
    h.get_by_label("+1 min").click();
    h.run_steps(3);
    let p1 = h.state().replay_position_ms().unwrap();
    assert_eq!(p1, p0 + 60_000, "seeked one minute on: {:?}", h.state().notice);
    assert!(ctl(&h).is_paused() && ctl(&h).speed() == 30.0, "pause and speed survive a seek");
    let last = h.state().picture.last_rx_s;
    assert!(last * 1000.0 < p1 as f64 && last * 1000.0 >= (p1 - 10_001) as f64, "{last} vs {p1}");
    assert!(h.state().picture.alerts.sorted(true).is_empty(), "the alert is later");
    let shown = h.query_all_by_label_contains(&super::app::utc(p1 as f64 / 1000.0)).count();
    assert_eq!(shown, 2, "replay time in the replay bar and the status bar's clock");
    // Seek past the alert, then back before it: the picture follows both ways.
    h.state_mut().seek_replay(a0 + 400_000).unwrap();
    h.run_steps(2);
    assert_eq!(h.state().picture.alerts.sorted(true).len(), 1);
    assert_eq!(h.state().picture.tracks.len(), 1);
    h.state_mut().seek_replay(a0 + 120_000).unwrap();
    h.run_steps(2);
    assert!(h.state().picture.alerts.sorted(true).is_empty());
    assert_eq!(h.state().replay_position_ms(), Some(a0 + 120_000));
    // −1 min from there.
    h.get_by_label("-1 min").click();
    h.run_steps(2);
    assert_eq!(h.state().replay_position_ms(), Some(a0 + 60_000));
}

#[test]
fn node_clock_offsets_show_in_the_health_panel_with_a_warning() {
    let mut a = ConsoleApp::macau(Feed::None).unwrap();
    // ka-ho's clock is 3.5 s behind, hac-sa's 0.2 s: statuses every 5 s.
    for k in 0..6 {
        for (site, off) in [("cheoc-van", 3.5), ("long-chao-kok", 0.2)] {
            let rx = T0 + k as f64 * 5.0;
            let st = StatusMsg {
                state: crate::bus::msg::NodeState::Online,
                time: Some(rx - off),
                ..StatusMsg::offline(site)
            };
            a.ingest(&Inbound {
                topic: topic::status(site),
                payload: serde_json::to_vec(&st).unwrap(),
                received_s: rx,
            });
        }
    }
    let h = harness(a, [1920.0, 1080.0]);
    let offs: Vec<(String, Option<f64>)> =
        h.state().picture.health.iter().map(|(s, n)| (s.clone(), n.clock_offset_s)).collect();
    assert!(h.query_by_label("+3.5 s !").is_some(), "ka-ho flagged: {offs:?}");
    assert!(h.query_by_label("+0.2 s").is_some(), "hac-sa fine");
}

#[test]
fn track_details_show_the_nodes_sources_class_covariance_and_length() {
    let mut a = ConsoleApp::macau(Feed::None).unwrap();
    let r = TrackReport {
        track_id: "12".into(),
        time: T0,
        lat: 22.12,
        lon: 113.58,
        sog_kn: 30.0,
        cog_deg: 200.0,
        sources: vec!["radar".into(), "ir".into()],
        class: Some("small_craft".into()),
        cov_ne_m2: Some([400.0, 0.0, 100.0]),
        ..Default::default()
    };
    let mut v = serde_json::to_value(TracksMsg::new("long-chao-kok", T0, vec![r])).unwrap();
    v["tracks"][0]["length_m"] = serde_json::json!(9.0);
    a.ingest(&Inbound {
        topic: topic::tracks("long-chao-kok"),
        payload: serde_json::to_vec(&v).unwrap(),
        received_s: T0,
    });
    let key = TrackKey { site: "long-chao-kok".into(), id: "12".into() };
    let t = a.picture.tracks.get(&key).unwrap();
    assert_eq!(t.source, super::tracks::SourceKind::Fused);
    assert_eq!(t.class, super::tracks::VesselClass::SmallCraft);
    a.selected = Some(key);
    let h = harness(a, [1920.0, 1080.0]);
    assert!(h.query_by_label("radar, ir").is_some());
    assert!(h.query_all_by_label("small craft").count() >= 2, "the class row besides the filter's checkbox");
    // σn = 20 m, σe = 10 m: the 2σ ellipse is 40 × 20 m with its major axis north–south.
    assert!(h.query_by_label("40 × 20 m, major axis 000°T").is_some());
    assert!(h.query_by_label("9 m").is_some(), "tracker length");
}
