//! Tracking quality metrics: how close a tracker's output is to the simulator's truth.
//!
//! In: truth (per-vessel samples from `seawarden sim`), tracker output (the `seawarden track`
//! JSONL contract) and the scan times to evaluate at. Out: GOSPA (`p = 1, c = 100 m, α = 2`, in a
//! local tangent plane) per scan time and on average, and track identity continuity (ID switches,
//! fragmentations). Used by `seawarden eval`, the tracker's scenario tests and the Stone Soup
//! comparison (`tools/compare_stonesoup.py`). Sits beside the pipeline, not in it: nothing
//! downstream of `track` depends on it.

mod error;
mod evaluate;
mod gospa;
mod id_switch;
mod jsonl;
mod tracks;
mod truth;

/// Why a truth, track or measurement log could not be read.
pub use error::MetricsError;
/// Whole-run scoring: GOSPA at every scan time plus ID continuity.
pub use evaluate::{EvalOptions, Evaluation, MeanScore, TimeScore, evaluate};
/// The GOSPA metric at one time.
pub use gospa::{Gospa, GospaParams, GospaScore, gospa};
/// ID switches and fragmentations over a run.
pub use id_switch::IdContinuity;
/// Tracker output and scan times.
pub use tracks::{TIME_TOLERANCE_S, TrackLog, TrackPoint, read_scan_times};
/// Simulator truth, interpolated to scan times.
pub use truth::{Truth, Vessel};
