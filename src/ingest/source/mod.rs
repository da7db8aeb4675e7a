//! Async line sources: where the edge node's NMEA bytes come from.
//!
//! A source is named by a URL from `node.toml` ([`SourceUrl`]):
//! - `file:///path?speed=10`: replay a log with its recorded timing (tag-block `c:` times) sped
//!   up N times; `speed=0` as fast as possible; lines without times go out at once;
//! - `udp://0.0.0.0:10110`: datagrams from a LAN broadcast, several lines each;
//! - `tcp://host:port`: a client of an NMEA server (AIS-catcher, aisdispatcher);
//! - `serial:///dev/ttyUSB0?baud=38400`: a sensor on a serial port.
//!
//! [`spawn`] starts one as a tokio task and returns its [`SourceHandle`]: framed lines
//! ([`Line`], cut by [`nmea::Framer`](super::nmea::Framer) with its length cap) in a bounded
//! channel, and a `watch` of its [`SourceStatus`] (state and counters) for the node's health
//! report. Network and serial sources never give up: a failure is reported and retried with
//! capped, jittered exponential backoff ([`BackoffConfig`]). A file ends when it is replayed.
//!
//! # Backpressure
//! The channel holds [`SourceOptions::channel_capacity`] lines. When it is full the source
//! waits and stops reading; nothing is dropped by the source itself. Upstream, TCP flow control
//! slows the server; UDP datagrams and serial bytes overflow the kernel's buffers and are lost
//! there, as they would be with any reader too slow for a live feed.
//!
//! # Shutdown
//! Drop the line receiver. The source notices at once, even while connecting, backing off,
//! waiting on a replay timestamp or idle on a silent socket, sets [`SourceState::Ended`] and
//! its task returns `Ok(())`. (Aborting the task also works, without the final status.)
//!
//! In the data flow this is the very start: lines go from here to the `ais` and `radar`
//! decoders.
//!
//! # References
//! IEC 61162-1 (NMEA 0183 v4.10) §7: sentences are ASCII lines ended by `<CR><LF>`, at most 82
//! characters (longer AIS and tag-blocked lines are tolerated up to
//! [`MAX_LINE_LEN`](super::nmea::MAX_LINE_LEN)); IEC 61162-450 for UDP transport.

mod backoff;
mod error;
mod file;
mod reconnect;
mod serial;
mod session;
mod status;
mod tcp;
mod udp;
mod url;

/// Capped exponential backoff with jitter for reconnects.
pub use backoff::{Backoff, BackoffConfig};
/// Bad URLs and fatal file errors.
pub use error::{SourceError, UrlProblem};
/// State and counters a source publishes.
pub use status::{EndReason, SourceState, SourceStatus};
/// Source URLs and their parser.
pub use url::{DEFAULT_BAUD, SourceUrl};

use session::Output;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// One framed line as received, without its line ending.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The line's bytes, tag block included, `\r\n` stripped.
    pub bytes: Vec<u8>,
    /// When the source handed it on, seconds since the Unix epoch (system clock); the fallback
    /// time for sentences that carry none of their own.
    pub received_s: f64,
}

/// How a source runs: channel size and reconnect behaviour.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceOptions {
    /// Lines the channel holds before the source waits (see the module's *Backpressure*).
    /// Default 1024: a few seconds of a busy AIS feed. Values below 1 are taken as 1.
    pub channel_capacity: usize,
    /// Reconnect schedule of network and serial sources.
    pub backoff: BackoffConfig,
    /// Give up on one connect attempt after this long, milliseconds. Default 10 000 ms.
    pub connect_timeout_ms: u64,
    /// Seed for backoff jitter; `None` (default) draws one per source. Set it to make a test's
    /// schedule reproducible.
    pub jitter_seed: Option<u64>,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            channel_capacity: 1024,
            backoff: BackoffConfig::default(),
            connect_timeout_ms: 10_000,
            jitter_seed: None,
        }
    }
}

/// A running source: its lines, its status, and its task.
#[derive(Debug)]
pub struct SourceHandle {
    /// Framed lines, in arrival order. Drop this to stop the source.
    pub lines: mpsc::Receiver<Line>,
    /// State and counters; the last value stays readable after the source ends.
    pub status: watch::Receiver<SourceStatus>,
    /// The source's task: `Err` only for a file that could not be opened or read.
    pub task: JoinHandle<Result<(), SourceError>>,
}

/// Start a source on the current tokio runtime.
///
/// # Panics
/// Outside a tokio runtime (as `tokio::spawn` does).
///
/// # Examples
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use seawarden::ingest::source::{spawn, SourceOptions};
/// let mut src = spawn("tcp://127.0.0.1:10110".parse()?, SourceOptions::default());
/// while let Some(line) = src.lines.recv().await {
///     println!("{}", String::from_utf8_lossy(&line.bytes));
/// }
/// # Ok(()) }
/// ```
pub fn spawn(url: SourceUrl, opts: SourceOptions) -> SourceHandle {
    let (tx, lines) = mpsc::channel(opts.channel_capacity.max(1));
    let (status_tx, status) = watch::channel(SourceStatus::default());
    let task = tokio::spawn(async move { run(&url, &opts, tx, status_tx).await });
    SourceHandle { lines, status, task }
}

/// Run a source to its end in the current task, writing lines to `tx` and status to `status`;
/// for callers that manage their own channels and tasks. See [`spawn`].
///
/// # Errors
/// Only for `file://`: [`SourceError::Open`] or [`SourceError::Read`]. Other sources retry
/// forever and return `Ok(())` once `tx`'s receiver is dropped.
pub async fn run(
    url: &SourceUrl,
    opts: &SourceOptions,
    tx: mpsc::Sender<Line>,
    status: watch::Sender<SourceStatus>,
) -> Result<(), SourceError> {
    let out = Output { tx, status };
    let label = url.to_string();
    match url {
        SourceUrl::File { path, speed } => file::run(path, *speed, &out).await,
        SourceUrl::Udp { bind } => {
            reconnect::run(udp::Udp { bind: *bind }, &label, opts, &out).await;
            Ok(())
        }
        SourceUrl::Tcp { host, port } => {
            reconnect::run(tcp::Tcp { host: host.clone(), port: *port }, &label, opts, &out).await;
            Ok(())
        }
        SourceUrl::Serial { path, baud } => {
            reconnect::run(serial::Serial { path: path.clone(), baud: *baud }, &label, opts, &out).await;
            Ok(())
        }
    }
}
