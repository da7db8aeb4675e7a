//! The audit module's error type.

use std::path::PathBuf;

use super::role::{Action, Role};

/// Why an audit operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// SQLite failed (file missing, locked, not a database, …).
    #[error("audit database: {0}")]
    Db(#[from] rusqlite::Error),
    /// Unknown user, wrong password or disabled account; deliberately not saying which.
    #[error("login refused: unknown user, wrong password or disabled account")]
    BadCredentials,
    /// The session's role may not do this; the attempt itself was recorded.
    #[error("{user} ({role}) may not {action}")]
    Forbidden {
        /// Who tried.
        user: String,
        /// Their role.
        role: Role,
        /// What they tried.
        action: Action,
    },
    /// A user of that name exists already.
    #[error("user {0:?} exists already")]
    UserExists(String),
    /// User names are 1–64 characters of letters, digits, `.`, `_`, `-`.
    #[error("bad user name {0:?}: use 1-64 letters, digits, '.', '_' or '-'")]
    BadUserName(String),
    /// Too short a password.
    #[error("password too short: at least {min} characters")]
    WeakPassword {
        /// The minimum length.
        min: usize,
    },
    /// Hashing or parsing a stored hash failed.
    #[error("password hash: {0}")]
    Hash(String),
    /// A stored value is not what the schema promises (tampering or corruption).
    #[error("audit row {seq}: {what}")]
    Corrupt {
        /// The row.
        seq: i64,
        /// What is wrong.
        what: String,
    },
    /// File I/O while exporting or verifying a bundle.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An evidence bundle cannot be written or read (bad output dir, bad manifest).
    #[error("evidence bundle: {0}")]
    Bundle(String),
}

impl AuditError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> AuditError + '_ {
        move |source| AuditError::Io { path: path.to_path_buf(), source }
    }
}
