//! Camera models: pixel ↔ line of sight in the camera's own frame.
//!
//! A [`CameraModel`] knows only its optics. Where the camera points (head angles, site heading,
//! mounting errors) is [`crate::mount`]'s job, and what a line of sight hits is
//! [`crate::sea`]'s. The one model so far is [`Pinhole`] with two radial distortion terms,
//! which fits the long-focal-length thermal cameras on Seawarden's masts well.
//!
//! # Frames
//! - Pixels ([`Pixel`]) are continuous image coordinates: the origin is the top-left corner of
//!   the top-left pixel, `x` runs right along a row and `y` down a column, so pixel `(i, j)`
//!   covers `[i, i + 1) × [j, j + 1)` and its centre is `(i + 0.5, j + 0.5)` (the same
//!   convention as a detection box covering columns `[x, x + w)`).
//! - Camera rays ([`Ray`]) are in the camera frame: `x` right, `y` down, `z` forward along the
//!   optical axis.

use crate::error::CalibrationError;

/// A position in the image, for passing detections in and projected points out.
///
/// # Units
/// Pixels, continuous: origin at the image's top-left corner, `x` right, `y` down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pixel {
    /// Column coordinate, pixels from the left edge.
    pub x: f64,
    /// Row coordinate, pixels from the top edge.
    pub y: f64,
}

impl Pixel {
    /// A pixel position from its coordinates.
    pub const fn new(x: f64, y: f64) -> Pixel {
        Pixel { x, y }
    }
}

/// A line of sight in the camera frame, for handing rays between a camera model and its mount.
///
/// # Units
/// Dimensionless direction, `x` right, `y` down, `z` forward along the optical axis. The models
/// here return unit vectors and accept any length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ray {
    /// Rightward component.
    pub x: f64,
    /// Downward component.
    pub y: f64,
    /// Forward component, along the optical axis.
    pub z: f64,
}

impl Ray {
    /// This ray scaled to unit length (a zero ray stays zero).
    pub fn normalized(self) -> Ray {
        let n = (self.x * self.x + self.y * self.y + self.z * self.z).sqrt();
        if n > 0.0 {
            Ray {
                x: self.x / n,
                y: self.y / n,
                z: self.z / n,
            }
        } else {
            self
        }
    }
}

/// The optics of a camera: which line of sight each pixel sees, and back.
///
/// A trait so a fisheye or a lookup-table model can replace [`Pinhole`] without touching the
/// mount or range code.
///
/// # Examples
/// A pixel through a camera on a pan/tilt head to a true bearing, and back to the same pixel:
/// ```
/// use calibration::{HeadAngles, MountedCamera, Pinhole, Pixel, SitePose};
///
/// let camera = Pinhole::from_hfov(640, 512, 24.0)?.with_distortion(-0.08, 0.01)?;
/// let pose = SitePose {
///     lat: 22.1105, lon: 113.5620, mast_height_m: 30.0,
///     heading_offset_deg: 12.0, tilt_offset_deg: -0.2, roll_deg: 0.1,
/// };
/// let mounted = MountedCamera::try_new(camera, pose)?;
/// let head = HeadAngles { pan_deg: 90.0, tilt_deg: -1.0 };
///
/// // The image centre looks where the head points, corrected by the site's offsets.
/// let centre = mounted.pixel_to_direction(Pixel::new(320.0, 256.0), head)?;
/// assert!((centre.bearing_deg - 102.0).abs() < 1e-9);
/// assert!((centre.elevation_deg - -1.2).abs() < 1e-9);
///
/// // Any pixel maps to a bearing and back to itself.
/// let direction = mounted.pixel_to_direction(Pixel::new(600.5, 40.25), head)?;
/// let back = mounted.direction_to_pixel(direction, head)?;
/// assert!((back.x - 600.5).abs() < 1e-6 && (back.y - 40.25).abs() < 1e-6);
/// # Ok::<(), calibration::CalibrationError>(())
/// ```
pub trait CameraModel {
    /// Image width and height, pixels.
    fn size_px(&self) -> (u32, u32);

