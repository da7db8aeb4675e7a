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
//!
//! The `seawarden` binary (`src/main.rs`, `src/cli/`) is a thin layer over this library.
#![warn(missing_docs)]

pub mod detection;
pub mod geodesy;
pub mod ingest;

pub use detection::Detection;
