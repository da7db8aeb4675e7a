//! Replay a recorded time window at ×1–×60 through the same path live messages take.
//!
//! A [`Replayer`] reads [`Envelope`]s from a recording (or a vector, for tests) and hands each one
//! over when its recorded time comes due on a [`Clock`]: recorded gaps are divided by the speed.
//! The clock is a trait so tests inject a [`ManualClock`] that jumps instead of sleeping, and
//! assert the exact pacing without any wall-clock thresholds.
//!
//! Two ways to drive it:
//! - as an `Iterator` (blocking: `next()` sleeps on the clock until the record is due), or
//! - [`Replayer::spawn`]: a pacing thread sends [`ReplayEvent`]s over a bounded channel; the console
//!   polls it each frame. Replayed messages arrive as `ReplayEvent::Message`, never as live
//!   `Received` values, so the UI always knows it is showing a replay ([`REPLAY_LABEL`]).
//!
//! Speed can change and the replay can pause while it runs ([`ReplayControl`]); the recorded-time
//! position for the console's clock is [`ReplayControl::position_ms`]. Silence before the first
//! record of the window is skipped: the replay starts at the first message, not at `from_ms`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use super::record::{Envelope, ReadStats, RecordError, RecordingReader};

/// The banner text the console shows over everything while a replay is on screen.
pub const REPLAY_LABEL: &str = "REPLAY";
/// Slowest replay speed: real time.
pub const MIN_SPEED: f64 = 1.0;
/// Fastest replay speed: an hour in a minute.
pub const MAX_SPEED: f64 = 60.0;
/// Longest single sleep, so stop, pause and speed changes take effect within this many ms.
const MAX_SLEEP_MS: i64 = 50;

/// Why a replay could not start or went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// Speed outside ×1–×60 (or not finite).
    #[error("replay speed {0} is outside x{MIN_SPEED}..=x{MAX_SPEED}")]
    Speed(f64),
    /// `from_ms > to_ms`.
    #[error("empty time window: from {from_ms} > to {to_ms}")]
    Window {
        /// Start, ms since the epoch.
        from_ms: i64,
        /// End, ms since the epoch.
        to_ms: i64,
    },
    /// Reading the recording failed.
    #[error(transparent)]
    Record(#[from] RecordError),
}

fn check_speed(speed: f64) -> Result<f64, ReplayError> {
    if speed.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&speed) {
        Ok(speed)
    } else {
        Err(ReplayError::Speed(speed))
    }
}

/// A monotonic millisecond clock that can wait; injected so tests replay without sleeping.
pub trait Clock: Send {
    /// Milliseconds since an arbitrary origin, never decreasing.
    fn now_ms(&self) -> i64;
    /// Wait about `ms` milliseconds (`ms > 0`).
    fn sleep_ms(&self, ms: i64);
}

/// The real clock: `Instant` and `thread::sleep`.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock { origin: Instant::now() }
    }
}

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        self.origin.elapsed().as_millis() as i64
    }
    fn sleep_ms(&self, ms: i64) {
        std::thread::sleep(std::time::Duration::from_millis(ms.max(0) as u64));
    }
}

/// A test clock: `sleep_ms` advances time at once and is logged, so pacing is exact and instant.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Arc<AtomicI64>,
    sleeps: Arc<Mutex<Vec<i64>>>,
}

