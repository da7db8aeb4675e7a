//! IR bearing (with an optional weak range, e.g. from the horizon dip) as an EKF measurement in
//! native polar coordinates: a thermal camera's range is too poor for a Gaussian in Cartesian
//! coordinates, so the update uses `h(x) = [bearing, range]` and its Jacobian at the prediction.
//!
//! # References
//! - Bar-Shalom, Li, Kirubarajan (2001), §10.3 (EKF with bearing/range measurements).
use nalgebra::{Matrix2, SMatrix, Vector2};

/// A bearing from a sensor position, with a range if the sensor estimated one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BearingRange {
    /// Sensor position, metres east/north.
    pub sensor_en: Vector2<f64>,
    /// True bearing, radians clockwise from north.
    pub bearing_rad: f64,
    /// 1-σ bearing error, radians.
    pub sigma_bearing_rad: f64,
    /// `(range_m, sigma_range_m)` if measured.
    pub range: Option<(f64, f64)>,
    /// Range assumed when none was measured (initiation only), metres, and its 1-σ.
    pub range_prior_m: (f64, f64),
}

impl BearingRange {
    /// 1 (bearing only) or 2 (bearing and range).
    #[inline]
    pub fn dim(&self) -> usize {
        if self.range.is_some() { 2 } else { 1 }
    }

    /// Predicted `[bearing_rad, range_m]` at east/north `p` and its Jacobian w.r.t. `[e, n]`.
    #[inline]
    pub fn h(&self, p: &Vector2<f64>) -> (Vector2<f64>, SMatrix<f64, 2, 2>) {
        let d = p - self.sensor_en;
        let rho2 = d.norm_squared().max(1.0);
        let rho = rho2.sqrt();
        let b = d.x.atan2(d.y);
        (Vector2::new(b, rho), Matrix2::new(d.y / rho2, -d.x / rho2, d.x / rho, d.y / rho))
    }

    /// Where the detection puts the object (measured or prior range) and how uncertain that is,
    /// by first-order propagation.
    pub fn approx_position(&self) -> (Vector2<f64>, Matrix2<f64>) {
        let (r, sr) = self.range.unwrap_or(self.range_prior_m);
        let (s, c) = self.bearing_rad.sin_cos();
        let p = self.sensor_en + Vector2::new(r * s, r * c);
        let j = Matrix2::new(s, r * c, c, -r * s);
        let cov = j * Matrix2::new(sr * sr, 0.0, 0.0, self.sigma_bearing_rad.powi(2)) * j.transpose();
        (p, cov)
    }
}
