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
//! - [`playback`]: replay pause, speed and seek (a seek rebuilds the picture from the recording).
//! - [`snapshot`]: IR snapshots carried in alerts as PNG data URIs, decoded once into textures.
//! - `app/drone.rs`: assigning an alert to a drone team plans, sends and exports its mission.

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
/// Audible alarm for high-severity alerts.
pub mod sound;
/// Colours.
pub mod theme;
/// Track store and filters.
pub mod tracks;
/// On-screen replay control: pause, speed, seek.
pub mod playback;
/// IR snapshots (inline PNG data URIs) as textures.
pub mod snapshot;

pub use app::ConsoleApp;
/// Headless frame-time measurement.
pub mod bench;
/// Deterministic synthetic picture for bench, tests and screenshots.
pub mod synth;
#[cfg(test)]
mod ui_tests;
#[cfg(test)]
mod ui_snapshots;
