//! Anomaly detection: tracks in, explained alerts out.
//!
//! # Layout
//! Data flow: `track → Track → anomaly → Alert → bus`. [`zones`] loads the areas rules ask
//! about (hotspots, waters, anchorages, no-fly; shore belt from the coast) behind an R-tree;
//! [`rules`] holds one rule per file, each a pure `check(&Track, &Scene) -> Option<Reason>`;
//! [`engine`] runs them per update, scores, and owns the alert life cycle (stable ids per
//! episode, updates not repeats, suppression, operator feedback). [`eval`] scores alerts against
//! the simulator's labelled episodes.
//!
//! # Evaluation and tuning
//! `tools/eval_alerts.sh` runs `seawarden sim` → `seawarden analyze` (the node's own tracker +
//! engine path, [`batch::Replay`]) → `seawarden eval-alerts` over the labelled scenarios
//! (quiet-day, night-smuggling, smuggling-wave, rendezvous, dusk-harbour, drifting-boat,
//! busy-harbour) and prints per-rule precision/recall and time to alert. Thresholds changed from
//! the first settings after that measurement, each documented at its rule: `dark_target` 3 kn →
//! 20 kn at night / 22 kn by day for small craft (dark fishing and pleasure boats), `ais_gap`
//! 120 s → 600 s below 3 kn (AIS reports every 3 min at anchor), `night_fast_craft` 18 → 20 kn
//! (pleasure craft after sunset), `boundary_crossing` 3 → 8 kn (fishing along the Hengqin line).

/// `seawarden analyze` in the library: tracker, then engine, over recorded data.
pub mod batch;
/// Run the rules per update; alert life cycle, risk score, severity.
pub mod engine;
/// Zone-file errors.
pub mod error;
/// Alerts vs labelled episodes: precision, recall, time to alert.
pub mod eval;
/// Items grouped by grid cell for neighbour lookups; a libm-free floor for cell indices.
pub mod grid;
/// Fast exact-answer distance threshold tests for the hot path.
pub mod near;
/// A coarse grid per zone answering point-in-zone queries without the polygon test.
pub mod raster;
/// A packed R-tree over bounding boxes.
pub mod rtree;
/// One anomaly rule per file.
pub mod rules;
/// What rules see besides the track.
pub mod scene;
/// Track id → dense slot (one fast hash per track per update).
pub mod slots;
/// Sunrise and sunset (NOAA).
pub mod sun;
/// Zone sets from GeoJSON.
pub mod zones;

pub use engine::{Engine, EngineConfig};
pub use error::ZoneError;
pub use rules::{Rule, RuleSet};
pub use scene::{AisLog, Memo, Scene};
pub use zones::{Zone, ZoneKind, Zones};
