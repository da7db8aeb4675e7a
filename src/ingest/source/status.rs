//! What a source is doing, for the node's health report (`node/{site}/status`).

/// The connection state of a source.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum SourceState {
    /// Opening the file, binding the socket, connecting or opening the port.
    #[default]
    Connecting,
    /// Reading.
    Connected,
    /// Waiting before the next attempt after a failure or a dropped connection.
    BackingOff {
        /// How long this wait is, milliseconds.
        delay_ms: u64,
        /// Consecutive failures so far, including the one that caused this wait.
        failures: u32,
    },
    /// The source has stopped for good.
    Ended(EndReason),
}

/// Why a source stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum EndReason {
    /// A file replay reached its end; every line was delivered.
    Finished,
    /// The line receiver was dropped: the node asked the source to stop.
    ReceiverDropped,
    /// A file replay failed (open or read error); the message says why.
    Failed(String),
}

/// State and counters of one source, published through a `tokio::sync::watch` channel.
///
/// Counters are updated after each read (and before each replay pause), not per line, so a
/// watcher is woken at most once per socket read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceStatus {
    /// Current state.
    pub state: SourceState,
    /// Lines delivered into the channel.
    pub lines: u64,
    /// Bytes received, including line endings and discarded over-long lines.
    pub bytes: u64,
    /// Reconnect attempts (every attempt after the first).
    pub reconnects: u64,
    /// Lines discarded for exceeding [`MAX_LINE_LEN`](crate::ingest::nmea::MAX_LINE_LEN).
    pub overlong_lines: u64,
    /// The local address of a bound UDP socket (useful with port 0, which picks a free port).
    pub local_addr: Option<std::net::SocketAddr>,
    /// The most recent failure, kept after recovery so a flapping feed shows why.
    pub last_error: Option<String>,
}
