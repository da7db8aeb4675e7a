//! On-screen replay control: what the console needs on top of [`crate::bus::replay`] to pause,
//! change speed and seek a recording from the UI.
//!
//! Pause and speed act on the running replay's [`ReplayControl`]. A seek cannot move a running
//! replay (it reads forward only, and the picture is built from everything before the new time),
//! so a [`Playback`] remembers where its records come from and [`Playback::start`] rebuilds from
//! the window's start: the records before the seek time come back at once, to be applied to a
//! fresh picture without pacing, and a new paced replay starts at the seek time. The picture after
//! a seek is therefore exactly what an operator watching from the start would have seen.
//!
//! A seek reads the recording from the window's start on the UI thread; for a day-long recording
//! that takes a moment, which is acceptable for an occasional operator action.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::bus::record::{Envelope, RecordingReader, list_files};
use crate::bus::replay::{ReplayError, ReplayHandle, Replayer, SystemClock};

/// The speeds the selector offers (the replay accepts any value in ×1–×60).
pub const SPEEDS: [f64; 6] = [1.0, 2.0, 5.0, 10.0, 30.0, 60.0];
/// Events buffered between the pacing thread and the UI.
const CHANNEL: usize = 4096;

/// Where replayed records come from.
#[derive(Debug, Clone)]
pub enum PlaybackSource {
    /// A recording directory (rotating JSON-lines files).
    Dir(PathBuf),
    /// Records in memory, in recorded order (tests, tools).
    List(Arc<Vec<Envelope>>),
}

/// A replayable window of a recording, with its time span for the seek slider.
#[derive(Debug, Clone)]
pub struct Playback {
    source: PlaybackSource,
    /// Window start, ms since the epoch, as asked for.
    pub from_ms: i64,
    /// Window end, ms since the epoch, as asked for.
    pub to_ms: i64,
    /// Receive times of the window's first and last records, ms (`None`: the window is empty).
    pub span_ms: Option<(i64, i64)>,
}

impl Playback {
    /// The window `from_ms..=to_ms` of the recording in `dir`.
    ///
    /// # Errors
    /// [`ReplayError`] when the directory cannot be listed or read, or the window is inverted.
    pub fn dir(dir: &Path, from_ms: i64, to_ms: i64) -> Result<Self, ReplayError> {
        if from_ms > to_ms {
            return Err(ReplayError::Window { from_ms, to_ms });
        }
        let files = list_files(dir)?;
        let span_ms = match files.last() {
            None => None,
            Some(last) => {
                // First record: the first file that reaches into the window; last: the last file's
                // last record in the window (files are named by their first record's time).
                let first = RecordingReader::window(dir, from_ms, to_ms)?.filter_map(Result::ok).next();
                let tail_from = last.first_ms.max(from_ms).min(to_ms);
                let mut last_rec = RecordingReader::window(dir, tail_from, to_ms)?.filter_map(Result::ok).last();
                if last_rec.is_none() {
                    last_rec = RecordingReader::window(dir, from_ms, to_ms)?.filter_map(Result::ok).last();
                }
                first.zip(last_rec).map(|(a, b)| (a.received_ms, b.received_ms.max(a.received_ms)))
            }
        };
        Ok(Playback { source: PlaybackSource::Dir(dir.to_path_buf()), from_ms, to_ms, span_ms })
    }

    /// The window `from_ms..=to_ms` of records held in memory (sorted by receive time).
    pub fn list(records: Vec<Envelope>, from_ms: i64, to_ms: i64) -> Self {
        let inside = |e: &&Envelope| (from_ms..=to_ms).contains(&e.received_ms);
        let first = records.iter().find(inside).map(|e| e.received_ms);
        let last = records.iter().rev().find(inside).map(|e| e.received_ms);
        Playback { source: PlaybackSource::List(Arc::new(records)), from_ms, to_ms, span_ms: first.zip(last) }
    }

