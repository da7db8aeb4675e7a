//! The audible alarm for high and critical alerts: operators look away from the screen, a flashing
//! banner alone is missed. A short two-tone alarm is generated in code (no sound files to ship or
//! lose) and played through the system's default output by `rodio` (cpal, ALSA on Linux).
//!
//! The UI thread never touches the audio device: [`Alarm::raise`] only rate-limits and posts to a
//! player thread, which opens the device when the console is first drawn. Without a device (CI,
//! Xvfb, a server) the player logs once, the alarm reports [`SoundState::Unavailable`], the console
//! shows a small "sound unavailable" marker, and everything else carries on.

use std::f32::consts::TAU;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use eframe::egui::{Color32, RichText, Ui};

/// Sample rate of the generated alarm, Hz (every output device accepts it; rodio resamples).
pub const SAMPLE_RATE: u32 = 44_100;
/// Peak amplitude of the alarm: loud but well clear of clipping at 1.0.
pub const PEAK: f32 = 0.6;
/// Seconds between two alarms at most one of: a storm of alerts sounds once, not per alert.
pub const MIN_GAP_S: f64 = 4.0;

/// The alarm's shape: `repeats` × (high tone, low tone), each `tone_s` long with `ramp_s` fades.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoTone {
    /// First tone, Hz.
    pub high_hz: f32,
    /// Second tone, Hz.
    pub low_hz: f32,
    /// Length of each tone, seconds.
    pub tone_s: f32,
    /// Fade-in/out at each tone's ends, seconds (no clicks between tones).
    pub ramp_s: f32,
    /// High/low pairs.
    pub repeats: u32,
    /// Peak amplitude, 0..1.
    pub peak: f32,
}

impl Default for TwoTone {
    /// 960/770 Hz, 0.18 s each, three pairs: ≈ 1.1 s, the familiar "hi-lo" of an alarm.
    fn default() -> Self {
        TwoTone { high_hz: 960.0, low_hz: 770.0, tone_s: 0.18, ramp_s: 0.01, repeats: 3, peak: PEAK }
    }
}

impl TwoTone {
    /// Total length in seconds.
    pub fn duration_s(&self) -> f32 {
        2.0 * self.tone_s * self.repeats as f32
    }

    /// Mono samples at `rate` Hz, each in `[-peak, peak]`.
    pub fn samples(&self, rate: u32) -> Vec<f32> {
        let per_tone = (self.tone_s * rate as f32).round() as usize;
        let ramp = ((self.ramp_s * rate as f32).round() as usize).clamp(1, per_tone.max(2) / 2);
        let peak = self.peak.clamp(0.0, 1.0);
        let mut out = Vec::with_capacity(per_tone * 2 * self.repeats as usize);
        for _ in 0..self.repeats {
            for hz in [self.high_hz, self.low_hz] {
                for i in 0..per_tone {
                    // Linear fade at both ends of each tone.
                    let edge = i.min(per_tone - 1 - i);
                    let env = (edge as f32 / ramp as f32).min(1.0);
                    out.push(peak * env * (TAU * hz * i as f32 / rate as f32).sin());
                }
            }
        }
        out
    }
}

/// At most one alarm per `min_gap_s` seconds; the clock is passed in so tests need no waiting.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    min_gap_s: f64,
    last_s: Option<f64>,
}

impl RateLimiter {
    /// A limiter allowing one event per `min_gap_s` seconds.
    pub fn new(min_gap_s: f64) -> Self {
        RateLimiter { min_gap_s, last_s: None }
    }

    /// Whether an event at `now_s` may go ahead (and, if so, it counts as the latest).
    pub fn allow(&mut self, now_s: f64) -> bool {
        match self.last_s {
            // A clock that went backwards (never with `Instant`) re-arms rather than silences.
            Some(last) if now_s >= last && now_s - last < self.min_gap_s => false,
            _ => {
                self.last_s = Some(now_s);
                true
            }
        }
    }
}

/// Whether the alarm can be heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoundState {
    /// No alarm raised yet: the device has not been opened.
    NotStarted,
    /// The output device is open.
    Ready,
    /// No usable output device (headless, no ALSA device, device error).
    Unavailable,
}

const NOT_STARTED: u8 = 0;
const READY: u8 = 1;
const UNAVAILABLE: u8 = 2;

/// What an alarm was raised for: counted, shown in tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlarmCounts {
    /// Calls to [`Alarm::raise`].
    pub raised: u64,
    /// Alarms that passed mute and rate limit and went to the output (heard if it works).
    pub sounded: u64,
    /// Dropped: within [`MIN_GAP_S`] of the previous one.
    pub rate_limited: u64,
    /// Dropped: muted.
    pub muted: u64,
}

