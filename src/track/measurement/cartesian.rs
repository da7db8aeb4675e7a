//! A position in the local plane with its full 2×2 covariance: geodetic plots and AIS without motion.
use nalgebra::{Matrix2, Vector2};

use super::{Model, is_valid_cov2};

/// A Cartesian position measurement, or `None` if the covariance is not a covariance.
///
/// # Units
/// `en` metres east/north; `cov_en_m2` m².
pub fn cartesian(en: Vector2<f64>, cov_en_m2: Matrix2<f64>) -> Option<Model> {
    let r = (cov_en_m2 + cov_en_m2.transpose()) * 0.5;
    (en.iter().all(|v| v.is_finite()) && is_valid_cov2(&r)).then_some(Model::Position { z: en, r })
}