    /// Start replaying at `at_ms` (clamped into the window) at `speed`, paused or not: returns the
    /// records before `at_ms` (to apply at once) and the running replay from `at_ms` on.
    ///
    /// # Errors
    /// [`ReplayError`] for a bad speed or an unreadable recording.
    pub fn start(&self, at_ms: i64, speed: f64, paused: bool) -> Result<(Vec<Envelope>, ReplayHandle), ReplayError> {
        let at = at_ms.clamp(self.from_ms, self.to_ms);
        let mut before = Vec::new();
        let replayer = match &self.source {
            PlaybackSource::Dir(dir) => {
                if at > self.from_ms {
                    for e in RecordingReader::window(dir, self.from_ms, at - 1)? {
                        before.push(e?);
                    }
                }
                Replayer::open(dir, at, self.to_ms, speed, SystemClock::default())?
            }
            PlaybackSource::List(all) => {
                before.extend(all.iter().filter(|e| (self.from_ms..at).contains(&e.received_ms)).cloned());
                Replayer::from_envelopes(all.to_vec(), at, self.to_ms, speed, SystemClock::default())?
            }
        };
        // Set before the thread starts, so a paused seek delivers nothing until resumed.
        replayer.control().set_paused(paused);
        Ok((before, replayer.spawn(CHANNEL)))
    }

    /// Where a replay started at the window's start would show, for the slider: the first record.
    pub fn start_ms(&self) -> i64 {
        self.span_ms.map_or(self.from_ms, |s| s.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::record::{Recorder, RecorderConfig};

    fn env(ms: i64) -> Envelope {
        Envelope { received_ms: ms, topic: format!("t/{ms}"), payload: vec![] }
    }

    #[test]
    fn a_list_seek_returns_the_past_and_replays_the_rest() {
        let p = Playback::list((0..10).map(|i| env(1_000 + i * 100)).collect(), i64::MIN, i64::MAX);
        assert_eq!(p.span_ms, Some((1_000, 1_900)));
        let (before, h) = p.start(1_450, 60.0, false).unwrap();
        assert_eq!(before.iter().map(|e| e.received_ms).collect::<Vec<_>>(), vec![1_000, 1_100, 1_200, 1_300, 1_400]);
        let mut got = Vec::new();
        while let Ok(ev) = h.events.recv_timeout(std::time::Duration::from_secs(10)) {
            match ev {
                crate::bus::replay::ReplayEvent::Message(e) => got.push(e.received_ms),
                _ => break,
            }
        }
        assert_eq!(got, vec![1_500, 1_600, 1_700, 1_800, 1_900]);
    }

    #[test]
    fn a_paused_start_delivers_nothing_until_resumed() {
        let p = Playback::list(vec![env(10), env(20)], i64::MIN, i64::MAX);
        let (before, h) = p.start(i64::MIN, 60.0, true).unwrap();
        assert!(before.is_empty());
        assert!(h.control.is_paused());
        assert!(h.events.recv_timeout(std::time::Duration::from_millis(200)).is_err());
        h.control.set_paused(false);
        let first = h.events.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        assert!(matches!(first, crate::bus::replay::ReplayEvent::Message(e) if e.received_ms == 10));
    }

    #[test]
    fn a_recording_directory_gives_its_span_and_seeks() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = RecorderConfig::new(dir.path());
        cfg.max_file_bytes = 200; // several files
        let mut r = Recorder::open(cfg).unwrap();
        for i in 0..20 {
            r.append(&env(5_000 + i * 1_000)).unwrap();
        }
        r.close().unwrap();
        assert!(list_files(dir.path()).unwrap().len() > 2);
        let p = Playback::dir(dir.path(), i64::MIN, i64::MAX).unwrap();
        assert_eq!(p.span_ms, Some((5_000, 24_000)));
        let (before, h) = p.start(12_000, 60.0, true).unwrap();
        assert_eq!(before.len(), 7);
        assert_eq!(before.last().unwrap().received_ms, 11_000);
        drop(h);
        let w = Playback::dir(dir.path(), 8_000, 10_500).unwrap();
        assert_eq!(w.span_ms, Some((8_000, 10_000)));
        assert!(Playback::dir(dir.path(), 2, 1).is_err());
    }
}
