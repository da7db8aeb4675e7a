//! Measurement models: what a detection says about the state, in the local east/north frame.
//!
//! A [`Detection`](crate::detection::Detection) is converted once, when its scan is built, into a
//! [`Measurement`]: its [`Model`] (what the Kalman updater needs), plus an approximate position
//! and covariance that the spatial gating grid and the initiator use.
//!
//! - [`cartesian`]: a position with a full 2×2 covariance (AIS without motion, geodetic plots).
//! - [`polar`]: radar range/bearing, converted with the unbiased converted-measurement method.
//! - [`bearing`]: IR bearing with an optional weak range, updated in its native coordinates (EKF).
//! - [`ais`]: AIS position plus speed/course, a 4-D linear measurement.
use nalgebra::{Matrix2, Matrix4, Vector2, Vector4};

use crate::detection::SensorKind;

pub mod ais;
pub mod bearing;
pub mod cartesian;
pub mod polar;

/// How a measurement relates to the state `[e, n, ve, vn, ω]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// `z = [e, n]`, covariance `r` (m²). Linear.
    Position {
        /// East/north, metres.
        z: Vector2<f64>,
        /// Covariance, m².
        r: Matrix2<f64>,
    },
    /// `z = [e, n, ve, vn]` (m, m/s), covariance `r`. Linear. AIS with SOG/COG.
    PositionVelocity {
        /// Position and velocity, metres and m/s.
        z: Vector4<f64>,
        /// Covariance.
        r: Matrix4<f64>,
    },
    /// Bearing (and, if known, a weak range) from a sensor at `sensor` (EKF; IR cameras).
    Polar(bearing::BearingRange),
}

impl Model {
    /// Degrees of freedom (the measurement dimension), used to pick the gate threshold.
    #[inline]
    pub fn dim(&self) -> usize {
        match self {
            Model::Position { .. } => 2,
            Model::PositionVelocity { .. } => 4,
            Model::Polar(b) => b.dim(),
        }
    }
}

/// One measurement, ready for the tracker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// The model the updater uses.
    pub model: Model,
    /// Approximate position, metres east/north (for the gating grid and initiation).
    pub approx_en: Vector2<f64>,
    /// Covariance of `approx_en`, m².
    pub approx_cov: Matrix2<f64>,
    /// AIS identity, if the sensor reported one.
    pub mmsi: Option<u32>,
    /// Which kind of sensor produced it.
    pub kind: SensorKind,
    /// Whether `approx_en` is meaningful enough to put in the spatial grid (a bearing-only
    /// detection is a ray, gated against every track instead).
    pub localised: bool,
    /// Apparent length the sensor measured, metres (IR box size); feeds the track's length
    /// estimate, never its position.
    pub length_m: Option<f64>,
}

impl Measurement {
    /// A measurement whose approximate position is its model's position.
    pub fn from_model(model: Model, kind: SensorKind, mmsi: Option<u32>) -> Self {
        let (approx_en, approx_cov, localised) = match &model {
            Model::Position { z, r } => (*z, *r, true),
            Model::PositionVelocity { z, r } => {
                (Vector2::new(z[0], z[1]), r.fixed_view::<2, 2>(0, 0).into_owned(), true)
            }
            Model::Polar(b) => {
                let (p, c) = b.approx_position();
                (p, c, b.range.is_some())
            }
        };
        Measurement { model, approx_en, approx_cov, mmsi, kind, localised, length_m: None }
    }
}

/// Largest eigenvalue of a symmetric 2×2 matrix (closed form).
#[inline]
pub fn max_eigenvalue(m: &Matrix2<f64>) -> f64 {
    let (a, b, d) = (m[(0, 0)], m[(0, 1)], m[(1, 1)]);
    let tr = 0.5 * (a + d);
    let det = a * d - b * b;
    tr + (tr * tr - det).max(0.0).sqrt()
}

/// True when `m` is a finite, symmetric, positive-definite 2×2 covariance.
#[inline]
pub fn is_valid_cov2(m: &Matrix2<f64>) -> bool {
    m.iter().all(|v| v.is_finite())
        && m[(0, 0)] > 0.0
        && m[(1, 1)] > 0.0
        && m[(0, 0)] * m[(1, 1)] - m[(0, 1)] * m[(1, 0)] > 0.0
}
