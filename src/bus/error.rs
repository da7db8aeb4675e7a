//! The bus's one error type.

use std::path::PathBuf;

/// Everything that can go wrong on the bus: options, TLS material, the outbox, the broker.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The broker URL is not `mqtt://host:port` or `mqtts://host:port`.
    #[error("broker url {url:?}: {reason}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A site/unit id cannot be a topic level (see `topic::valid_segment`).
    #[error("{id:?} is not a valid topic segment (lowercase letters, digits, '-', '_')")]
    BadId {
        /// The id as given.
        id: String,
    },
    /// A TLS file could not be read or parsed.
    #[error("TLS {what} {path}: {reason}")]
    Tls {
        /// Which file: `ca`, `cert` or `key`.
        what: &'static str,
        /// Its path.
        path: PathBuf,
        /// Why it failed.
        reason: String,
    },
    /// The SQLite outbox failed.
    #[error("outbox {path}: {source}")]
    Outbox {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A message could not be serialised (a NaN in a float field, say).
    #[error("encoding a {kind} message: {source}")]
    Encode {
        /// Which message.
        kind: &'static str,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// The bus loop has stopped, so the handle cannot hand anything over.
    #[error("the bus loop has stopped")]
    Closed,
    /// Writing the listener's output failed.
    #[error("writing {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Certificate generation failed.
    #[error("certificate generation: {0}")]
    Certs(String),
    /// The embedded broker failed to start.
    #[error("embedded broker: {0}")]
    Broker(String),
}
