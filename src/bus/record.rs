//! The console's flight recorder: every message it receives, appended to rotating JSON-lines files,
//! and a reader that walks a directory of them back in order.
//!
//! # File format
//! One [`Envelope`] per line, `{"received_ms":…,"topic":"…","payload":"…"}`. The payload is kept
//! as text when it is UTF-8 (every contract payload is JSON) and as `"payload_hex"` otherwise, so a
//! rejected, garbled message is recorded byte for byte too. Files are named
//! `{prefix}-{first received_ms, 15 digits}-{sequence, 6 digits}.jsonl`, so sorting names sorts
//! files by time. A file is never reopened for appending: after a restart recording starts a new
//! file, so a record cut short by a crash stays at the end of its file, where the reader counts it.
//!
//! # Durability (fsync policy)
//! [`FsyncPolicy`] says when data reaches the disk: `EveryRecord` costs one `fsync` per message
//! (alerts only, a few per minute), `Interval` (the default, 1 s) bounds loss to about a second of
//! track batches at a fraction of the cost, `OnRotate` only syncs when a file is closed. Whatever
//! the policy, each record is written with a single `write` of the whole line, so a crash loses
//! whole records or leaves one truncated last line — never a torn record in the middle.
//!
//! # Rotation
//! A new file starts when the current one would exceed [`RecorderConfig::max_file_bytes`] or when a
//! record arrives [`RecorderConfig::max_file_age_ms`] after the file's first record. Ages are
//! measured in `received_ms`, not the wall clock, so rotation is deterministic under test.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// One received message as recorded: when, on which topic, and the payload byte for byte.
///
/// `received_ms` is the console's receive time (milliseconds since the Unix epoch, UTC), the time
/// base replay paces on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Wire", try_from = "Wire")]
pub struct Envelope {
    /// Receive time, milliseconds since the Unix epoch (UTC).
    pub received_ms: i64,
    /// The MQTT topic it arrived on.
    pub topic: String,
    /// The raw payload.
    pub payload: Vec<u8>,
}

impl Envelope {
    /// Build an envelope from a received bus message (`received_s` in seconds becomes milliseconds).
    pub fn from_received(r: &crate::bus::Received) -> Self {
        Envelope {
            received_ms: (r.received_s * 1000.0).round() as i64,
            topic: r.topic.clone(),
            payload: r.payload.clone(),
        }
    }
}

/// The on-disk shape: text payloads stay readable, others are hex.
#[derive(Serialize, Deserialize)]
struct Wire {
    received_ms: i64,
    topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payload: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payload_hex: Option<String>,
}

impl From<Envelope> for Wire {
    fn from(e: Envelope) -> Self {
        match String::from_utf8(e.payload) {
            Ok(text) => Wire { received_ms: e.received_ms, topic: e.topic, payload: Some(text), payload_hex: None },
            Err(err) => Wire {
                received_ms: e.received_ms,
                topic: e.topic,
                payload: None,
                payload_hex: Some(hex_encode(err.as_bytes())),
            },
        }
    }
}

impl TryFrom<Wire> for Envelope {
    type Error = String;
    fn try_from(w: Wire) -> Result<Self, String> {
        let payload = match (w.payload, w.payload_hex) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(hex)) => hex_decode(&hex).ok_or("payload_hex is not hex")?,
            _ => return Err("exactly one of payload and payload_hex is required".into()),
        };
        Ok(Envelope { received_ms: w.received_ms, topic: w.topic, payload })
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Bytes of a hex string, `None` when it is not hex.
pub(crate) fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes().chunks(2).map(|p| Some(nib(p[0])? << 4 | nib(p[1])?)).collect()
}

/// Why recording or reading failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// A file or directory operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The configuration cannot work (zero file size, bad prefix).
    #[error("bad recorder configuration: {0}")]
    Config(&'static str),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> RecordError + '_ {
    move |source| RecordError::Io { path: path.to_path_buf(), source }
}

/// When recorded bytes are forced to disk; see the module docs for the trade-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FsyncPolicy {
    /// `fsync` after every record: nothing acknowledged is lost, one disk flush per message.
    EveryRecord,
    /// `fsync` when at least this long has passed since the last one (checked on append).
    Interval(Duration),
    /// `fsync` only when a file is rotated or the recorder is closed.
    OnRotate,
}