impl ManualClock {
    /// A clock at `start_ms`.
    pub fn at(start_ms: i64) -> Self {
        ManualClock { now: Arc::new(AtomicI64::new(start_ms)), sleeps: Arc::default() }
    }
    /// Move time forward by hand.
    pub fn advance(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }
    /// Every sleep requested so far, in ms.
    pub fn sleeps(&self) -> Vec<i64> {
        self.sleeps.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
    fn sleep_ms(&self, ms: i64) {
        if let Ok(mut s) = self.sleeps.lock() {
            s.push(ms);
        }
        self.now.fetch_add(ms.max(0), Ordering::SeqCst);
    }
}

/// Shared knobs of a running replay: speed, pause, stop, and where in recorded time it is.
#[derive(Debug, Clone)]
pub struct ReplayControl {
    inner: Arc<ControlInner>,
}

#[derive(Debug)]
struct ControlInner {
    speed_bits: AtomicU64,
    paused: AtomicBool,
    stop: AtomicBool,
    position_ms: AtomicI64,
}

impl ReplayControl {
    fn new(speed: f64, from_ms: i64) -> Self {
        ReplayControl {
            inner: Arc::new(ControlInner {
                speed_bits: AtomicU64::new(speed.to_bits()),
                paused: AtomicBool::new(false),
                stop: AtomicBool::new(false),
                position_ms: AtomicI64::new(from_ms),
            }),
        }
    }
    /// Change the speed (×1–×60); takes effect from the current position.
    pub fn set_speed(&self, speed: f64) -> Result<(), ReplayError> {
        self.inner.speed_bits.store(check_speed(speed)?.to_bits(), Ordering::SeqCst);
        Ok(())
    }
    /// The current speed.
    pub fn speed(&self) -> f64 {
        f64::from_bits(self.inner.speed_bits.load(Ordering::SeqCst))
    }
    /// Freeze or resume recorded time.
    pub fn set_paused(&self, paused: bool) {
        self.inner.paused.store(paused, Ordering::SeqCst);
    }
    /// Whether recorded time is frozen.
    pub fn is_paused(&self) -> bool {
        self.inner.paused.load(Ordering::SeqCst)
    }
    /// End the replay; the iterator returns `None` at its next step.
    pub fn stop(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
    }
    /// Whether [`ReplayControl::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        self.inner.stop.load(Ordering::SeqCst)
    }
    /// The recorded time being shown, ms since the epoch: the console's REPLAY clock.
    pub fn position_ms(&self) -> i64 {
        self.inner.position_ms.load(Ordering::SeqCst)
    }
}

/// What the pacing thread sends the console.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayEvent {
    /// A recorded message, due now. Never mix these up with live traffic.
    Message(Envelope),
    /// The window is done (or the replay was stopped).
    Finished(ReplaySummary),
    /// Reading the recording failed; the replay has ended.
    Failed(String),
}

/// Totals at the end of a replay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplaySummary {
    /// Messages handed over.
    pub delivered: u64,
    /// What the recording reader skipped (truncated, corrupt, outside the window).
    pub read: ReadStats,
    /// True when it ended by [`ReplayControl::stop`].
    pub stopped: bool,
}

enum Source {
    Reader(RecordingReader),
    List(std::vec::IntoIter<Envelope>),
}

/// Hands recorded messages over at their recorded pace divided by the speed.
pub struct Replayer<C: Clock = SystemClock> {
    source: Source,
    from_ms: i64,
    to_ms: i64,
    clock: C,
    control: ReplayControl,
    /// (clock ms, recorded ms) that correspond; `None` until the first record.
    anchor: Option<(i64, i64)>,
    anchor_speed: f64,
    paused_at: Option<i64>,
    delivered: u64,
    skipped_outside: u64,
}

impl<C: Clock> std::fmt::Debug for Replayer<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replayer")
            .field("window", &(self.from_ms, self.to_ms))
            .field("speed", &self.control.speed())
            .field("delivered", &self.delivered)
            .finish()
    }
}

impl<C: Clock> Replayer<C> {
    /// Replay `from_ms..=to_ms` (received time, ms since the epoch) of the recording in `dir`.
    pub fn open(dir: &Path, from_ms: i64, to_ms: i64, speed: f64, clock: C) -> Result<Self, ReplayError> {
        Self::check(from_ms, to_ms, speed)?;
        let reader = RecordingReader::window(dir, from_ms, to_ms)?;
        Ok(Self::with_source(Source::Reader(reader), from_ms, to_ms, speed, clock))
    }

    /// Replay a list of envelopes (already in recorded order), keeping those inside the window.
    pub fn from_envelopes(
        envelopes: Vec<Envelope>,
        from_ms: i64,
        to_ms: i64,
        speed: f64,
        clock: C,
    ) -> Result<Self, ReplayError> {
        Self::check(from_ms, to_ms, speed)?;
        Ok(Self::with_source(Source::List(envelopes.into_iter()), from_ms, to_ms, speed, clock))
    }

