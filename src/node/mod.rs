//! The edge-node service: one per monitoring point (`seawarden edge --config node.toml`).
//!
//! # Layout
//! The wiring layer of the edge: `inputs → Detection → tracker → Track → anomaly → Alert → bus`,
//! plus track batches and a retained status report. Alerts from the anomaly stage (`[anomaly]`,
//! on by default) and from `alerts` inputs (an external analyser) are committed to the bus's
//! outbox, never to a lossy channel.
//!
//! - [`config`]: `node.toml` → validated [`NodeConfig`] ([`ConfigError`] names file, key, reason).
//! - [`input`]: one task per `[[input]]`: lines → detections (or forwarded alerts).
//! - [`video`]: `kind = "video"` inputs: frames → hot spots → IR detections.
//! - [`tracking`]: scans → tracker → track batches, and the anomaly stage → alerts.
//! - [`service`]: [`run`]`(cfg, shutdown)`, status reports, batch replay, clean shutdown.

/// `node.toml` and its validation.
pub mod config;
/// Slew-to-cue: `slew_to_cue` commands steer the `[ptz]` head.
pub mod cue;
/// Input stages.
pub mod input;
/// The service: stage wiring and lifecycle.
pub mod service;
/// `seawarden bench soak`: a bounded loopback soak of many nodes into one broker.
pub mod soak;
/// The tracker stage.
pub mod tracking;
/// The video input stage: IR capture, detection and geolocation on its own thread.
pub mod video;

/// Config types.
pub use config::{AnomalyConfig, ConfigError, InputKind, NodeConfig};
/// Run a node.
pub use service::{NodeError, RunSummary, bus_options, run};
