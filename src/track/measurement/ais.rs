//! AIS position + speed/course over ground as one 4-D linear measurement.
//!
//! SOG/COG become east/north velocity; their covariance is the first-order propagation of the
//! SOG and COG errors (ITU-R M.1371 resolutions: 0.1 kn, 0.1°; real GNSS noise is larger, hence
//! configurable 1-σ values).
use nalgebra::{Matrix2, Matrix4, Vector2, Vector4};

use super::Model;
use crate::geodesy::MPS_PER_KNOT;

/// AIS position/velocity measurement.
///
/// # Units
/// `en` metres; `cov_en_m2` m²; `sog_kn` knots; `cog_deg` degrees true; sigmas likewise.
pub fn position_velocity(
    en: Vector2<f64>,
    cov_en_m2: Matrix2<f64>,
    sog_kn: f64,
    cog_deg: f64,
    sigma_sog_kn: f64,
    sigma_cog_deg: f64,
) -> Model {
    let v = sog_kn * MPS_PER_KNOT;
    let (s, c) = cog_deg.to_radians().sin_cos();
    let j = Matrix2::new(s, v * c, c, -v * s);
    let sv = sigma_sog_kn * MPS_PER_KNOT;
    let sc = sigma_cog_deg.to_radians();
    // A floor: COG of a nearly stopped boat is noise, and GNSS velocity is never perfect.
    let floor = 0.05;
    let vcov = j * Matrix2::new(sv * sv, 0.0, 0.0, sc * sc) * j.transpose() + Matrix2::identity() * floor;
    let mut r = Matrix4::zeros();
    r.fixed_view_mut::<2, 2>(0, 0).copy_from(&cov_en_m2);
    r.fixed_view_mut::<2, 2>(2, 2).copy_from(&vcov);
    Model::PositionVelocity { z: Vector4::new(en.x, en.y, v * s, v * c), r }
}