    fn check(from_ms: i64, to_ms: i64, speed: f64) -> Result<(), ReplayError> {
        check_speed(speed)?;
        if from_ms > to_ms {
            return Err(ReplayError::Window { from_ms, to_ms });
        }
        Ok(())
    }

    fn with_source(source: Source, from_ms: i64, to_ms: i64, speed: f64, clock: C) -> Self {
        Replayer {
            source,
            from_ms,
            to_ms,
            clock,
            control: ReplayControl::new(speed, from_ms),
            anchor: None,
            anchor_speed: speed,
            paused_at: None,
            delivered: 0,
            skipped_outside: 0,
        }
    }

    /// The knobs; clone it before [`Replayer::spawn`] to steer the running replay.
    pub fn control(&self) -> ReplayControl {
        self.control.clone()
    }

    /// Totals so far.
    pub fn summary(&self) -> ReplaySummary {
        let mut read = match &self.source {
            Source::Reader(r) => r.stats(),
            Source::List(_) => ReadStats::default(),
        };
        read.outside_window += self.skipped_outside;
        ReplaySummary { delivered: self.delivered, read, stopped: self.control.is_stopped() }
    }

    fn next_in_window(&mut self) -> Option<Result<Envelope, ReplayError>> {
        match &mut self.source {
            Source::Reader(r) => r.next().map(|x| x.map_err(ReplayError::from)),
            Source::List(it) => loop {
                let e = it.next()?;
                if (self.from_ms..=self.to_ms).contains(&e.received_ms) {
                    return Some(Ok(e));
                }
                self.skipped_outside += 1;
            },
        }
    }

    /// Recorded time now on the clock.
    fn recorded_at(&self, now: i64) -> i64 {
        match (self.paused_at, self.anchor) {
            (Some(p), _) => p,
            (None, Some((wall, rec))) => rec + ((now - wall) as f64 * self.anchor_speed) as i64,
            (None, None) => self.from_ms,
        }
    }

    /// Wait on the clock until recorded time reaches `due_rec`; false when stopped meanwhile.
    fn wait_until(&mut self, due_rec: i64) -> bool {
        loop {
            if self.control.is_stopped() {
                return false;
            }
            let now = self.clock.now_ms();
            if self.control.is_paused() {
                // Before the first record there is no position to freeze: it starts wherever resume finds it.
                if self.paused_at.is_none() && self.anchor.is_some() {
                    self.paused_at = Some(self.recorded_at(now));
                }
                self.clock.sleep_ms(MAX_SLEEP_MS);
                continue;
            }
            let speed = self.control.speed();
            if let Some(p) = self.paused_at.take() {
                self.anchor = Some((now, p));
            } else if speed != self.anchor_speed {
                self.anchor = Some((now, self.recorded_at(now)));
            }
            self.anchor_speed = speed;
            let (wall, rec) = *self.anchor.get_or_insert((now, due_rec));
            let due_wall = wall + ((due_rec - rec) as f64 / speed).ceil() as i64;
            self.control.inner.position_ms.store(self.recorded_at(now).min(due_rec), Ordering::SeqCst);
            if now >= due_wall {
                self.control.inner.position_ms.store(due_rec, Ordering::SeqCst);
                return true;
            }
            self.clock.sleep_ms((due_wall - now).min(MAX_SLEEP_MS));
        }
    }

    /// Run the pacing on its own thread; messages come out of the returned handle's channel,
    /// which holds at most `capacity` undelivered events (the thread waits when it is full).
    pub fn spawn(mut self, capacity: usize) -> ReplayHandle
    where
        C: 'static,
    {
        let (tx, rx) = sync_channel(capacity.max(1));
        let control = self.control.clone();
        let join = std::thread::Builder::new()
            .name("seawarden-replay".into())
            .spawn(move || self.pump(tx))
            .expect("spawning the replay thread");
        ReplayHandle { events: rx, control, join: Some(join) }
    }

    fn pump(&mut self, tx: SyncSender<ReplayEvent>) {
        for item in self.by_ref() {
            let ev = match item {
                Ok(env) => ReplayEvent::Message(env),
                Err(e) => {
                    let _ = tx.send(ReplayEvent::Failed(e.to_string()));
                    return;
                }
            };
            if tx.send(ev).is_err() {
                return; // the console went away
            }
        }
        let _ = tx.send(ReplayEvent::Finished(self.summary()));
    }
}