    /// The unit line of sight through `pixel`, in the camera frame.
    ///
    /// # Errors
    /// [`CalibrationError::NotFinite`] for a NaN or infinite coordinate,
    /// [`CalibrationError::PixelOutsideModel`] for a pixel the model cannot invert.
    fn pixel_to_ray(&self, pixel: Pixel) -> Result<Ray, CalibrationError>;

    /// The pixel that sees `ray` (any length), in the camera frame. The pixel may lie outside the
    /// image: callers that need it inside check against [`CameraModel::size_px`].
    ///
    /// # Errors
    /// [`CalibrationError::BehindCamera`] for a ray not in front of the camera,
    /// [`CalibrationError::RayOutsideModel`] for one the distortion model folds,
    /// [`CalibrationError::NotFinite`] for NaN components.
    fn ray_to_pixel(&self, ray: Ray) -> Result<Pixel, CalibrationError>;

    /// Angle one pixel subtends on the optical axis, for turning a pixel error into an angle.
    ///
    /// # Units
    /// Radians per pixel.
    fn radians_per_px(&self) -> f64;
}

/// A pinhole camera with Brown–Conrady radial distortion (`k1`, `k2`) and square pixels: the
/// model OpenCV's `calibrateCamera` fits when its tangential terms are fixed at zero.
///
/// With normalised undistorted coordinates `(xu, yu) = (X/Z, Y/Z)` and `r² = xu² + yu²`, the
/// distorted pixel is `(cx + f·xu·s, cy + f·yu·s)` with `s = 1 + k1·r² + k2·r⁴`. Negative `k1`
/// is barrel distortion, positive is pincushion.
///
/// Built through [`Pinhole::from_hfov`] or [`Pinhole::from_focal`], which check every value, so
/// a `Pinhole` always maps every pixel inside its image.
///
/// # References
/// D. C. Brown, "Decentering distortion of lenses", *Photogrammetric Engineering* 32(3), 1966;
/// Z. Zhang, "A flexible new technique for camera calibration", *IEEE TPAMI* 22(11), 2000.
#[derive(Debug, Clone, PartialEq)]
pub struct Pinhole {
    width_px: u32,
    height_px: u32,
    focal_px: f64,
    cx_px: f64,
    cy_px: f64,
    k1: f64,
    k2: f64,
    /// Undistorted normalised radius where the distortion stops increasing (∞ if never); the
    /// model is one-to-one below it.
    max_undistorted_radius: f64,
    /// Distorted normalised radius reached at `max_undistorted_radius`.
    max_distorted_radius: f64,
}

impl Pinhole {
    /// A distortion-free camera from its horizontal field of view, principal point at the
    /// image centre.
    ///
    /// # Units
    /// `hfov_deg`: degrees across the full image width, before distortion. The focal length is
    /// `(width_px / 2) / tan(hfov_deg / 2)` pixels.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParameter`] for a zero size or `hfov_deg` outside `(0, 180)`.
    ///
    /// # Examples
    /// ```
    /// # use calibration::Pinhole;
    /// let camera = Pinhole::from_hfov(640, 480, 90.0)?;
    /// assert!((camera.focal_px() - 320.0).abs() < 1e-9);
    /// # Ok::<(), calibration::CalibrationError>(())
    /// ```
    pub fn from_hfov(
        width_px: u32,
        height_px: u32,
        hfov_deg: f64,
    ) -> Result<Pinhole, CalibrationError> {
        if !(hfov_deg > 0.0 && hfov_deg < 180.0) {
            return Err(CalibrationError::InvalidParameter {
                name: "hfov_deg",
                value: hfov_deg,
                expected: "a field of view strictly between 0 and 180 degrees",
            });
        }
        let focal_px = f64::from(width_px) / 2.0 / (hfov_deg.to_radians() / 2.0).tan();
        Pinhole::from_focal(width_px, height_px, focal_px)
    }

