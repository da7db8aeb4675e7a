//! Multi-sensor vessel tracker: detections in, tracks out.
//!
//! # Layout
//! The tracker is a loop over swappable parts (Stone Soup roles), resolved at compile time:
//! [`Tracker<P, U, A, I, D>`](Tracker) with a [`Predictor`](filter::Predictor),
//! [`Updater`](kalman::Updater), [`Associator`](associator::Associator),
//! [`Initiator`](score::Initiator) and [`Deleter`](deleter::Deleter).
//! Detections become a [`Scan`] of [`Measurement`](measurement::Measurement)s in the node's local
//! east/north frame; [`Tracker::step`] turns each scan into updated tracks; confirmed tracks leave
//! as [`Track`] values in WGS-84. Tracks are confirmed and deleted by their track score (a
//! sequential log-likelihood ratio, [`score`]), and two tracks of one vessel inside a node are
//! merged at every step. Across nodes, [`fusion`] merges tracks of the same vessel.
//!
//! Data flow: `ingest → Detection → (scan) → track::Tracker → Track → anomaly`.

/// Optimal rectangular assignment (Jonker–Volgenant), shared with the metrics.
pub mod assign;
/// The associator role and its hypotheses.
pub mod associator;
/// Micro-benchmark helpers: per-scan time vs number of targets.
pub mod bench;
/// Sensor masts from sensor names (`ir-<site>`).
pub mod masts;
/// Union-find clustering of gated pairs.
pub mod cluster;
/// Tracker configuration (`assets/track.toml`).
pub mod config;
/// The deleter role: track-score drop, coasting time, covariance growth.
pub mod deleter;
/// Motion models: CV, CT, IMM.
pub mod filter;
/// Cross-node track-to-track fusion (covariance intersection).
pub mod fusion;
/// Batch runner behind `seawarden track` (JSONL in, JSONL out).
pub mod batch;
/// Chi-square gates and the spatial gating grid.
pub mod gate;
/// Global nearest neighbour association.
pub mod gnn;
/// Kalman / EKF updater (and out-of-sequence retrodicted update).
pub mod kalman;
/// Measurement models: Cartesian, radar polar (UCM), IR bearing, AIS.
pub mod measurement;
/// Tracking metrics (GOSPA).
pub mod metrics;
/// The initiator role: one-point initiation, confirmation by track score.
pub mod score;
/// Scans and detection → measurement conversion.
pub mod scan;
/// The per-track record inside the tracker.
pub mod tracked;
/// The tracker loop.
pub mod tracker;
/// The public `Track` value.
pub mod value;

pub use batch::{BatchStats, run_batch, run_batch_with_sites};
pub use config::TrackerConfig;
pub use scan::{Scan, measurement_from_detection};
pub use tracked::TrackState;
pub use tracker::{DefaultTracker, Tracker, TrackerStats};
pub use value::{Track, TrackId, TrackStatus, VesselClass};