enum Output {
    /// The system's default audio device, opened on a player thread at the first draw or alarm.
    System { tx: Option<SyncSender<()>>, state: Arc<AtomicU8> },
    /// No audio at all (tests, snapshots), with a fixed state to show.
    Silent(SoundState),
}

/// The console's alarm: rate limit, mute switch and a non-blocking hand-off to the player.
pub struct Alarm {
    /// Operator's mute switch (a setting, not audited).
    pub muted: bool,
    limiter: RateLimiter,
    output: Output,
    epoch: Instant,
    /// What happened to raised alarms.
    pub counts: AlarmCounts,
}

impl std::fmt::Debug for Alarm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alarm").field("muted", &self.muted).field("state", &self.state()).finish_non_exhaustive()
    }
}

impl Alarm {
    /// The alarm on the system's default output (opened at the first draw or alarm, off the UI thread).
    pub fn system() -> Self {
        Self::with_output(Output::System { tx: None, state: Arc::new(AtomicU8::new(NOT_STARTED)) })
    }

    /// An alarm that never makes a sound and reports `state` (tests, screenshots, benches).
    pub fn silent(state: SoundState) -> Self {
        Self::with_output(Output::Silent(state))
    }

    fn with_output(output: Output) -> Self {
        Alarm {
            muted: false,
            limiter: RateLimiter::new(MIN_GAP_S),
            output,
            epoch: Instant::now(),
            counts: AlarmCounts::default(),
        }
    }

    /// Whether the alarm can be heard.
    pub fn state(&self) -> SoundState {
        match &self.output {
            Output::System { state, .. } => match state.load(Ordering::Relaxed) {
                NOT_STARTED => SoundState::NotStarted,
                READY => SoundState::Ready,
                _ => SoundState::Unavailable,
            },
            Output::Silent(s) => *s,
        }
    }

    /// A high or critical alert arrived: sound the alarm unless muted or one sounded within
    /// [`MIN_GAP_S`]. Never blocks: the player thread does the audio work.
    pub fn raise(&mut self) {
        let now = self.epoch.elapsed().as_secs_f64();
        self.raise_at(now);
    }

    /// [`Alarm::raise`] at a given monotonic time in seconds (tests).
    pub fn raise_at(&mut self, now_s: f64) {
        self.counts.raised += 1;
        if self.muted {
            self.counts.muted += 1;
            return;
        }
        if !self.limiter.allow(now_s) {
            self.counts.rate_limited += 1;
            return;
        }
        self.counts.sounded += 1;
        if let Some(sender) = self.start()
            && let Err(TrySendError::Disconnected(())) = sender.try_send(())
        {
            // The player gave up (no device). Full is fine: an alarm is still queued.
            self.set_unavailable();
        }
    }

    /// Open the system output now (on the player thread) rather than at the first alarm, so a
    /// missing device is shown before it matters. Returns the player's queue, if any.
    pub fn start(&mut self) -> Option<&SyncSender<()>> {
        match &mut self.output {
            Output::System { tx, state } if state.load(Ordering::Relaxed) != UNAVAILABLE => {
                Some(tx.get_or_insert_with(|| spawn_player(state.clone())))
            }
            _ => None,
        }
    }

    fn set_unavailable(&self) {
        if let Output::System { state, .. } = &self.output {
            state.store(UNAVAILABLE, Ordering::Relaxed);
        }
    }

    /// The status-bar control: an "alarm" check box (unticked = muted), and a marker when the
    /// alarm cannot be heard.
    pub fn ui(&mut self, ui: &mut Ui) {
        self.start();
        let mut on = !self.muted;
        let tip = "Audible alarm for new high and critical alerts (at most one every few seconds)";
        if ui.checkbox(&mut on, ALARM_LABEL).on_hover_text(tip).changed() {
            self.muted = !on;
        }
        if self.state() == SoundState::Unavailable {
            ui.label(RichText::new(UNAVAILABLE_TEXT).small().color(Color32::from_rgb(240, 160, 40)))
                .on_hover_text("No audio output device: high-severity alerts only flash.");
        }
    }
}

/// Label of the mute check box.
pub const ALARM_LABEL: &str = "alarm";
/// The marker shown when no audio device could be opened.
pub const UNAVAILABLE_TEXT: &str = "sound unavailable";