    /// A distortion-free camera from its focal length, principal point at the image centre.
    ///
    /// # Units
    /// `focal_px`: focal length in pixels (focal length over pixel pitch).
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParameter`] for a zero size or a focal length that is not a
    /// positive finite number.
    pub fn from_focal(
        width_px: u32,
        height_px: u32,
        focal_px: f64,
    ) -> Result<Pinhole, CalibrationError> {
        for (name, value) in [("width_px", width_px), ("height_px", height_px)] {
            if value == 0 {
                return Err(CalibrationError::InvalidParameter {
                    name,
                    value: f64::from(value),
                    expected: "at least one pixel",
                });
            }
        }
        if !(focal_px.is_finite() && focal_px > 0.0) {
            return Err(CalibrationError::InvalidParameter {
                name: "focal_px",
                value: focal_px,
                expected: "a positive finite number of pixels",
            });
        }
        let mut camera = Pinhole {
            width_px,
            height_px,
            focal_px,
            cx_px: f64::from(width_px) / 2.0,
            cy_px: f64::from(height_px) / 2.0,
            k1: 0.0,
            k2: 0.0,
            max_undistorted_radius: f64::INFINITY,
            max_distorted_radius: f64::INFINITY,
        };
        camera.check_distortion()?;
        Ok(camera)
    }

    /// This camera with radial distortion coefficients `k1`, `k2`.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParameter`] for a non-finite coefficient,
    /// [`CalibrationError::DistortionNotInvertible`] when the distortion folds back before the
    /// image corners (so a pixel inside the image would have two lines of sight).
    pub fn with_distortion(mut self, k1: f64, k2: f64) -> Result<Pinhole, CalibrationError> {
        for (name, value) in [("k1", k1), ("k2", k2)] {
            if !value.is_finite() {
                return Err(CalibrationError::InvalidParameter {
                    name,
                    value,
                    expected: "a finite coefficient",
                });
            }
        }
        self.k1 = k1;
        self.k2 = k2;
        self.check_distortion()?;
        Ok(self)
    }

    /// This camera with its principal point (where the optical axis meets the image) moved.
    ///
    /// # Units
    /// Pixels, in the [`Pixel`] convention; the default is the image centre.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParameter`] for a point outside the image,
    /// [`CalibrationError::DistortionNotInvertible`] if the distortion now folds before the
    /// furthest corner.
    pub fn with_principal_point(
        mut self,
        cx_px: f64,
        cy_px: f64,
    ) -> Result<Pinhole, CalibrationError> {
        let checks = [
            ("cx_px", cx_px, self.width_px),
            ("cy_px", cy_px, self.height_px),
        ];
        for (name, value, size) in checks {
            if !(value >= 0.0 && value <= f64::from(size)) {
                return Err(CalibrationError::InvalidParameter {
                    name,
                    value,
                    expected: "a coordinate inside the image",
                });
            }
        }
        self.cx_px = cx_px;
        self.cy_px = cy_px;
        self.check_distortion()?;
        Ok(self)
    }

    /// Focal length, pixels.
    pub fn focal_px(&self) -> f64 {
        self.focal_px
    }

    /// Principal point, pixels.
    pub fn principal_point(&self) -> Pixel {
        Pixel::new(self.cx_px, self.cy_px)
    }

    /// Radial distortion coefficients `(k1, k2)`.
    pub fn distortion(&self) -> (f64, f64) {
        (self.k1, self.k2)
    }

    /// Horizontal field of view before distortion, degrees.
    pub fn hfov_deg(&self) -> f64 {
        2.0 * (f64::from(self.width_px) / 2.0 / self.focal_px)
            .atan()
            .to_degrees()
    }

    /// Distorted radius for undistorted normalised radius `r`.
    fn distort_radius(&self, r: f64) -> f64 {
        let r2 = r * r;
        r * (1.0 + self.k1 * r2 + self.k2 * r2 * r2)
    }

    /// Finds where the distortion stops increasing and checks every image corner is before it.
    fn check_distortion(&mut self) -> Result<(), CalibrationError> {
        // d(r·(1 + k1 r² + k2 r⁴))/dr = 1 + 3 k1 s + 5 k2 s² with s = r²: its first positive
        // root in s is where the mapping folds.
        let (a, b) = (5.0 * self.k2, 3.0 * self.k1);
        let fold_s = smallest_positive_root(a, b, 1.0);
        self.max_undistorted_radius = fold_s.map_or(f64::INFINITY, f64::sqrt);
        self.max_distorted_radius = fold_s.map_or(f64::INFINITY, |s| self.distort_radius(s.sqrt()));
        let (w, h) = (f64::from(self.width_px), f64::from(self.height_px));
        let corner = [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)]
            .into_iter()
            .map(|(x, y)| (x - self.cx_px).hypot(y - self.cy_px))
            .fold(0.0, f64::max)
            / self.focal_px;
        if corner < self.max_distorted_radius {
            Ok(())
        } else {
            Err(CalibrationError::DistortionNotInvertible {
                k1: self.k1,
                k2: self.k2,
            })
        }
    }

    /// The undistorted radius whose distorted radius is `rd`, for `0 <= rd < max_distorted`.
    ///
    /// Newton's method kept inside a shrinking bracket, so it converges even near the fold
    /// where the derivative vanishes.
    fn undistort_radius(&self, rd: f64) -> f64 {
        if self.k1 == 0.0 && self.k2 == 0.0 {
            return rd;
        }
        let mut lo = 0.0;
        let mut hi = self.max_undistorted_radius;
        if !hi.is_finite() {
            // Monotone and unbounded: grow a bracket. The distortion grows at least linearly
            // here, so this ends within a few doublings; the cap only guards float oddities.
            hi = rd.max(1.0);
            for _ in 0..64 {
                if self.distort_radius(hi) >= rd {
                    break;
                }
                hi *= 2.0;
            }
        }
        let mut r = rd.clamp(lo, hi);
        for _ in 0..100 {
            let f = self.distort_radius(r) - rd;
            if f == 0.0 {
                return r;
            }
            if f > 0.0 {
                hi = r;
            } else {
                lo = r;
            }
            let r2 = r * r;
            let slope = 1.0 + 3.0 * self.k1 * r2 + 5.0 * self.k2 * r2 * r2;
            let newton = r - f / slope;
            let next = if slope > 0.0 && newton > lo && newton < hi {
                newton
            } else {
                0.5 * (lo + hi)
            };
            if (next - r).abs() <= 1e-16 * r.max(1e-300) || hi - lo <= f64::EPSILON * hi {
                return next;
            }
            r = next;
        }
        r
    }
}

