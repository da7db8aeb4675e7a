//! Errors of line sources: bad URLs, and the few failures that are not retried.

/// What is wrong with a source URL; wrapped in [`SourceError::Url`] with the URL itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// No `scheme://` prefix.
    #[error("missing scheme (expected file://, udp://, tcp:// or serial://)")]
    MissingScheme,
    /// A scheme this node cannot read.
    #[error("unknown scheme {0:?} (expected file, udp, tcp or serial)")]
    UnknownScheme(String),
    /// `file://` or `serial://` with nothing after it.
    #[error("missing path")]
    MissingPath,
    /// `file://name`: a host where an absolute path was expected.
    #[error("file URL needs an absolute path, as in file:///data/feed.nmea")]
    RelativeFilePath,
    /// A `%` escape not followed by two hex digits, or one that decodes to invalid UTF-8.
    #[error("bad percent escape in path")]
    BadEscape,
    /// `udp://` or `tcp://` without `:port`.
    #[error("missing :port")]
    MissingPort,
    /// A port that is not a number in 1–65535.
    #[error("bad port {0:?} (expected 1-65535, or 0 for a free udp port)")]
    BadPort(String),
    /// `tcp://` or `udp://` with an empty host.
    #[error("missing host")]
    MissingHost,
    /// A UDP bind address that is not an IP literal.
    #[error("bad bind address {0:?} (expected an IP address such as 0.0.0.0)")]
    BadBindAddress(String),
    /// A query key this scheme does not take (often a typo).
    #[error("unknown parameter {key:?} for {scheme}:// (accepted: {accepted})")]
    UnknownParameter {
        /// The scheme.
        scheme: &'static str,
        /// The unknown key.
        key: String,
        /// The keys the scheme accepts.
        accepted: &'static str,
    },
    /// A known key with a value that does not parse or is out of range.
    #[error("bad value {value:?} for {key} (expected {expected})")]
    BadValue {
        /// The key.
        key: &'static str,
        /// The value given.
        value: String,
        /// What would have been accepted.
        expected: &'static str,
    },
    /// The same key twice.
    #[error("parameter {0} given twice")]
    DuplicateParameter(&'static str),
    /// A query part without `=`.
    #[error("parameter {0:?} has no value (expected key=value)")]
    MissingValue(String),
}

/// Why a line source could not be configured or had to stop.
///
/// Network and serial sources never stop on I/O errors (they back off and retry, reporting the
/// error in their [`SourceStatus`](super::SourceStatus)); only a bad URL and a failing file
/// replay end in an error.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The URL could not be parsed.
    #[error("bad source URL {url:?}: {problem}")]
    Url {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        problem: UrlProblem,
    },
    /// A replay file could not be opened.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A replay file failed while being read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}