impl Default for FsyncPolicy {
    fn default() -> Self {
        FsyncPolicy::Interval(Duration::from_secs(1))
    }
}

/// Where and how to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecorderConfig {
    /// Directory holding the rotated files (created if missing).
    pub dir: PathBuf,
    /// File name prefix; letters, digits, `_` only (the reader splits names on `-`).
    pub prefix: String,
    /// Rotate before a file would grow past this many bytes (a single larger record still gets a file).
    pub max_file_bytes: u64,
    /// Rotate when a record arrives this many milliseconds after the file's first record.
    pub max_file_age_ms: i64,
    /// When to `fsync`.
    pub fsync: FsyncPolicy,
}

impl RecorderConfig {
    /// 64 MiB or one hour per file, `fsync` every second: a busy night is a few dozen files.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        RecorderConfig {
            dir: dir.into(),
            prefix: "rec".into(),
            max_file_bytes: 64 << 20,
            max_file_age_ms: 3_600_000,
            fsync: FsyncPolicy::default(),
        }
    }
}

/// Running totals, for the console's health panel and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecorderStats {
    /// Records written.
    pub records: u64,
    /// Bytes written, newlines included.
    pub bytes: u64,
    /// Files started.
    pub files: u64,
    /// `fsync` calls made.
    pub syncs: u64,
}

struct Current {
    file: File,
    path: PathBuf,
    first_ms: i64,
    bytes: u64,
}

/// Append-only writer over rotating files: [`Recorder::append`] every message the console receives.
///
/// Not thread-safe by itself: own it from the thread that receives messages (or behind a mutex).
pub struct Recorder {
    cfg: RecorderConfig,
    current: Option<Current>,
    seq: u32,
    last_sync: Instant,
    stats: RecorderStats,
    line: Vec<u8>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("dir", &self.cfg.dir)
            .field("current", &self.current.as_ref().map(|c| &c.path))
            .field("stats", &self.stats)
            .finish()
    }
}

impl Recorder {
    /// Prepare to record into `cfg.dir`; the first file is created by the first record.
    pub fn open(cfg: RecorderConfig) -> Result<Self, RecordError> {
        if cfg.max_file_bytes == 0 {
            return Err(RecordError::Config("max_file_bytes must be > 0"));
        }
        if cfg.max_file_age_ms <= 0 {
            return Err(RecordError::Config("max_file_age_ms must be > 0"));
        }
        if cfg.prefix.is_empty() || !cfg.prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(RecordError::Config("prefix must be non-empty letters, digits or _"));
        }
        fs::create_dir_all(&cfg.dir).map_err(io_err(&cfg.dir))?;
        Ok(Recorder {
            cfg,
            current: None,
            seq: 0,
            last_sync: Instant::now(),
            stats: RecorderStats::default(),
            line: Vec::new(),
        })
    }

    /// Totals so far.
    pub fn stats(&self) -> RecorderStats {
        self.stats
    }

    /// The file being written, if any.
    pub fn current_path(&self) -> Option<&Path> {
        self.current.as_ref().map(|c| c.path.as_path())
    }

    /// Append one record, rotating first when size or age says so.
    pub fn append(&mut self, env: &Envelope) -> Result<(), RecordError> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, env).expect("an envelope always serialises");
        self.line.push(b'\n');
        let len = self.line.len() as u64;
        let rotate = match &self.current {
            None => true,
            Some(c) => {
                (c.bytes > 0 && c.bytes + len > self.cfg.max_file_bytes)
                    || env.received_ms - c.first_ms >= self.cfg.max_file_age_ms
            }
        };
        if rotate {
            self.close_current()?;
            self.start_file(env.received_ms)?;
        }
        let cur = self.current.as_mut().expect("a file is open after rotation");
        // One write of the whole line: a crash leaves whole records plus at most one torn tail.
        cur.file.write_all(&self.line).map_err(io_err(&cur.path))?;
        cur.bytes += len;
        self.stats.records += 1;
        self.stats.bytes += len;
        let sync = match self.cfg.fsync {
            FsyncPolicy::EveryRecord => true,
            FsyncPolicy::Interval(d) => self.last_sync.elapsed() >= d,
            FsyncPolicy::OnRotate => false,
        };
        if sync {
            self.sync()?;
        }
        Ok(())
    }

    /// Force what was written to disk now.
    pub fn sync(&mut self) -> Result<(), RecordError> {
        if let Some(c) = &self.current {
            c.file.sync_data().map_err(io_err(&c.path))?;
            self.stats.syncs += 1;
        }
        self.last_sync = Instant::now();
        Ok(())
    }

    /// Sync and close the current file; the next record starts a new one.
    pub fn close(&mut self) -> Result<(), RecordError> {
        self.close_current()
    }

    fn close_current(&mut self) -> Result<(), RecordError> {
        if self.current.is_some() {
            self.sync()?;
            self.current = None;
        }
        Ok(())
    }

    fn start_file(&mut self, first_ms: i64) -> Result<(), RecordError> {
        loop {
            let name = format!("{}-{:015}-{:06}.jsonl", self.cfg.prefix, first_ms.max(0), self.seq);
            self.seq = self.seq.wrapping_add(1);
            let path = self.cfg.dir.join(name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    tracing::debug!(path = %path.display(), "recording to a new file");
                    self.current = Some(Current { file, path, first_ms, bytes: 0 });
                    self.stats.files += 1;
                    return Ok(());
                }
                // A file from an earlier run with the same first time: take the next sequence number.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err(&path)(e)),
            }
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Err(e) = self.close_current() {
            tracing::warn!("closing the recording: {e}");
        }
    }
}