/// The smallest positive real root of `a·s² + b·s + c`, if any.
fn smallest_positive_root(a: f64, b: f64, c: f64) -> Option<f64> {
    let roots: [f64; 2] = if a == 0.0 {
        if b == 0.0 {
            return None;
        } else {
            [-c / b, f64::NAN]
        }
    } else {
        let disc = b * b - 4.0 * a * c;
        if disc < 0.0 {
            return None;
        }
        // The stable form: no cancellation between -b and the square root.
        let q = -0.5 * (b + b.signum() * disc.sqrt());
        if q == 0.0 {
            [0.0, f64::NAN]
        } else {
            [q / a, c / q]
        }
    };
    roots
        .into_iter()
        .filter(|s| *s > 0.0 && s.is_finite())
        .reduce(f64::min)
}

impl CameraModel for Pinhole {
    fn size_px(&self) -> (u32, u32) {
        (self.width_px, self.height_px)
    }

    fn pixel_to_ray(&self, pixel: Pixel) -> Result<Ray, CalibrationError> {
        if !pixel.x.is_finite() {
            return Err(CalibrationError::NotFinite { name: "x_px" });
        }
        if !pixel.y.is_finite() {
            return Err(CalibrationError::NotFinite { name: "y_px" });
        }
        let xd = (pixel.x - self.cx_px) / self.focal_px;
        let yd = (pixel.y - self.cy_px) / self.focal_px;
        let rd = xd.hypot(yd);
        if rd >= self.max_distorted_radius {
            return Err(CalibrationError::PixelOutsideModel {
                x_px: pixel.x,
                y_px: pixel.y,
            });
        }
        let scale = if rd > 0.0 {
            self.undistort_radius(rd) / rd
        } else {
            1.0
        };
        Ok(Ray {
            x: xd * scale,
            y: yd * scale,
            z: 1.0,
        }
        .normalized())
    }

