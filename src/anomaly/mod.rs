//! Anomaly detection: tracks in, explained alerts out.
//!
//! # Layout
//! Data flow: `track → Track → anomaly → Alert → bus`. [`zones`] loads the areas rules ask
//! about (hotspots, waters, anchorages, no-fly; shore belt from the coast) behind an R-tree;
//! [`rules`] holds one rule per file, each a pure `check(&Track, &Scene) -> Option<Reason>`;
//! [`engine`] runs them per update, scores, and owns the alert life cycle (stable ids per
//! episode, updates not repeats, suppression, operator feedback). [`eval`] scores alerts against
//! the simulator's labelled episodes.

/// `seawarden analyze` in the library: tracker, then engine, over recorded data.
pub mod batch;
/// Run the rules per update; alert life cycle, risk score, severity.
pub mod engine;
/// Zone-file errors.
pub mod error;
/// Alerts vs labelled episodes: precision, recall, time to alert.
pub mod eval;
/// A packed R-tree over bounding boxes.
pub mod rtree;
/// One anomaly rule per file.
pub mod rules;
/// What rules see besides the track.
pub mod scene;
/// Sunrise and sunset (NOAA).
pub mod sun;
/// Zone sets from GeoJSON.
pub mod zones;

pub use engine::{Engine, EngineConfig};
pub use error::ZoneError;
pub use rules::{Rule, RuleSet};
pub use scene::{AisLog, Memo, Scene};
pub use zones::{Zone, ZoneKind, Zones};