/// One recording file with the start time its name carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingFile {
    /// The path.
    pub path: PathBuf,
    /// `received_ms` of its first record, from the name.
    pub first_ms: i64,
    /// Sequence number from the name.
    pub seq: u32,
}

/// The recording files in `dir`, oldest first; files not named like a recording are ignored.
pub fn list_files(dir: &Path) -> Result<Vec<RecordingFile>, RecordError> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let Some(stem) = name.strip_suffix(".jsonl") else { continue };
        let mut parts = stem.rsplitn(3, '-');
        let (Some(seq), Some(ms), Some(_prefix)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let (Ok(seq), Ok(first_ms)) = (seq.parse::<u32>(), ms.parse::<i64>()) else { continue };
        files.push(RecordingFile { path, first_ms, seq });
    }
    files.sort_by(|a, b| (a.first_ms, a.seq, &a.path).cmp(&(b.first_ms, b.seq, &b.path)));
    Ok(files)
}

/// What the reader skipped, so a damaged recording is reported rather than silently shortened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Records returned.
    pub records: u64,
    /// Files opened.
    pub files: u64,
    /// Last lines without a newline that did not parse: a record cut short by a crash.
    pub truncated: u64,
    /// Complete lines that did not parse (disk damage, hand edits).
    pub corrupt: u64,
    /// Records outside the requested time window.
    pub outside_window: u64,
}

/// Reads a directory of rotated files back in recorded order, optionally only a time window.
///
/// An iterator of [`Envelope`]s: damaged lines are skipped and counted in [`RecordingReader::stats`]
/// (with a `tracing` warning), an I/O error ends the iteration with `Some(Err)`.
pub struct RecordingReader {
    files: std::vec::IntoIter<RecordingFile>,
    current: Option<(PathBuf, BufReader<File>)>,
    from_ms: i64,
    to_ms: i64,
    stats: ReadStats,
    line: Vec<u8>,
    failed: bool,
}

impl std::fmt::Debug for RecordingReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingReader")
            .field("window", &(self.from_ms, self.to_ms))
            .field("stats", &self.stats)
            .finish()
    }
}

impl RecordingReader {
    /// Every record in `dir`.
    pub fn open(dir: &Path) -> Result<Self, RecordError> {
        Self::window(dir, i64::MIN, i64::MAX)
    }

    /// Records with `from_ms <= received_ms <= to_ms`. Files that end before `from_ms` (the next
    /// file starts before it) or start after `to_ms` are not opened; this assumes receive times do
    /// not step backwards across files, which the recorder's time-based names make true unless the
    /// console's clock was set back.
    pub fn window(dir: &Path, from_ms: i64, to_ms: i64) -> Result<Self, RecordError> {
        let all = list_files(dir)?;
        let mut keep = Vec::with_capacity(all.len());
        for (i, f) in all.iter().enumerate() {
            let ends_before = all.get(i + 1).is_some_and(|next| next.first_ms < from_ms);
            if ends_before || f.first_ms > to_ms {
                continue;
            }
            keep.push(f.clone());
        }
        Ok(RecordingReader {
            files: keep.into_iter(),
            current: None,
            from_ms,
            to_ms,
            stats: ReadStats::default(),
            line: Vec::new(),
            failed: false,
        })
    }

