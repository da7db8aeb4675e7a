//! The data-association role (Stone Soup `DataAssociator` with its hypothesiser): given the
//! tracks' predictions and one scan, decide which detection (if any) updates each track.
use super::filter::Gaussian;
use super::kalman::Updater;
use super::scan::Scan;
use super::tracked::TrackState;

/// What happened to one track in one scan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hypothesis {
    /// No detection was associated: the track keeps its prediction.
    Missed {
        /// Track index.
        track: u32,
    },
    /// Detection `det` updates track `track`.
    Detected {
        /// Track index.
        track: u32,
        /// Detection index in the scan.
        det: u32,
        /// Assignment cost (negative log-likelihood ratio against miss + clutter).
        cost: f64,
    },
}

/// The associator role.
pub trait Associator {
    /// Fill `out` with exactly one hypothesis per track, in track order; no detection is used
    /// twice. `predicted[i]` is track `i`'s combined prediction at the scan time.
    fn associate<U: Updater>(
        &mut self,
        updater: &U,
        predicted: &[Gaussian],
        tracks: &[TrackState],
        scan: &Scan,
        out: &mut Vec<Hypothesis>,
    );
}
