//! Range/bearing geometry: where a polar plot lands on the ellipsoid, and how sure we are.
//!
//! The geodesics themselves come from [`crate::geodesy`]; this file adds the error model.

use crate::geodesy::{self, LatLon};

/// East/north covariance of a range/bearing measurement, propagated through the Jacobian of
/// `e = r·sin θ, n = r·cos θ` at the measured range and bearing.
///
/// A radar's error is long and thin: small along the beam (range σ), wide across it
/// (range × bearing σ). A circle of either size would be wrong by an order of magnitude at range.
///
/// # Units
/// `range_m`, `sigma_range_m`: metres; `bearing_deg`, `sigma_bearing_deg`: degrees (bearing
/// clockwise from north). Returns `[[σe², σen], [σen, σn²]]` in metres².
///
/// # Examples
/// ```
/// use seawarden::ingest::radar::polar_covariance_en;
/// // Due east at 10 km: range error lies east–west, bearing error north–south.
/// let c = polar_covariance_en(10_000.0, 90.0, 20.0, 1.0);
/// assert!((c[0][0] - 400.0).abs() < 1e-6);
/// let cross = 10_000.0 * 1f64.to_radians();
/// assert!((c[1][1] - cross * cross).abs() < 1e-6);
/// assert!(c[0][1].abs() < 1e-6);
/// ```
///
/// # References
/// Y. Bar-Shalom, X. R. Li, T. Kirubarajan, *Estimation with Applications to Tracking and
/// Navigation* (2001), §1.4.18 (linearised polar-to-Cartesian conversion).
pub fn polar_covariance_en(
    range_m: f64,
    bearing_deg: f64,
    sigma_range_m: f64,
    sigma_bearing_deg: f64,
) -> [[f64; 2]; 2] {
    let (s, c) = bearing_deg.to_radians().sin_cos();
    let vr = sigma_range_m * sigma_range_m;
    let cross = range_m * sigma_bearing_deg.to_radians();
    let vb = cross * cross;
    let ee = s * s * vr + c * c * vb;
    let nn = c * c * vr + s * s * vb;
    let en = s * c * (vr - vb);
    [[ee, en], [en, nn]]
}

/// Add an isotropic variance (the sensor's own position error) to a covariance.
pub(crate) fn plus_isotropic(mut cov: [[f64; 2]; 2], sigma_m: f64) -> [[f64; 2]; 2] {
    cov[0][0] += sigma_m * sigma_m;
    cov[1][1] += sigma_m * sigma_m;
    cov
}

pub(crate) use geodesy::destination;

/// Geodesic range (metres) and initial true bearing (degrees) from `from` to `to`, both
/// `(lat_deg, lon_deg)`.
pub(crate) fn range_bearing(from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
    let (a, b) = (LatLon::new(from.0, from.1), LatLon::new(to.0, to.1));
    (geodesy::distance_m(a, b), geodesy::bearing_deg(a, b).rem_euclid(360.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    mod polar_covariance_en {
        use super::*;

        #[test]
        fn due_north_puts_range_error_on_the_north_axis() {
            let c = polar_covariance_en(5_000.0, 0.0, 10.0, 0.5);
            assert!((c[1][1] - 100.0).abs() < 1e-9);
            let cross = 5_000.0 * 0.5f64.to_radians();
            assert!((c[0][0] - cross * cross).abs() < 1e-6);
        }

        #[test]
        fn diagonal_bearing_correlates_east_and_north() {
            // At 45° with bearing error dominating, the ellipse's long axis runs NW–SE,
            // so east and north errors are anti-correlated.
            let c = polar_covariance_en(10_000.0, 45.0, 10.0, 1.0);
            assert!(c[0][1] < 0.0);
            assert!((c[0][0] - c[1][1]).abs() < 1e-6);
        }

        #[test]
        fn determinant_is_range_sigma_times_cross_range_sigma_squared() {
            let c = polar_covariance_en(8_000.0, 123.0, 15.0, 0.7);
            let det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
            let expect = (15.0 * 8_000.0 * 0.7f64.to_radians()).powi(2);
            assert!((det / expect - 1.0).abs() < 1e-9);
        }
    }

    mod destination {
        use super::*;

        #[test]
        fn one_nautical_mile_north_is_about_one_arc_minute() {
            let (lat, lon) = destination(22.0, 113.5, 0.0, 1852.0);
            // The nautical mile is an arc-minute at 45°; nearer the equator the meridian
            // degree is shorter, so 1852 m spans slightly more latitude.
            assert!(lat - 22.0 > 1.0 / 60.0 && lat - 22.0 < 1.0 / 60.0 + 1e-4, "{lat}");
            assert!((lon - 113.5).abs() < 1e-12);
            let (r, b) = range_bearing((22.0, 113.5), (lat, lon));
            assert!((r - 1852.0).abs() < 1e-6 && b.min(360.0 - b) < 1e-9, "{b}");
        }
    }
}