    /// What was read and skipped so far (complete once the iterator returned `None`).
    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    fn next_line(&mut self) -> Option<Result<(PathBuf, bool), RecordError>> {
        loop {
            if self.current.is_none() {
                let f = self.files.next()?;
                match File::open(&f.path) {
                    Ok(file) => {
                        self.stats.files += 1;
                        self.current = Some((f.path, BufReader::new(file)));
                    }
                    Err(e) => return Some(Err(io_err(&f.path)(e))),
                }
            }
            let (path, reader) = self.current.as_mut().expect("opened above");
            self.line.clear();
            match reader.read_until(b'\n', &mut self.line) {
                Ok(0) => self.current = None,
                Ok(_) => {
                    let complete = self.line.last() == Some(&b'\n');
                    return Some(Ok((path.clone(), complete)));
                }
                Err(e) => return Some(Err(io_err(path)(e))),
            }
        }
    }
}

impl Iterator for RecordingReader {
    type Item = Result<Envelope, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            let (path, complete) = match self.next_line()? {
                Ok(x) => x,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            };
            let text = if complete { &self.line[..self.line.len() - 1] } else { &self.line[..] };
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Envelope>(text) {
                Ok(env) if env.received_ms < self.from_ms || env.received_ms > self.to_ms => {
                    self.stats.outside_window += 1;
                }
                Ok(env) => {
                    self.stats.records += 1;
                    return Some(Ok(env));
                }
                Err(e) if !complete => {
                    self.stats.truncated += 1;
                    tracing::warn!(path = %path.display(), "skipping a truncated last record: {e}");
                }
                Err(e) => {
                    self.stats.corrupt += 1;
                    tracing::warn!(path = %path.display(), "skipping a corrupt record: {e}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(ms: i64, payload: &[u8]) -> Envelope {
        Envelope { received_ms: ms, topic: "seawarden/v1/node/hac-sa/tracks".into(), payload: payload.to_vec() }
    }

    mod envelope {
        use super::*;

        #[test]
        fn text_payload_stays_readable() {
            let line = serde_json::to_string(&env(5, br#"{"a":1}"#)).unwrap();
            assert!(line.contains(r#""payload":"{\"a\":1}""#), "{line}");
            assert_eq!(serde_json::from_str::<Envelope>(&line).unwrap(), env(5, br#"{"a":1}"#));
        }

        #[test]
        fn binary_payload_round_trips_as_hex() {
            let e = env(5, &[0xff, 0x00, 0x80]);
            let line = serde_json::to_string(&e).unwrap();
            assert!(line.contains(r#""payload_hex":"ff0080""#), "{line}");
            assert_eq!(serde_json::from_str::<Envelope>(&line).unwrap(), e);
        }

        #[test]
        fn both_or_neither_payload_is_refused() {
            assert!(serde_json::from_str::<Envelope>(r#"{"received_ms":1,"topic":"t"}"#).is_err());
            assert!(
                serde_json::from_str::<Envelope>(r#"{"received_ms":1,"topic":"t","payload":"a","payload_hex":"61"}"#)
                    .is_err()
            );
        }
    }

    mod rotation {
        use super::*;

        #[test]
        fn age_rotates_on_received_time() {
            let dir = tempfile::tempdir().unwrap();
            let mut cfg = RecorderConfig::new(dir.path());
            cfg.max_file_age_ms = 1_000;
            let mut rec = Recorder::open(cfg).unwrap();
            for ms in [0, 500, 999, 1_000, 1_500, 2_100] {
                rec.append(&env(ms, b"{}")).unwrap();
            }
            rec.close().unwrap();
            let files = list_files(dir.path()).unwrap();
            assert_eq!(files.iter().map(|f| f.first_ms).collect::<Vec<_>>(), vec![0, 1_000, 2_100]);
        }

        #[test]
        fn bad_config_is_refused() {
            let dir = tempfile::tempdir().unwrap();
            let mut cfg = RecorderConfig::new(dir.path());
            cfg.prefix = "a-b".into();
            assert!(matches!(Recorder::open(cfg), Err(RecordError::Config(_))));
        }
    }
}
