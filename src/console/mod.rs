//! The command console (egui): every site's tracks on one vector map, the alert queue with its
//! audited workflow, node health, live MQTT or REPLAY.
//!
//! # Layout
//! Data flows `feed → picture → UI`; the UI never blocks on the network.
//! - [`projection`]: lat/lon ↔ screen, pan and zoom.
//! - [`layers`]: the static vector base map (coast, waters, hotspots, no-fly, sites).
//! - [`tracks`]: the merged track store, symbols, trails, filters.
//! - [`alerts`]: the de-duplicated alert queue and its workflow.
//! - [`health`]: node status, LWT offline, silent nodes.
//! - [`picture`]: one entry point that validates and applies every received message.
//! - [`feed`]: live MQTT thread or replay, drained once a frame.

/// Alert queue and workflow.
pub mod alerts;
/// The application and its layout.
pub mod app;
/// Live and replay message sources.
pub mod feed;
/// Node health.
pub mod health;
/// The static base map.
pub mod layers;
/// The map widget.
pub mod map;
/// The operational picture.
pub mod picture;
/// Map projection.
pub mod projection;
/// Colours.
pub mod theme;
/// Track store and filters.
pub mod tracks;

pub use app::ConsoleApp;
/// Headless frame-time measurement.
pub mod bench;
/// Deterministic synthetic picture for bench, tests and screenshots.
pub mod synth;
#[cfg(test)]
mod ui_tests;