    fn ray_to_pixel(&self, ray: Ray) -> Result<Pixel, CalibrationError> {
        if !(ray.x.is_finite() && ray.y.is_finite() && ray.z.is_finite()) {
            return Err(CalibrationError::NotFinite { name: "ray" });
        }
        if ray.z <= 0.0 {
            return Err(CalibrationError::BehindCamera);
        }
        let (xu, yu) = (ray.x / ray.z, ray.y / ray.z);
        let r = xu.hypot(yu);
        if r >= self.max_undistorted_radius {
            return Err(CalibrationError::RayOutsideModel {
                off_axis_deg: r.atan().to_degrees(),
            });
        }
        let r2 = r * r;
        let s = 1.0 + self.k1 * r2 + self.k2 * r2 * r2;
        Ok(Pixel::new(
            self.cx_px + self.focal_px * xu * s,
            self.cy_px + self.focal_px * yu * s,
        ))
    }

    fn radians_per_px(&self) -> f64 {
        // On the axis the distortion scale is 1, so one pixel is 1/f radians (small angle).
        1.0 / self.focal_px
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    mod from_hfov {
        use super::*;

        #[test]
        fn ninety_degrees_on_640_pixels_is_a_320_pixel_focal_length() {
            let c = Pinhole::from_hfov(640, 480, 90.0).unwrap();
            assert!(close(c.focal_px(), 320.0, 1e-9));
            assert!(close(c.hfov_deg(), 90.0, 1e-9));
        }

        #[test]
        fn refuses_a_zero_or_straight_field_of_view() {
            for hfov in [0.0, 180.0, -5.0, f64::NAN] {
                assert!(matches!(
                    Pinhole::from_hfov(640, 480, hfov),
                    Err(CalibrationError::InvalidParameter {
                        name: "hfov_deg",
                        ..
                    })
                ));
            }
        }

        #[test]
        fn refuses_an_empty_image() {
            assert!(matches!(
                Pinhole::from_hfov(0, 480, 20.0),
                Err(CalibrationError::InvalidParameter {
                    name: "width_px",
                    ..
                })
            ));
        }
    }

    mod with_distortion {
        use super::*;

        #[test]
        fn refuses_barrel_distortion_that_folds_inside_the_image() {
            // k1 = -1 folds at r = 1/sqrt(3) ≈ 0.58; a 90° lens reaches r = 1.25 at the corner.
            let c = Pinhole::from_hfov(640, 480, 90.0).unwrap();
            assert!(matches!(
                c.with_distortion(-1.0, 0.0),
                Err(CalibrationError::DistortionNotInvertible { .. })
            ));
        }

        #[test]
        fn accepts_the_same_distortion_on_a_narrow_lens() {
            let c = Pinhole::from_hfov(640, 480, 10.0).unwrap();
            assert!(c.with_distortion(-1.0, 0.0).is_ok());
        }

        #[test]
        fn refuses_a_nan_coefficient() {
            let c = Pinhole::from_hfov(640, 480, 20.0).unwrap();
            assert!(matches!(
                c.with_distortion(0.0, f64::NAN),
                Err(CalibrationError::InvalidParameter { name: "k2", .. })
            ));
        }
    }

    mod pixel_to_ray {
        use super::*;

        #[test]
        fn the_principal_point_looks_along_the_optical_axis() {
            let c = Pinhole::from_hfov(640, 480, 20.0)
                .unwrap()
                .with_distortion(-0.2, 0.05)
                .unwrap();
            let ray = c.pixel_to_ray(Pixel::new(320.0, 240.0)).unwrap();
            assert_eq!(
                ray,
                Ray {
                    x: 0.0,
                    y: 0.0,
                    z: 1.0
                }
            );
        }

        #[test]
        fn the_right_edge_is_half_the_field_of_view_off_axis_without_distortion() {
            let c = Pinhole::from_hfov(640, 480, 30.0).unwrap();
            let ray = c.pixel_to_ray(Pixel::new(640.0, 240.0)).unwrap();
            assert!(close(ray.x.atan2(ray.z).to_degrees(), 15.0, 1e-12));
        }

        #[test]
        fn barrel_distortion_widens_the_view_at_the_edge() {
            let plain = Pinhole::from_hfov(640, 480, 30.0).unwrap();
            let barrel = plain.clone().with_distortion(-0.3, 0.0).unwrap();
            let edge = Pixel::new(640.0, 240.0);
            let (a, b) = (
                plain.pixel_to_ray(edge).unwrap(),
                barrel.pixel_to_ray(edge).unwrap(),
            );
            assert!(b.x / b.z > a.x / a.z);
        }

        #[test]
        fn refuses_nan_pixels() {
            let c = Pinhole::from_hfov(640, 480, 30.0).unwrap();
            assert!(matches!(
                c.pixel_to_ray(Pixel::new(f64::NAN, 1.0)),
                Err(CalibrationError::NotFinite { name: "x_px" })
            ));
        }

        #[test]
        fn refuses_pixels_beyond_the_fold() {
            let c = Pinhole::from_hfov(640, 480, 10.0)
                .unwrap()
                .with_distortion(-1.0, 0.0)
                .unwrap();
            assert!(matches!(
                c.pixel_to_ray(Pixel::new(1e6, 240.0)),
                Err(CalibrationError::PixelOutsideModel { .. })
            ));
        }
    }

    mod ray_to_pixel {
        use super::*;

        #[test]
        fn refuses_rays_behind_the_camera() {
            let c = Pinhole::from_hfov(640, 480, 30.0).unwrap();
            assert!(matches!(
                c.ray_to_pixel(Ray {
                    x: 0.0,
                    y: 0.0,
                    z: -1.0
                }),
                Err(CalibrationError::BehindCamera)
            ));
        }

        #[test]
        fn refuses_rays_beyond_the_fold() {
            let c = Pinhole::from_hfov(640, 480, 10.0)
                .unwrap()
                .with_distortion(-1.0, 0.0)
                .unwrap();
            assert!(matches!(
                c.ray_to_pixel(Ray {
                    x: 1.0,
                    y: 0.0,
                    z: 1.0
                }),
                Err(CalibrationError::RayOutsideModel { .. })
            ));
        }

        #[test]
        fn accepts_rays_of_any_length() {
            let c = Pinhole::from_hfov(640, 480, 30.0).unwrap();
            let p = c
                .ray_to_pixel(Ray {
                    x: 0.0,
                    y: 0.0,
                    z: 42.0,
                })
                .unwrap();
            assert_eq!(p, Pixel::new(320.0, 240.0));
        }
    }

    mod smallest_positive_root {
        use super::*;

        #[test]
        fn picks_the_nearer_of_two_positive_roots() {
            // (s - 1)(s - 3) = s² - 4s + 3
            assert!(close(
                smallest_positive_root(1.0, -4.0, 3.0).unwrap(),
                1.0,
                1e-12
            ));
        }

        #[test]
        fn has_none_for_a_positive_definite_quadratic() {
            assert_eq!(smallest_positive_root(1.0, 0.0, 1.0), None);
        }

        #[test]
        fn solves_the_linear_case() {
            assert!(close(
                smallest_positive_root(0.0, -2.0, 1.0).unwrap(),
                0.5,
                1e-15
            ));
        }
    }

    proptest! {
        #[test]
        fn every_pixel_in_the_image_round_trips_through_its_ray(
            hfov in 1.0f64..90.0,
            k1 in -0.5f64..0.5,
            k2 in -0.2f64..0.2,
            u in 0.0f64..=1.0,
            v in 0.0f64..=1.0,
        ) {
            let camera = Pinhole::from_hfov(1280, 1024, hfov).unwrap().with_distortion(k1, k2);
            prop_assume!(camera.is_ok());
            let camera = camera.unwrap();
            let pixel = Pixel::new(u * 1280.0, v * 1024.0);
            let back = camera.ray_to_pixel(camera.pixel_to_ray(pixel).unwrap()).unwrap();
            prop_assert!(close(back.x, pixel.x, 1e-6) && close(back.y, pixel.y, 1e-6),
                "{pixel:?} came back as {back:?}");
        }
    }
}
