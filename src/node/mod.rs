//! The edge-node service: one per monitoring point (`seawarden edge --config node.toml`).
//!
//! # Layout
//! The wiring layer of the edge: `inputs → Detection → tracker → Track batches → bus`, plus
//! alerts committed to the bus's outbox and a retained status report. The anomaly stage (issue 6)
//! is not wired yet; it will sit between the tracker stage and the bus (see [`tracking`]). Until
//! it lands, alerts reach the outbox only through an `alerts` input (an external analyser).
//!
//! - [`config`]: `node.toml` → validated [`NodeConfig`] ([`ConfigError`] names file, key, reason).
//! - [`input`]: one task per `[[input]]`: lines → detections (or forwarded alerts).
//! - [`tracking`]: scans → tracker → track batches.
//! - [`service`]: [`run`]`(cfg, shutdown)`, status reports, batch replay, clean shutdown.

/// `node.toml` and its validation.
pub mod config;
/// Input stages.
pub mod input;
/// The tracker stage.
pub mod tracking;
/// The service: stage wiring and lifecycle.
pub mod service;
/// `seawarden bench soak`: a bounded loopback soak of many nodes into one broker.
pub mod soak;

/// Config types.
pub use config::{ConfigError, InputKind, NodeConfig};
/// Run a node.
pub use service::{NodeError, RunSummary, bus_options, run};