impl<C: Clock> Iterator for Replayer<C> {
    type Item = Result<Envelope, ReplayError>;

    /// The next record of the window, once it is due (blocks on the clock).
    fn next(&mut self) -> Option<Self::Item> {
        if self.control.is_stopped() {
            return None;
        }
        let env = match self.next_in_window()? {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        if !self.wait_until(env.received_ms) {
            return None;
        }
        self.delivered += 1;
        Some(Ok(env))
    }
}

/// A replay running on its own thread.
#[derive(Debug)]
pub struct ReplayHandle {
    /// Replayed messages, then one `Finished` or `Failed`.
    pub events: Receiver<ReplayEvent>,
    /// Speed, pause, stop, position.
    pub control: ReplayControl,
    join: Option<JoinHandle<()>>,
}

impl Drop for ReplayHandle {
    /// Stop the thread and wait for it (it notices within 50 ms or when the channel frees).
    fn drop(&mut self) {
        self.control.stop();
        if let Some(j) = self.join.take() {
            // Disconnect the channel so a send blocked on a full channel fails and the thread ends.
            let (_, placeholder) = sync_channel(0);
            drop(std::mem::replace(&mut self.events, placeholder));
            let _ = j.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(ms: i64) -> Envelope {
        Envelope { received_ms: ms, topic: "t".into(), payload: ms.to_string().into_bytes() }
    }

    #[test]
    fn speed_outside_range_is_refused() {
        for s in [0.5, 61.0, f64::NAN] {
            assert!(matches!(
                Replayer::from_envelopes(vec![], 0, 1, s, ManualClock::default()),
                Err(ReplayError::Speed(_))
            ));
        }
    }

    #[test]
    fn speed_change_rebases_at_the_current_position() {
        let clock = ManualClock::at(0);
        let mut r =
            Replayer::from_envelopes(vec![env(0), env(6_000), env(12_000)], 0, 20_000, 1.0, clock.clone()).unwrap();
        r.next().unwrap().unwrap();
        r.next().unwrap().unwrap();
        assert_eq!(clock.now_ms(), 6_000);
        r.control().set_speed(60.0).unwrap();
        r.next().unwrap().unwrap();
        assert_eq!(clock.now_ms(), 6_100, "6 s of recorded time at x60 is 100 ms");
    }

    #[test]
    fn pause_before_the_first_record_with_an_open_window() {
        let clock = ManualClock::at(0);
        let mut r =
            Replayer::from_envelopes(vec![env(5_000), env(6_000)], i64::MIN, i64::MAX, 1.0, clock.clone()).unwrap();
        let ctl = r.control();
        ctl.set_paused(true);
        let c2 = clock.clone();
        let t = std::thread::spawn(move || {
            while c2.now_ms() < 1_000 {
                std::thread::yield_now();
            }
            ctl.set_paused(false);
        });
        assert_eq!(r.next().unwrap().unwrap().received_ms, 5_000);
        t.join().unwrap();
        let at = clock.now_ms();
        assert_eq!(r.next().unwrap().unwrap().received_ms, 6_000);
        assert_eq!(clock.now_ms(), at + 1_000);
    }

    #[test]
    fn pause_freezes_position() {
        let clock = ManualClock::at(0);
        let mut r = Replayer::from_envelopes(vec![env(0), env(1_000)], 0, 2_000, 1.0, clock.clone()).unwrap();
        r.next().unwrap().unwrap();
        let ctl = r.control();
        ctl.set_paused(true);
        // The manual clock advances 50 ms per sleep while paused; resume from another thread.
        let c2 = clock.clone();
        let t = std::thread::spawn(move || {
            while c2.now_ms() < 10_000 {
                std::thread::yield_now();
            }
            ctl.set_paused(false);
        });
        let e = r.next().unwrap().unwrap();
        t.join().unwrap();
        assert_eq!(e.received_ms, 1_000);
        assert!(clock.now_ms() >= 11_000, "a 1 s gap still took 1 s after the pause, now {}", clock.now_ms());
    }
}
