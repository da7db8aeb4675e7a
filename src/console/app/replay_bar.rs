//! The replay bar under the map while a recording plays: pause/resume, speed ×1–×60, a time
//! slider that seeks, ±1 min steps, and the recorded time being shown.

use eframe::egui::{self, RichText, Ui};

use super::{ConsoleApp, hms, utc};
use crate::console::feed::{Feed, Inbound};
use crate::console::playback::SPEEDS;

/// The step of the "−1 min" / "+1 min" buttons, ms.
const STEP_MS: i64 = 60_000;

impl ConsoleApp {
    /// The recorded time on screen, ms since the epoch (clamped into the recording's span).
    pub fn replay_position_ms(&self) -> Option<i64> {
        let Feed::Replay(h) = &self.feed else { return None };
        let p = h.control.position_ms();
        match self.playback.as_ref().and_then(|pb| pb.span_ms) {
            Some((a, b)) => Some(p.clamp(a, b)),
            None => (p > 0).then_some(p),
        }
    }

    /// Restart the replay at `at_ms`: a fresh picture built from every record before it, then the
    /// paced replay from there, keeping the speed and pause state.
    ///
    /// # Errors
    /// Not replaying a recording, or the recording cannot be read.
    pub fn seek_replay(&mut self, at_ms: i64) -> Result<(), String> {
        let Some(pb) = self.playback.clone() else { return Err("seek needs a recording".into()) };
        let (speed, paused) = match &self.feed {
            Feed::Replay(h) => (h.control.speed(), h.control.is_paused()),
            _ => return Err("not replaying".into()),
        };
        let at = match pb.span_ms {
            Some((a, b)) => at_ms.clamp(a, b),
            None => at_ms,
        };
        // Stop the old replay first: its thread must not race the new one into the picture.
        self.feed = Feed::None;
        let (before, handle) = pb.start(at, speed, paused).map_err(|e| e.to_string())?;
        self.picture.clear();
        self.replay_done = None;
        // The new replay is the feed before the past is applied, so nothing in it counts as live
        // (no alarm, no audit rows); its own messages only arrive at the next frame's drain.
        self.feed = Feed::Replay(handle);
        for e in before {
            self.ingest(&Inbound::from(e));
        }
        self.seek_drag_s = None;
        Ok(())
    }

    pub(super) fn replay_bar(&mut self, ui: &mut Ui) {
        let Feed::Replay(h) = &self.feed else { return };
        let ctl = h.control.clone();
        let mut seek = None;
        ui.horizontal_wrapped(|ui| {
            let paused = ctl.is_paused();
            if ui.button(if paused { "Resume" } else { "Pause" }).clicked() {
                ctl.set_paused(!paused);
            }
            ui.separator();
            ui.label("speed");
            let speed = ctl.speed();
            for s in SPEEDS {
                if ui.selectable_label((speed - s).abs() < 1e-9, format!("×{s}")).clicked() {
                    let _ = ctl.set_speed(s);
                }
            }
            ui.separator();
            let pos = self.replay_position_ms();
            let span = self.playback.as_ref().and_then(|p| p.span_ms);
            match (span, pos) {
                (Some((a, b)), Some(p)) => {
                    if ui.add_enabled(p > a, egui::Button::new("-1 min")).clicked() {
                        seek = Some(p - STEP_MS);
                    }
                    let total_s = ((b - a) as f64 / 1000.0).max(1.0);
                    let mut v = self.seek_drag_s.unwrap_or((p - a) as f64 / 1000.0);
                    let text = format!("{} of {}", hms_len(v), hms_len(total_s));
                    ui.spacing_mut().slider_width = (ui.available_size_before_wrap().x - 440.0).clamp(100.0, 900.0);
                    let r = ui.add(egui::Slider::new(&mut v, 0.0..=total_s).show_value(false).text(text));
                    if r.dragged() {
                        self.seek_drag_s = Some(v);
                    } else if r.drag_stopped() || r.changed() {
                        seek = Some(a + (v * 1000.0) as i64);
                    }
                    if ui.add_enabled(p < b, egui::Button::new("+1 min")).clicked() {
                        seek = Some(p + STEP_MS);
                    }
                    ui.label(RichText::new(utc(p as f64 / 1000.0)).monospace());
                }
                (_, Some(p)) => {
                    ui.label(RichText::new(utc(p as f64 / 1000.0)).monospace());
                }
                _ => {
                    ui.label("waiting for the first record");
                }
            }
        });
        if let Some(at) = seek {
            let r = self.seek_replay(at);
            self.notice = Some(match r {
                Ok(()) => format!("replay from {}", hms(at as f64 / 1000.0)),
                Err(e) => e,
            });
        }
    }
}

/// `H:MM:SS` of a length in seconds.
fn hms_len(s: f64) -> String {
    let s = s.max(0.0) as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}
