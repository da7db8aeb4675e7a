//! Range over the sea from the angle below the horizontal, and back.
//!
//! A camera on a mast sees a boat on the water at some depression below the horizontal; the
//! higher the mast and the nearer the boat, the steeper the look down. [`SeaSurface`] turns that
//! depression into the distance along the sea surface, allowing for the earth's curvature and
//! for standard atmospheric refraction, and estimates how far a small angular error moves the
//! range.
//!
//! # Model
//! Light in the lower atmosphere bends slightly towards the earth. The standard way to account
//! for it is to trace straight lines over a sphere of *effective* radius `k·R`, with `R` the
//! earth's mean radius and `k = 4/3` for the ITU-R standard atmosphere (a refractivity gradient
//! of about −40 N-units per km). The geometry below is then exact for that sphere: a sea point at
//! surface distance `d` subtends `θ = d / (k·R)` at the centre, and from height `h` it lies at
//! depression `δ = atan2(h + k·R·(1 − cos θ), k·R·sin θ)`, which for short ranges is close to
//! `atan(h/d) + d / (2·k·R)`: the curvature term adds to the flat-sea angle, because the sea
//! falls away below the camera's horizontal plane by about `d² / (2·k·R)`. The horizon lies at `k·R·acos(k·R / (k·R + h))`,
//! close to `√(2·k·R·h)`.
//!
//! Sea level is the camera's datum: the mast height is the optical centre's height above the
//! water at the time, so tide is the caller's correction. Ranges are distances along the sea
//! surface (what a chart measures), not slant ranges. Night-time over-water ducting can make `k`
//! much larger; [`SeaSurface::with_refraction_k`] takes another value.
//!
//! # References
//! - ITU-R P.834-9 (2017), *Effects of tropospheric refraction on radiowave propagation*, §1
//!   and ITU-R P.453-14 (2019): effective earth radius factor `k = 4/3` (median, temperate).
//! - N. Bowditch, *The American Practical Navigator* (NGA Pub. 9, 2019), table 12 and ch. 13:
//!   distance to the horizon with refraction.
//! - H. Moritz, "Geodetic Reference System 1980", *Journal of Geodesy* 74 (2000): mean earth
//!   radius `R₁ = 6 371 008.8 m`.

use crate::error::CalibrationError;

/// Mean radius of the earth, `R₁ = (2a + b) / 3` of GRS 80 / WGS 84, for the spherical earth
/// the range model uses.
///
/// # Units
/// Metres.
pub const EARTH_MEAN_RADIUS_M: f64 = 6_371_008.8;

/// Effective earth radius factor of the standard atmosphere (ITU-R P.834): scales the earth's
/// radius so that refracted lines of sight become straight.
pub const STANDARD_REFRACTION_K: f64 = 4.0 / 3.0;

/// The sea seen from a camera at a given height: depression ↔ range over the surface.
///
/// # Examples
/// ```
/// # use calibration::SeaSurface;
/// let sea = SeaSurface::try_new(30.0)?;
/// // Horizon from 30 m with standard refraction: about 22.6 km.
/// assert!((sea.horizon_range_m() - 22_576.0).abs() < 5.0);
/// // A boat 0.5° below the horizontal is a little over 3 km out, and back.
/// let range_m = sea.range_m(0.5)?;
/// assert!((sea.depression_deg(range_m)? - 0.5).abs() < 1e-12);
/// # Ok::<(), calibration::CalibrationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeaSurface {
    height_m: f64,
    effective_radius_m: f64,
}

