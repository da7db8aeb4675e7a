//! The initiator role: one-point track initiation and confirmation by track score.
//!
//! Every detection no track claimed starts a tentative track (position from the detection,
//! velocity from it when AIS reports one, otherwise zero with a wide prior). Each later detection
//! adds `ln(Pd · N(ν; 0, S) / λ)` to the track's score and each miss by a sensor that covers it
//! adds `ln(1 − Pd)` (the tracker does both); a tentative track is confirmed once its score
//! reaches `confirm_llr` with at least `min_hits` detections. The score weighs each sensor by what
//! its detections are worth: a 1 Hz IR camera with a 0.05° bearing confirms in a couple of
//! frames, a radar plot in a wide gate or a clutter-dense area takes longer, and a sensor
//! reporting several times a second cannot confirm clutter by repetition alone (a miss costs
//! what a poor hit gains). An AIS report starts a confirmed track: a transponder is a vessel.
//!
//! # References
//! - S. Blackman, R. Popoli, *Design and Analysis of Modern Tracking Systems*, Artech 1999,
//!   §6.2 (track score, sequential probability ratio test).
use nalgebra::Vector2;

use super::config::{ConfirmConfig, FilterConfig};
use super::filter::{Cov, FilterState, Gaussian, State};
use super::measurement::{Measurement, Model};
use super::scan::SensorId;
use super::tracked::TrackState;
use super::value::TrackStatus;
use crate::detection::SensorKind;

/// The initiator role (Stone Soup `Initiator`).
pub trait Initiator {
    /// A tentative track from a detection no track claimed, or `None` to ignore it.
    fn initiate(&mut self, m: &Measurement, time_s: f64, sensor: SensorId, id: u64) -> Option<TrackState>;
    /// Promote a tentative track once it has earned it.
    fn review(&self, track: &mut TrackState);
}

/// One-point initiation with confirmation by sequential track score.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackScore {
    /// Score that confirms, nats.
    pub confirm_llr: f64,
    /// Fewest detections before confirmation.
    pub min_hits: u32,
    /// 1-σ of each velocity component when none is measured, m/s.
    pub initial_speed_sigma_mps: f64,
    /// 1-σ of the turn rate at start, rad/s.
    pub turn_rate_sigma_radps: f64,
    /// Initial mode probabilities (CV, CT).
    pub mu0: [f64; 2],
}

impl TrackScore {
    /// From the configuration; `imm` chooses the initial mode probabilities.
    pub fn new(c: &ConfirmConfig, f: &FilterConfig, imm: bool) -> Self {
        TrackScore {
            confirm_llr: c.confirm_llr,
            min_hits: c.min_hits,
            initial_speed_sigma_mps: f.initial_speed_sigma_mps,
            turn_rate_sigma_radps: f.turn_rate_sigma_degps.to_radians(),
            mu0: if imm { [0.9, 0.1] } else { [1.0, 0.0] },
        }
    }
}

impl Initiator for TrackScore {
    fn initiate(&mut self, m: &Measurement, time_s: f64, sensor: SensorId, id: u64) -> Option<TrackState> {
        let mut x = State::zeros();
        let mut p = Cov::zeros();
        let sv2 = self.initial_speed_sigma_mps.powi(2);
        let (pos, pcov): (Vector2<f64>, _) = (m.approx_en, m.approx_cov);
        x[0] = pos.x;
        x[1] = pos.y;
        p.fixed_view_mut::<2, 2>(0, 0).copy_from(&pcov);
        p[(2, 2)] = sv2;
        p[(3, 3)] = sv2;
        if let Model::PositionVelocity { z, r } = &m.model {
            x[2] = z[2];
            x[3] = z[3];
            p.fixed_view_mut::<4, 4>(0, 0).copy_from(r);
        }
        p[(4, 4)] = self.turn_rate_sigma_radps.powi(2);
        if !(x.iter().all(|v| v.is_finite()) && p.iter().all(|v| v.is_finite())) {
            return None;
        }
        let f = FilterState::new(Gaussian { x, p }, self.mu0);
        let mut t = TrackState::new(id, f, time_s, m.kind, sensor, m.mmsi);
        t.record_length(m.length_m);
        if m.kind == SensorKind::Ais {
            t.score = self.confirm_llr;
            t.score_max = t.score;
            t.status = TrackStatus::Confirmed;
        }
        Some(t)
    }

    fn review(&self, t: &mut TrackState) {
        if t.status == TrackStatus::Tentative && t.score >= self.confirm_llr && t.updates >= self.min_hits {
            t.status = TrackStatus::Confirmed;
        }
    }
}
