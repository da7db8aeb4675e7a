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
