//! The one error type of the metrics module: reading truth, tracks and scan times.

/// Why a truth, track or measurement log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The underlying reader failed.
    #[error("reading line {line}: {source}")]
    Io {
        /// 1-based line number being read.
        line: usize,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line is not a JSON object with the fields this log needs.
    #[error("line {line}: {source}")]
    Parse {
        /// 1-based line number.
        line: usize,
        /// What was wrong with it.
        #[source]
        source: serde_json::Error,
    },
    /// A field holds a value that cannot be used (a non-finite time or position).
    #[error("line {line}: field `{field}` is not a finite number")]
    NotFinite {
        /// 1-based line number.
        line: usize,
        /// The field name.
        field: &'static str,
    },
}
