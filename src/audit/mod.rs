//! Access and audit: who may do what in the console, and a tamper-evident record of what they did.
//!
//! # Layout
//! - [`role`]: [`Role`]s, [`Action`]s and the permission table ([`Role::may`]).
//! - [`password`]: Argon2id hashes for console users.
//! - [`chain`]: canonical row bytes and the SHA-256 hash chain, pure.
//! - [`log`]: [`AuditLog`] in SQLite: users, [`AuditLog::login`] → [`Session`], [`AuditLog::append`],
//!   alert state changes.
//! - [`verify`]: walk the chain and report the first bad row.
//! - [`timearg`]: RFC 3339 / epoch-seconds parsing for `--from`/`--to`.
//! - [`bundle`]: evidence bundles for a time window, with a manifest of SHA-256 hashes, verifiable offline.
//!
//! The console calls [`Session::may`] to decide what to offer, and every write goes through
//! [`AuditLog::append`], which checks the role again and records refusals: policy lives here, in
//! code, not in the UI.

pub mod bundle;
pub mod chain;
mod error;
pub mod log;
pub mod password;
pub mod role;
pub mod timearg;
pub mod verify;

/// Export and offline verification of evidence bundles.
pub use bundle::{BundleReport, BundleSummary, ExportRequest, export_bundle, verify_bundle};
/// One stored row.
pub use chain::AuditRow;
/// The audit error type.
pub use error::AuditError;
/// The log and its sessions.
pub use log::{AuditLog, Session, User};
/// Argon2 cost.
pub use password::PasswordCost;
/// Roles and actions.
pub use role::{Action, Outcome, Role};
/// Chain verification.
pub use verify::{Anchor, BadRow, Problem, VerifyReport};
