//! Scoring a whole tracker run against truth: GOSPA at every evaluation time, plus track
//! identity continuity over the run.
//!
//! At each evaluation time (normally every scan time of the input), the vessels that exist then
//! are interpolated from the truth, both sets are projected into one local tangent plane, and
//! [`Gospa`] scores and assigns them; the assignment feeds [`IdContinuity`].

use std::collections::HashMap;

use nalgebra::Vector2;

use crate::geodesy::{Enu, LatLon};

use super::{Gospa, GospaParams, GospaScore, IdContinuity, TrackLog, Truth};

/// How to evaluate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EvalOptions {
    /// GOSPA parameters (default: the contract's `p = 1, c = 100 m`).
    pub gospa: GospaParams,
    /// Origin of the tangent plane distances are measured in; `None`: the truth's centroid.
    pub origin: Option<LatLon>,
}

/// The score at one evaluation time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeScore {
    /// Evaluation time, seconds (the input's time base).
    pub time_s: f64,
    /// GOSPA and its parts at that time.
    pub score: GospaScore,
}

/// Means over all evaluation times.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct MeanScore {
    /// Mean GOSPA, metres.
    pub gospa_m: f64,
    /// Mean localisation part (metres for `p = 1`).
    pub localisation: f64,
    /// Mean missed-target part (metres for `p = 1`).
    pub missed: f64,
    /// Mean false-track part (metres for `p = 1`).
    pub false_tracks: f64,
    /// Mean number of missed targets per time.
    pub missed_count: f64,
    /// Mean number of false tracks per time.
    pub false_count: f64,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Origin of the tangent plane used.
    pub origin: LatLon,
    /// One entry per evaluation time, in order.
    pub per_time: Vec<TimeScore>,
    /// Means over `per_time` (all zero if there are no times).
    pub mean: MeanScore,
    /// Total ID switches over all vessels (see [`IdContinuity`]).
    pub id_switches: usize,
    /// Total fragmentations over all vessels (see [`IdContinuity`]).
    pub fragmentations: usize,
}

/// Score `tracks` against `truth` at each of `times` (ascending; scan times, see the module docs).
/// A time with no track reports is scored with no estimates.
///
/// # Panics
/// If `options.gospa` is not a valid GOSPA parameter set (see [`Gospa::new`]).
///
/// # Examples
/// ```
/// use seawarden::track::metrics::{evaluate, EvalOptions, TrackLog, Truth};
/// let truth = [
///     r#"{"time": 0, "id": "v1", "lat": 22.1, "lon": 113.5}"#,
///     r#"{"time": 2, "id": "v1", "lat": 22.1, "lon": 113.5}"#,
/// ];
/// let truth = Truth::read(truth.join("\n").as_bytes()).unwrap();
/// let tracks = TrackLog::read(r#"{"time": 1, "track_id": "1", "lat": 22.1, "lon": 113.5}"#.as_bytes()).unwrap();
/// // At t = 2 the tracker output nothing: the vessel is missed then.
/// let e = evaluate(&truth, &tracks, &[1.0, 2.0], &EvalOptions::default());
/// assert_eq!(e.per_time[0].score.gospa_m, 0.0);
/// assert_eq!(e.per_time[1].score.gospa_m, 50.0);
/// assert_eq!(e.mean.gospa_m, 25.0);
/// ```
pub fn evaluate(truth: &Truth, tracks: &TrackLog, times: &[f64], options: &EvalOptions) -> Evaluation {
    let origin = options
        .origin
        .or_else(|| truth.centroid())
        .or_else(|| tracks.points.first().map(|p| p.pos))
        .unwrap_or(LatLon::new(0.0, 0.0));
    let frame = Enu::at(origin);
    let mut gospa = Gospa::new(options.gospa);
    let mut continuity = IdContinuity::default();
    let mut track_ids: HashMap<&str, usize> = HashMap::new();

    let mut vessels_now = Vec::new();
    let mut truth_en: Vec<Vector2<f64>> = Vec::new();
    let mut track_en: Vec<Vector2<f64>> = Vec::new();
    let mut assigned: Vec<(usize, Option<usize>)> = Vec::new();
    let mut per_time = Vec::with_capacity(times.len());
    for &time_s in times {
        truth.at(time_s, &mut vessels_now);
        truth_en.clear();
        truth_en.extend(vessels_now.iter().map(|(_, p)| frame.to_en(*p)));
        let reports = tracks.at(time_s);
        track_en.clear();
        track_en.extend(reports.iter().map(|r| frame.to_en(r.pos)));

        let score = gospa.score(&truth_en, &track_en);
        per_time.push(TimeScore { time_s, score });

        assigned.clear();
        for (&(vessel, _), est) in vessels_now.iter().zip(gospa.assignment()) {
            let track = est.map(|j| {
                let fresh = track_ids.len();
                *track_ids.entry(reports[j].track_id.as_str()).or_insert(fresh)
            });
            assigned.push((vessel, track));
        }
        continuity.update(assigned.iter().copied());
    }

    let mean = mean_of(&per_time);
    Evaluation {
        origin,
        per_time,
        mean,
        id_switches: continuity.id_switches(),
        fragmentations: continuity.fragmentations(),
    }
}

fn mean_of(per_time: &[TimeScore]) -> MeanScore {
    if per_time.is_empty() {
        return MeanScore::default();
    }
    let n = per_time.len() as f64;
    let mut m = MeanScore::default();
    for t in per_time {
        m.gospa_m += t.score.gospa_m;
        m.localisation += t.score.localisation;
        m.missed += t.score.missed;
        m.false_tracks += t.score.false_tracks;
        m.missed_count += t.score.missed_count as f64;
        m.false_count += t.score.false_count as f64;
    }
    m.gospa_m /= n;
    m.localisation /= n;
    m.missed /= n;
    m.false_tracks /= n;
    m.missed_count /= n;
    m.false_count /= n;
    m
}