/// Start the player thread: it opens the default output, then plays one alarm per message.
fn spawn_player(state: Arc<AtomicU8>) -> SyncSender<()> {
    let (tx, rx) = mpsc::sync_channel::<()>(1);
    let st = state.clone();
    let spawned = std::thread::Builder::new().name("console-alarm".into()).spawn(move || {
        let sink = match rodio::DeviceSinkBuilder::open_default_sink() {
            Ok(mut s) => {
                s.log_on_drop(false);
                s
            }
            Err(e) => {
                unavailable(&st, &e.to_string());
                return;
            }
        };
        st.store(READY, Ordering::Relaxed);
        let samples = TwoTone::default().samples(SAMPLE_RATE);
        let (Some(ch), Some(rate)) = (std::num::NonZero::new(1u16), std::num::NonZero::new(SAMPLE_RATE)) else {
            return;
        };
        while rx.recv().is_ok() {
            sink.mixer().add(rodio::buffer::SamplesBuffer::new(ch, rate, samples.clone()));
        }
    });
    if let Err(e) = spawned {
        unavailable(&state, &format!("cannot start the player thread: {e}"));
    }
    tx
}

/// Mark the alarm unusable and say why, once per process (the console has one alarm).
fn unavailable(state: &AtomicU8, why: &str) {
    state.store(UNAVAILABLE, Ordering::Relaxed);
    static LOGGED: OnceLock<()> = OnceLock::new();
    if LOGGED.set(()).is_ok() {
        tracing::warn!("console: no audio output, the high-severity alarm is silent ({why})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alarm_is_two_tones_of_the_stated_length() {
        let t = TwoTone::default();
        let s = t.samples(SAMPLE_RATE);
        let per_tone = (t.tone_s * SAMPLE_RATE as f32).round() as usize;
        assert_eq!(s.len(), per_tone * 2 * t.repeats as usize);
        assert!((s.len() as f32 / SAMPLE_RATE as f32 - t.duration_s()).abs() < 1e-3);
        // Count zero crossings in each tone's steady middle: frequency = crossings / 2 / time.
        let hz = |seg: &[f32]| {
            let mid = &seg[seg.len() / 10..seg.len() * 9 / 10];
            let z = mid.windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count();
            z as f32 / 2.0 / (mid.len() as f32 / SAMPLE_RATE as f32)
        };
        for k in 0..(2 * t.repeats as usize) {
            let seg = &s[k * per_tone..(k + 1) * per_tone];
            let want = if k % 2 == 0 { t.high_hz } else { t.low_hz };
            assert!((hz(seg) - want).abs() < 15.0, "tone {k}: {} Hz, want {want}", hz(seg));
        }
    }

    #[test]
    fn the_alarm_never_clips_and_fades_at_every_tone_edge() {
        let t = TwoTone::default();
        let s = t.samples(SAMPLE_RATE);
        let peak = s.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(peak <= t.peak + 1e-6 && peak > 0.9 * t.peak, "peak {peak}");
        assert!(s.iter().all(|x| x.is_finite()));
        let per_tone = (t.tone_s * SAMPLE_RATE as f32).round() as usize;
        for k in 0..(2 * t.repeats as usize) {
            // First and last sample of each tone are silent: no click at the switch.
            assert!(s[k * per_tone].abs() < 1e-6 && s[(k + 1) * per_tone - 1].abs() < 1e-6, "tone {k}");
        }
        // A peak above 1.0 asked for is clamped.
        let loud = TwoTone { peak: 3.0, ..t }.samples(8_000);
        assert!(loud.iter().all(|x| x.abs() <= 1.0));
    }

    #[test]
    fn the_rate_limiter_lets_one_alarm_through_per_gap() {
        let mut r = RateLimiter::new(4.0);
        assert!(r.allow(100.0));
        assert!(!r.allow(100.1));
        assert!(!r.allow(103.9));
        assert!(r.allow(104.0));
        assert!(!r.allow(105.0));
        // A storm of 1,000 alerts over 10 s sounds three times (t = 0, 4, 8).
        let mut r = RateLimiter::new(4.0);
        let n = (0..1000).filter(|i| r.allow(*i as f64 * 0.01)).count();
        assert_eq!(n, 3);
    }

    #[test]
    fn muted_and_storm_alarms_are_counted_not_sounded() {
        let mut a = Alarm::silent(SoundState::Ready);
        for i in 0..50 {
            a.raise_at(10.0 + i as f64 * 0.1);
        }
        assert_eq!(a.counts, AlarmCounts { raised: 50, sounded: 2, rate_limited: 48, muted: 0 });
        a.muted = true;
        a.raise_at(100.0);
        assert_eq!((a.counts.sounded, a.counts.muted), (2, 1));
        a.muted = false;
        a.raise_at(100.5);
        assert_eq!(a.counts.sounded, 3);
    }

    #[test]
    fn without_an_audio_device_the_alarm_degrades_without_blocking() {
        // Whatever this machine has (usually no sound card under CI): raising only posts to the
        // player thread, a second raise reuses it, and the state settles to Ready or Unavailable
        // without a panic.
        let mut a = Alarm::system();
        assert_eq!(a.state(), SoundState::NotStarted);
        a.raise_at(0.0);
        a.raise_at(10.0);
        let mut settled = a.state();
        for _ in 0..1200 {
            settled = a.state();
            if settled != SoundState::NotStarted {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_ne!(settled, SoundState::NotStarted, "the player thread reports back");
        // No sound card and no sound server (the CI case): it must say so, not pretend.
        let no_card = !std::path::Path::new("/dev/snd").exists() && std::env::var_os("PULSE_SERVER").is_none();
        if cfg!(target_os = "linux") && no_card {
            assert_eq!(settled, SoundState::Unavailable);
        }
        a.raise_at(20.0);
        assert_eq!(a.counts.sounded, 3);
    }

    /// The console's hook: every new high/critical alert raises the alarm, the storm sounds once;
    /// resends, lower severities and replays raise nothing.
    #[test]
    fn the_console_raises_the_alarm_for_new_high_severity_alerts_only() {
        use crate::alert::Severity;
        use crate::console::{ConsoleApp, feed::Feed, synth};
        let msgs = synth::picture(60, 2, 8, 11);
        let mut a = ConsoleApp::macau(Feed::None).unwrap();
        a.alarm = Alarm::silent(SoundState::Ready);
        for m in &msgs {
            a.ingest(m);
        }
        let high = a.picture.alerts.sorted(false).iter().filter(|e| e.alert.severity >= Severity::High).count();
        assert!(high >= 2 && high < a.picture.alerts.len(), "{high} of {}", a.picture.alerts.len());
        assert_eq!(a.alarm.counts.raised, high as u64);
        // The burst arrives within milliseconds: it sounds once (the exact count is the rate
        // limiter's test; here only that every raise was either sounded or rate-limited).
        let c = a.alarm.counts;
        assert!(c.sounded >= 1 && c.sounded + c.rate_limited == c.raised, "{c:?}");
        for m in &msgs {
            a.ingest(m); // resends: de-duplicated, no new alarm
        }
        assert_eq!(a.alarm.counts.raised, high as u64);
        let r = crate::bus::replay::Replayer::from_envelopes(vec![], 0, 1, 1.0, crate::bus::replay::ManualClock::at(0))
            .unwrap();
        let mut b = ConsoleApp::macau(Feed::Replay(r.spawn(4))).unwrap();
        b.alarm = Alarm::silent(SoundState::Ready);
        for m in &msgs {
            b.ingest(m);
        }
        assert_eq!(b.alarm.counts.raised, 0, "a replay is not an emergency");
    }

    /// The status-bar toggle mutes, and the marker shows only when there is no device.
    #[test]
    fn the_mute_toggle_and_the_unavailable_marker_are_in_the_status_bar() {
        use crate::console::{ConsoleApp, feed::Feed};
        use egui_kittest::kittest::Queryable;
        let mut a = ConsoleApp::macau(Feed::None).unwrap();
        a.alarm = Alarm::silent(SoundState::Ready);
        let mut h = egui_kittest::Harness::builder()
            .with_size(eframe::egui::vec2(1366.0, 768.0))
            .build_ui_state(|ui, app: &mut ConsoleApp| app.ui(ui), a);
        h.run_steps(2);
        assert!(h.query_by_label(UNAVAILABLE_TEXT).is_none());
        h.get_by_label(ALARM_LABEL).click();
        h.run_steps(2);
        assert!(h.state().alarm.muted);
        h.state_mut().alarm.raise_at(0.0);
        assert_eq!(h.state().alarm.counts.muted, 1);
        h.get_by_label(ALARM_LABEL).click();
        h.run_steps(2);
        assert!(!h.state().alarm.muted);
        h.state_mut().alarm = Alarm::silent(SoundState::Unavailable);
        h.run_steps(2);
        assert!(h.query_by_label(UNAVAILABLE_TEXT).is_some());
    }
}
