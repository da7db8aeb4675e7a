//! Seawarden: maritime surveillance for a busy coastline.
//!
//! # Layout
//! Data flows one way, and each arrow is a typed value:
//! `ingest → Detection → track → Track → anomaly → Alert → bus → console → tasking`.
//!
//! - [`ingest`]: raw sensor bytes (NMEA AIS and radar sentences, later IR video) become
//!   [`Detection`]s.
//! - [`detection`]: the value every sensor produces, the tracker's only input.
//! - [`geodesy`]: WGS-84 positions, local tangent-plane (ENU) frames, distances and bearings.
//! - [`coast`]: the real coastline: is this point land, does this leg cross it, a route over water.
//! - [`track`]: detections → vessel tracks (filters, association, life cycle, fusion, metrics).
//! - [`tasking`]: drone missions (patterns, geofence, QGC/WPL/KML/CoT export) and patrol intercepts.
//! - [`alert`]: the alert value type and its deterministic id.
//! - [`anomaly`]: zones, rules and the alert engine: tracks → explained alerts.
//! - [`bus`]: MQTT messages, topics, client with its SQLite alert outbox, embedded broker.
//! - [`node`]: the edge-node service: config and wiring of ingest → track → bus.
//! - [`sim`]: scenarios on the real coast and sensor models that emit the same bytes as real sensors.
//!
//! The `seawarden` binary (`src/main.rs`, `src/cli/`) is a thin layer over this library.
#![warn(missing_docs)]

pub mod alert;
pub mod audit;
pub mod anomaly;
pub mod bus;
pub mod coast;
#[cfg(feature = "console")]
pub mod console;
pub mod demo;
pub mod detection;
pub mod geodesy;
pub mod ingest;
pub mod node;
pub mod sim;
pub mod tasking;
pub mod track;

pub use detection::Detection;
