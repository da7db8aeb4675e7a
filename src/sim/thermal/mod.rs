//! Thermal (IR) frame synthesis: vessel truth → 16-bit radiometric frames, exact labels, FFV1.
//!
//! # Layout
//! The simulator's truth ([`TruthTimeline`], one line per vessel per second) is interpolated to
//! frame times; a [`Renderer`] draws sky, land with coast lights, sea clutter, whitecaps, glint,
//! haze and the boats projected through a site's calibrated camera, then sensor blur and noise,
//! and labels each visible boat with its exact box ([`TargetLabel`]). With feature `thermal`,
//! [`write_clip`] encodes frames to lossless FFV1/MKV through GStreamer, so the whole IR chain
//! (truth → frames → GStreamer → detector → geolocation) can be scored against truth.

/// Truth JSONL and its interpolation to frame times; random traffic for evaluation.
pub mod truth;
pub use truth::{TruthError, TruthRecord, TruthTimeline, random_traffic};
/// The scene model and renderer.
pub mod render;
pub use render::{Glint, Renderer, SceneConfig, TargetLabel};
/// FFV1/MKV writer (GStreamer).
#[cfg(feature = "thermal")]
pub mod writer;
#[cfg(feature = "thermal")]
pub use writer::Ffv1Writer;
/// Whole evaluation clips: video, labels, calibration and truth.
#[cfg(feature = "thermal")]
pub mod clip;
#[cfg(feature = "thermal")]
pub use clip::{ClipSpec, ClipSummary, evaluation_clips, write_clip};
