//! Image snapshot tests with `egui_kittest`: the real console layout rendered by wgpu (Mesa's
//! lavapipe Vulkan driver on CI and headless machines, no window) and compared pixel by pixel with
//! the reference PNGs in `tests/snapshots/console/`. They catch what the interaction tests in
//! `ui_tests.rs` cannot: a panel that vanished, a colour that changed, text that overflows.
//!
//! # Updating the references
//! After a deliberate UI change:
//! ```text
//! UPDATE_SNAPSHOTS=1 cargo nextest run -E 'test(/console::ui_snapshots::/)'
//! ```
//! rewrites the references that fail (`UPDATE_SNAPSHOTS=force` rewrites all of them). Look at
//! every changed PNG before committing it. A failing run leaves `NAME.new.png` (what was drawn)
//! and `NAME.diff.png` (where it differs) next to the reference; both are git-ignored.
//!
//! # Tolerance
//! Rendering is deterministic on one machine, but another Mesa version may anti-alias edges
//! slightly differently. A pixel counts as different only when its YIQ colour distance exceeds
//! [`THRESHOLD`], and an image fails only when more than [`MAX_FAILED_PIXELS`] pixels differ:
//! far below what a visible change makes (renaming one status-bar word moved ≈ 1,100 pixels,
//! recolouring the small "sound unavailable" marker 146).

use eframe::egui::vec2;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};

use super::app::ConsoleApp;
use super::feed::Feed;
use super::sound::{Alarm, SoundState};
use super::synth;
use crate::audit::{AuditLog, PasswordCost};

/// Per-pixel YIQ distance above which a pixel counts as different (kittest's default is 0.6).
const THRESHOLD: f32 = 1.0;
/// Differing pixels allowed per image: a few anti-aliased edges, never a changed word.
const MAX_FAILED_PIXELS: usize = 100;

/// Where the references live, independent of the test's working directory.
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/console");

fn options() -> SnapshotOptions {
    SnapshotOptions::new().output_path(DIR).threshold(THRESHOLD).max_failed_pixels(MAX_FAILED_PIXELS)
}

/// The Macau console with a deterministic synthetic picture (same seed as the UI tests).
/// The alarm is silent with a fixed state: the real one would race its player thread.
fn app(tracks: usize, alerts: usize, sound: SoundState) -> ConsoleApp {
    let mut a = ConsoleApp::macau(Feed::None).expect("embedded assets");
    a.source_tag = Some("SYNTHETIC".into());
    a.alarm = Alarm::silent(sound);
    for m in synth::picture(tracks, 4, alerts, 11) {
        a.ingest(&m);
    }
    a
}

fn harness(app: ConsoleApp, size: [f32; 2]) -> Harness<'static, ConsoleApp> {
    let mut h =
        Harness::builder().with_size(vec2(size[0], size[1])).build_ui_state(|ui, app: &mut ConsoleApp| app.ui(ui), app);
    h.run_steps(4);
    h
}

fn snapshot(h: &mut Harness<'_, ConsoleApp>, name: &str) {
    h.snapshot_options(name, &options());
}

#[test]
fn main_screen_1366x768() {
    const SIZE: [f32; 2] = [1366.0, 768.0];
    let mut h = harness(app(300, 8, SoundState::Unavailable), SIZE);
    assert!(h.query_by_label("sound unavailable").is_some(), "the no-audio marker is shown");
    snapshot(&mut h, "main_1366x768");
}

#[test]
fn main_screen_1920x1080() {
    const SIZE: [f32; 2] = [1920.0, 1080.0];
    let mut h = harness(app(300, 8, SoundState::Ready), SIZE);
    snapshot(&mut h, "main_1920x1080");
}

#[test]
fn alert_selected_shows_its_reasons() {
    const SIZE: [f32; 2] = [1366.0, 768.0];
    let mut h = harness(app(120, 8, SoundState::Ready), SIZE);
    let first = h.state().picture.alerts.sorted(false)[0].alert.clone();
    h.get_by_label_contains(&format!("{}/{}", first.site, first.track_id)).click();
    h.run_steps(4);
    assert_eq!(h.state().selected_alert.as_ref(), Some(&first.id));
    assert!(h.query_by_label(&first.reasons[0].rule).is_some(), "reasons shown");
    snapshot(&mut h, "alert_selected_1366x768");
}

#[test]
fn login_screen() {
    const SIZE: [f32; 2] = [1366.0, 768.0];
    let dir = tempfile::tempdir().expect("tempdir");
    let log = AuditLog::open_with_cost(dir.path().join("audit.db"), PasswordCost::FOR_TESTS).expect("audit log");
    let mut a = app(20, 2, SoundState::Ready);
    a.require_login(log);
    let mut h = harness(a, SIZE);
    h.get_by_label("User").focus();
    h.step();
    h.get_by_label("User").type_text("ana");
    h.run_steps(3);
    snapshot(&mut h, "login_1366x768");
}