impl SeaSurface {
    /// Seen from `height_m` above the sea, with standard refraction ([`STANDARD_REFRACTION_K`]).
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParameter`] unless `height_m` is positive and finite.
    pub fn try_new(height_m: f64) -> Result<SeaSurface, CalibrationError> {
        SeaSurface::with_refraction_k(height_m, STANDARD_REFRACTION_K)
    }

    /// Seen from `height_m` above the sea, with effective earth radius factor `k` (1 for no
    /// refraction, 4/3 standard, larger in ducting conditions).
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParameter`] unless `height_m` and `k` are positive and finite.
    pub fn with_refraction_k(height_m: f64, k: f64) -> Result<SeaSurface, CalibrationError> {
        if !(height_m.is_finite() && height_m > 0.0) {
            return Err(CalibrationError::InvalidParameter {
                name: "mast_height_m",
                value: height_m,
                expected: "a positive finite height above the sea",
            });
        }
        if !(k.is_finite() && k > 0.0) {
            return Err(CalibrationError::InvalidParameter {
                name: "refraction_k",
                value: k,
                expected: "a positive finite effective earth radius factor",
            });
        }
        Ok(SeaSurface {
            height_m,
            effective_radius_m: k * EARTH_MEAN_RADIUS_M,
        })
    }

    /// Camera height above the sea, metres.
    pub fn height_m(&self) -> f64 {
        self.height_m
    }

    /// Radius of the sphere lines of sight are traced over, `k·R`, metres.
    pub fn effective_radius_m(&self) -> f64 {
        self.effective_radius_m
    }

    /// Depression of the sea horizon below the horizontal (the dip), degrees.
    pub fn horizon_dip_deg(&self) -> f64 {
        self.horizon_angle_rad().to_degrees()
    }

    /// Distance along the sea surface to the horizon, metres.
    pub fn horizon_range_m(&self) -> f64 {
        self.effective_radius_m * self.horizon_angle_rad()
    }

    /// The centre angle to the horizon, which equals the dip: `acos(Re / (Re + h))`, computed as
    /// `atan(√(2Re·h + h²) / Re)` to keep precision for masts far smaller than the earth.
    fn horizon_angle_rad(&self) -> f64 {
        let (re, h) = (self.effective_radius_m, self.height_m);
        ((2.0 * re * h + h * h).sqrt() / re).atan()
    }

    /// Distance along the sea surface to where a line of sight `depression_deg` below the
    /// horizontal meets the water.
    ///
    /// # Units
    /// `depression_deg`: degrees below the horizontal (positive looks down). Returns metres.
    ///
    /// # Errors
    /// [`CalibrationError::AboveHorizon`] when the line of sight is at or above the horizon
    /// (it meets no sea), [`CalibrationError::NotFinite`] for NaN.
    pub fn range_m(&self, depression_deg: f64) -> Result<f64, CalibrationError> {
        if !depression_deg.is_finite() {
            return Err(CalibrationError::NotFinite {
                name: "depression_deg",
            });
        }
        let dip_rad = self.horizon_angle_rad();
        let delta = depression_deg.to_radians();
        if delta <= dip_rad {
            return Err(CalibrationError::AboveHorizon {
                depression_deg,
                horizon_dip_deg: dip_rad.to_degrees(),
            });
        }
        if depression_deg >= 90.0 {
            return Ok(0.0);
        }
        // The ray from the camera, at distance Re + h from the centre, meets the sphere after
        // t = b − √(b² − c) with b = (Re + h)·sin δ and c = 2·Re·h + h²; written as
        // c / (b + √(b² − c)) it has no cancellation.
        let (re, h) = (self.effective_radius_m, self.height_m);
        let (sin_d, cos_d) = delta.sin_cos();
        let b = (re + h) * sin_d;
        let c = 2.0 * re * h + h * h;
        let t = c / (b + (b * b - c).max(0.0).sqrt());
        let theta = (t * cos_d).atan2(re + h - t * sin_d);
        Ok(re * theta)
    }

    /// Depression below the horizontal of the sea point `range_m` away along the surface.
    ///
    /// # Units
    /// `range_m`: metres along the surface. Returns degrees below the horizontal.
    ///
    /// # Errors
    /// [`CalibrationError::BeyondHorizon`] past the horizon, [`CalibrationError::InvalidParameter`]
    /// for a negative range, [`CalibrationError::NotFinite`] for NaN or infinity.
    pub fn depression_deg(&self, range_m: f64) -> Result<f64, CalibrationError> {
        self.check_range(range_m)?;
        let (a, b) = self.rise_and_run(range_m);
        Ok(a.atan2(b).to_degrees())
    }

    /// First-order 1-σ error of a range measured through an angular error: how far along the
    /// surface the sea point moves when the depression is off by `sigma_depression_deg`.
    ///
    /// It is `σ_δ / |dδ/dd|`, which grows quickly with range (roughly with its square at short
    /// range) and becomes infinite at the horizon, where a tiny angle covers any distance. The
    /// true error is asymmetric (larger outward); first order is the usual input to a tracker's
    /// measurement covariance.
    ///
    /// # Units
    /// `range_m` metres, `sigma_depression_deg` degrees; returns metres.
    ///
    /// # Errors
    /// As [`SeaSurface::depression_deg`]; [`CalibrationError::InvalidParameter`] for a negative
    /// or non-finite sigma.
    ///
    /// # Examples
    /// ```
    /// # use calibration::SeaSurface;
    /// let sea = SeaSurface::try_new(30.0)?;
    /// let near = sea.range_error_m(2_000.0, 0.01)?;
    /// let far = sea.range_error_m(10_000.0, 0.01)?;
    /// assert!(far > 10.0 * near);
    /// # Ok::<(), calibration::CalibrationError>(())
    /// ```
    pub fn range_error_m(
        &self,
        range_m: f64,
        sigma_depression_deg: f64,
    ) -> Result<f64, CalibrationError> {
        if !(sigma_depression_deg.is_finite() && sigma_depression_deg >= 0.0) {
            return Err(CalibrationError::InvalidParameter {
                name: "sigma_depression_deg",
                value: sigma_depression_deg,
                expected: "a non-negative finite angle",
            });
        }
        self.check_range(range_m)?;
        let (re, h) = (self.effective_radius_m, self.height_m);
        let theta = range_m / re;
        let (a, b) = self.rise_and_run(range_m);
        // dδ/dd = (Re − (Re + h)·cos θ) / (A² + B²) per metre, with Re·(1 − cos θ) written as
        // 2·Re·sin²(θ/2) to keep precision; it is negative (further is shallower) and reaches
        // zero at the horizon.
        let half = (theta / 2.0).sin();
        let slope_per_m = (2.0 * re * half * half - h * theta.cos()) / (a * a + b * b);
        if slope_per_m == 0.0 {
            return Ok(f64::INFINITY);
        }
        Ok(sigma_depression_deg.to_radians() / slope_per_m.abs())
    }

    /// The sea point's drop below the camera and its horizontal offset, in the plane of the
    /// line of sight: `(h + Re·(1 − cos θ), Re·sin θ)`.
    fn rise_and_run(&self, range_m: f64) -> (f64, f64) {
        let (re, h) = (self.effective_radius_m, self.height_m);
        let theta = range_m / re;
        let half = (theta / 2.0).sin();
        (h + 2.0 * re * half * half, re * theta.sin())
    }

    fn check_range(&self, range_m: f64) -> Result<(), CalibrationError> {
        if !range_m.is_finite() {
            return Err(CalibrationError::NotFinite { name: "range_m" });
        }
        if range_m < 0.0 {
            return Err(CalibrationError::InvalidParameter {
                name: "range_m",
                value: range_m,
                expected: "a distance of zero or more",
            });
        }
        let horizon_range_m = self.horizon_range_m();
        if range_m > horizon_range_m {
            return Err(CalibrationError::BeyondHorizon {
                range_m,
                horizon_range_m,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mast_30m() -> SeaSurface {
        SeaSurface::try_new(30.0).unwrap()
    }

    mod horizon_range_m {
        use super::*;

        #[test]
        fn from_30_m_is_about_22_6_km_with_standard_refraction() {
            let expected = (2.0 * STANDARD_REFRACTION_K * EARTH_MEAN_RADIUS_M * 30.0).sqrt();
            assert!((expected - 22_576.0).abs() < 1.0);
            assert!((mast_30m().horizon_range_m() - expected).abs() < 1.0);
        }

        #[test]
        fn is_shorter_without_refraction() {
            let plain = SeaSurface::with_refraction_k(30.0, 1.0).unwrap();
            assert!(plain.horizon_range_m() < mast_30m().horizon_range_m());
            assert!((plain.horizon_range_m() - 19_551.0).abs() < 5.0);
        }
    }

    mod depression_deg {
        use super::*;

        #[test]
        fn at_5_km_from_30_m_matches_the_flat_sea_angle_plus_the_curvature_drop() {
            let (h, d): (f64, f64) = (30.0, 5_000.0);
            let re = STANDARD_REFRACTION_K * EARTH_MEAN_RADIUS_M;
            let approx_rad = (h / d).atan() + d / (2.0 * re);
            let exact_rad = mast_30m().depression_deg(d).unwrap().to_radians();
            assert!(
                (exact_rad - approx_rad).abs() < 1e-7,
                "{exact_rad} vs {approx_rad}"
            );
            assert!((exact_rad.to_degrees() - 0.36063).abs() < 1e-4);
        }

        #[test]
        fn straight_down_at_zero_range() {
            assert!((mast_30m().depression_deg(0.0).unwrap() - 90.0).abs() < 1e-12);
        }

        #[test]
        fn equals_the_dip_at_the_horizon() {
            let sea = mast_30m();
            let at_horizon = sea.depression_deg(sea.horizon_range_m()).unwrap();
            assert!((at_horizon - sea.horizon_dip_deg()).abs() < 1e-9);
        }

        #[test]
        fn refuses_a_range_past_the_horizon() {
            assert!(matches!(
                mast_30m().depression_deg(30_000.0),
                Err(CalibrationError::BeyondHorizon { .. })
            ));
        }

        #[test]
        fn refuses_a_negative_range() {
            assert!(matches!(
                mast_30m().depression_deg(-1.0),
                Err(CalibrationError::InvalidParameter {
                    name: "range_m",
                    ..
                })
            ));
        }
    }

    mod range_m {
        use super::*;

        #[test]
        fn a_line_of_sight_above_the_horizon_meets_no_sea() {
            let sea = mast_30m();
            for depression in [0.0, -1.0, sea.horizon_dip_deg()] {
                assert!(matches!(
                    sea.range_m(depression),
                    Err(CalibrationError::AboveHorizon { .. })
                ));
            }
        }

        #[test]
        fn straight_down_is_zero_range() {
            assert_eq!(mast_30m().range_m(90.0).unwrap(), 0.0);
        }

        #[test]
        fn just_below_the_dip_is_near_the_horizon() {
            let sea = mast_30m();
            let r = sea.range_m(sea.horizon_dip_deg() + 1e-6).unwrap();
            assert!(r < sea.horizon_range_m() && r > 0.9 * sea.horizon_range_m());
        }

        #[test]
        fn refuses_nan() {
            assert!(matches!(
                mast_30m().range_m(f64::NAN),
                Err(CalibrationError::NotFinite { .. })
            ));
        }
    }

    mod range_error_m {
        use super::*;

        #[test]
        fn grows_with_range_all_the_way_to_the_horizon() {
            let sea = mast_30m();
            let mut last = 0.0;
            for i in 1..=100 {
                let range = sea.horizon_range_m() * f64::from(i) / 101.0;
                let err = sea.range_error_m(range, 0.01).unwrap();
                assert!(err > last, "error {err} at {range} m not above {last}");
                last = err;
            }
        }

        #[test]
        fn matches_a_finite_difference_of_the_range() {
            let sea = mast_30m();
            let range = 8_000.0;
            let delta = sea.depression_deg(range).unwrap();
            let step = 1e-4;
            let spread = sea.range_m(delta - step).unwrap() - sea.range_m(delta + step).unwrap();
            let numeric = spread / 2.0;
            let analytic = sea.range_error_m(range, step).unwrap();
            assert!(
                (numeric - analytic).abs() < 1e-3 * analytic,
                "{numeric} vs {analytic}"
            );
        }

        #[test]
        fn is_infinite_at_the_horizon() {
            let sea = mast_30m();
            let err = sea.range_error_m(sea.horizon_range_m(), 0.01).unwrap();
            assert!(err > 1e6);
        }

        #[test]
        fn refuses_a_negative_sigma() {
            assert!(mast_30m().range_error_m(1_000.0, -0.1).is_err());
        }
    }

    mod try_new {
        use super::*;

        #[test]
        fn refuses_a_camera_at_or_below_the_sea() {
            for h in [0.0, -3.0, f64::INFINITY, f64::NAN] {
                assert!(matches!(
                    SeaSurface::try_new(h),
                    Err(CalibrationError::InvalidParameter {
                        name: "mast_height_m",
                        ..
                    })
                ));
            }
        }
    }

    proptest! {
        #[test]
        fn depression_and_range_invert_each_other(height in 1.0f64..500.0, frac in 0.001f64..0.999) {
            let sea = SeaSurface::try_new(height).unwrap();
            let range = frac * sea.horizon_range_m();
            let back = sea.range_m(sea.depression_deg(range).unwrap()).unwrap();
            // Near the horizon the depression changes little per metre; compare in angle there.
            let tol_m = 1e-6 * sea.horizon_range_m() + sea.range_error_m(range, 1e-10).unwrap();
            prop_assert!((back - range).abs() <= tol_m, "{range} m came back as {back} m");
        }
    }
}
