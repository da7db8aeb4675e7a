//! A camera on a pan/tilt head at a site: pixel ↔ true bearing and elevation ↔ sea range.
//!
//! [`MountedCamera`] joins a [`CameraModel`] (optics) with a [`SitePose`] (mast and mounting
//! offsets). Given the head's [`HeadAngles`] when the frame was taken, it turns a pixel into a
//! [`Direction`] (true bearing and elevation) and back, and, through the [`SeaSurface`] seen
//! from the mast, into a range over the water with its error. The IR pipeline calls it once per
//! detection; lat/lon then come from the main crate's geodesy.
//!
//! # Frames
//! The site frame is local level: east, north, up. A bearing is degrees clockwise from true
//! north, `[0, 360)`; an elevation is degrees above the horizontal (negative looks down).
//! Head angles follow the `firmware-bridge` Pelco-D convention: pan clockwise from the head's
//! zero, tilt as elevation, positive up.

use crate::camera::{CameraModel, Pixel, Ray};
use crate::error::CalibrationError;
use crate::pose::SitePose;
use crate::sea::SeaSurface;

/// Pan and tilt of the head when a frame was taken, as the head reports them.
///
/// # Units
/// Degrees: `pan_deg` clockwise seen from above from the head's zero, `tilt_deg` elevation of
/// the head (positive up, zero level).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeadAngles {
    /// Pan, degrees clockwise from the head's zero.
    pub pan_deg: f64,
    /// Tilt, degrees above the head's level.
    pub tilt_deg: f64,
}

/// A line of sight from the site, as bearing and elevation: what a pixel means on the map.
///
/// # Units
/// Degrees: `bearing_deg` true, clockwise from north, `[0, 360)`; `elevation_deg` above the
/// horizontal, `[-90, 90]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Direction {
    /// True bearing, degrees clockwise from north.
    pub bearing_deg: f64,
    /// Elevation, degrees above the horizontal (negative is below).
    pub elevation_deg: f64,
}

/// East, north, up components of a direction.
type Enu = [f64; 3];

fn dot(a: Enu, b: Enu) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The camera's right, up and forward axes in the site frame.
struct Axes {
    right: Enu,
    up: Enu,
    forward: Enu,
}

/// A camera on a pan/tilt head at a site, for turning pixels into bearings and sea ranges.
///
/// See [`CameraModel`] for a pixel → bearing → pixel example.
#[derive(Debug, Clone, PartialEq)]
pub struct MountedCamera<C> {
    camera: C,
    pose: SitePose,
    sea: SeaSurface,
}

impl<C: CameraModel> MountedCamera<C> {
    /// Mounts `camera` at a site with `pose`, seeing the sea with standard refraction.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidKey`] if the pose fails [`SitePose::validate`].
    pub fn try_new(camera: C, pose: SitePose) -> Result<MountedCamera<C>, CalibrationError> {
        pose.validate()?;
        let sea = SeaSurface::try_new(pose.mast_height_m)?;
        Ok(MountedCamera { camera, pose, sea })
    }

    /// This mount with a different sea model (say, another refraction factor). The sea's height
    /// is taken as given, so keep it equal to the pose's `mast_height_m`.
    pub fn with_sea(mut self, sea: SeaSurface) -> MountedCamera<C> {
        self.sea = sea;
        self
    }

    /// The camera's optics.
    pub fn camera(&self) -> &C {
        &self.camera
    }

    /// The site pose.
    pub fn pose(&self) -> &SitePose {
        &self.pose
    }

    /// The sea as seen from this camera's height.
    pub fn sea(&self) -> &SeaSurface {
        &self.sea
    }

    /// Replaces the pose's mounting offsets, for the solver's trial poses; the caller keeps them
    /// finite (the angles only feed trigonometry, so no other range check is needed).
    pub(crate) fn set_offsets(&mut self, heading_offset_deg: f64, tilt_offset_deg: f64, roll_deg: f64) {
        self.pose.heading_offset_deg = heading_offset_deg;
        self.pose.tilt_offset_deg = tilt_offset_deg;
        self.pose.roll_deg = roll_deg;
    }

    fn axes(&self, head: HeadAngles) -> Axes {
        let az = (self.pose.heading_offset_deg + head.pan_deg).to_radians();
        let el = (self.pose.tilt_offset_deg + head.tilt_deg).to_radians();
        let (sin_az, cos_az) = az.sin_cos();
        let (sin_el, cos_el) = el.sin_cos();
        let forward = [sin_az * cos_el, cos_az * cos_el, sin_el];
        let right = [cos_az, -sin_az, 0.0];
        let up = [-sin_az * sin_el, -cos_az * sin_el, cos_el]; // right × forward
        // Roll about the optical axis, right side down for positive roll.
        let (sin_r, cos_r) = self.pose.roll_deg.to_radians().sin_cos();
        let rolled_right = [0, 1, 2].map(|i| right[i] * cos_r - up[i] * sin_r);
        let rolled_up = [0, 1, 2].map(|i| up[i] * cos_r + right[i] * sin_r);
        Axes {
            right: rolled_right,
            up: rolled_up,
            forward,
        }
    }

    /// The true bearing and elevation seen at `pixel` with the head at `head`.
    ///
    /// # Errors
    /// As [`CameraModel::pixel_to_ray`]; [`CalibrationError::NotFinite`] for NaN head angles.
    pub fn pixel_to_direction(
        &self,
        pixel: Pixel,
        head: HeadAngles,
    ) -> Result<Direction, CalibrationError> {
        check_head(head)?;
        let ray = self.camera.pixel_to_ray(pixel)?;
        let axes = self.axes(head);
        // Camera y is down, so it counts against the up axis.
        let enu =
            [0, 1, 2].map(|i| ray.x * axes.right[i] - ray.y * axes.up[i] + ray.z * axes.forward[i]);
        let bearing_deg = enu[0].atan2(enu[1]).to_degrees().rem_euclid(360.0);
        // rem_euclid can return exactly 360.0 for a tiny negative angle; keep [0, 360).
        let bearing_deg = if bearing_deg >= 360.0 {
            0.0
        } else {
            bearing_deg
        };
        let elevation_deg = enu[2].atan2(enu[0].hypot(enu[1])).to_degrees();
        Ok(Direction {
            bearing_deg,
            elevation_deg,
        })
    }

    /// The pixel that sees `direction` with the head at `head`; it may lie outside the image.
    ///
    /// # Errors
    /// As [`CameraModel::ray_to_pixel`] (notably [`CalibrationError::BehindCamera`]);
    /// [`CalibrationError::NotFinite`] for NaN angles.
    pub fn direction_to_pixel(
        &self,
        direction: Direction,
        head: HeadAngles,
    ) -> Result<Pixel, CalibrationError> {
        check_head(head)?;
        if !direction.bearing_deg.is_finite() {
            return Err(CalibrationError::NotFinite {
                name: "bearing_deg",
            });
        }
        if !direction.elevation_deg.is_finite() {
            return Err(CalibrationError::NotFinite {
                name: "elevation_deg",
            });
        }
        let (sin_b, cos_b) = direction.bearing_deg.to_radians().sin_cos();
        let (sin_e, cos_e) = direction.elevation_deg.to_radians().sin_cos();
        let enu = [sin_b * cos_e, cos_b * cos_e, sin_e];
        let axes = self.axes(head);
        let ray = Ray {
            x: dot(enu, axes.right),
            y: -dot(enu, axes.up),
            z: dot(enu, axes.forward),
        };
        self.camera.ray_to_pixel(ray)
    }

    /// Distance over the sea to the water seen at `pixel` (for a boat, the pixel where its hull
    /// meets the water).
    ///
    /// # Units
    /// Metres along the sea surface, from the foot of the mast.
    ///
    /// # Errors
    /// As [`MountedCamera::pixel_to_direction`], and [`CalibrationError::AboveHorizon`] for a
    /// pixel at or above the sea horizon.
    pub fn pixel_to_range_m(
        &self,
        pixel: Pixel,
        head: HeadAngles,
    ) -> Result<f64, CalibrationError> {
        let direction = self.pixel_to_direction(pixel, head)?;
        self.sea.range_m(-direction.elevation_deg)
    }

    /// The pixel that sees the sea point at `range_m` on `bearing_deg`.
    ///
    /// # Errors
    /// As [`SeaSurface::depression_deg`] and [`MountedCamera::direction_to_pixel`].
    pub fn sea_point_to_pixel(
        &self,
        bearing_deg: f64,
        range_m: f64,
        head: HeadAngles,
    ) -> Result<Pixel, CalibrationError> {
        let elevation_deg = -self.sea.depression_deg(range_m)?;
        self.direction_to_pixel(
            Direction {
                bearing_deg,
                elevation_deg,
            },
            head,
        )
    }

    /// First-order 1-σ range error at `range_m` for a vertical pixel error of `sigma_px` (a
    /// detector's waterline jitter plus the calibration's residual), using the angle one pixel
    /// subtends on the optical axis.
    ///
    /// # Units
    /// `range_m` metres, `sigma_px` pixels; returns metres.
    ///
    /// # Errors
    /// As [`SeaSurface::range_error_m`].
    ///
    /// # Examples
    /// ```
    /// # use calibration::{MountedCamera, Pinhole, SitePose};
    /// let camera = Pinhole::from_hfov(640, 512, 6.0)?; // a long IR lens: ~0.16 mrad per pixel
    /// let pose = SitePose {
    ///     lat: 22.1, lon: 113.5, mast_height_m: 30.0,
    ///     heading_offset_deg: 0.0, tilt_offset_deg: 0.0, roll_deg: 0.0,
    /// };
    /// let mounted = MountedCamera::try_new(camera, pose)?;
    /// let at_2km = mounted.range_error_m(2_000.0, 1.0)?;
    /// let at_8km = mounted.range_error_m(8_000.0, 1.0)?;
    /// assert!(at_2km < 25.0 && at_8km > 10.0 * at_2km);
    /// # Ok::<(), calibration::CalibrationError>(())
    /// ```
    pub fn range_error_m(&self, range_m: f64, sigma_px: f64) -> Result<f64, CalibrationError> {
        if !(sigma_px.is_finite() && sigma_px >= 0.0) {
            return Err(CalibrationError::InvalidParameter {
                name: "sigma_px",
                value: sigma_px,
                expected: "a non-negative finite number of pixels",
            });
        }
        let sigma_deg = (sigma_px * self.camera.radians_per_px()).to_degrees();
        self.sea.range_error_m(range_m, sigma_deg)
    }
}

fn check_head(head: HeadAngles) -> Result<(), CalibrationError> {
    if !head.pan_deg.is_finite() {
        return Err(CalibrationError::NotFinite { name: "pan_deg" });
    }
    if !head.tilt_deg.is_finite() {
        return Err(CalibrationError::NotFinite { name: "tilt_deg" });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::Pinhole;
    use proptest::prelude::*;

    fn pose() -> SitePose {
        SitePose {
            lat: 22.1105,
            lon: 113.5620,
            mast_height_m: 30.0,
            heading_offset_deg: 0.0,
            tilt_offset_deg: 0.0,
            roll_deg: 0.0,
        }
    }

    fn mounted(pose: SitePose) -> MountedCamera<Pinhole> {
        MountedCamera::try_new(Pinhole::from_hfov(640, 480, 20.0).unwrap(), pose).unwrap()
    }

    const CENTRE: Pixel = Pixel::new(320.0, 240.0);

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    mod pixel_to_direction {
        use super::*;

        #[test]
        fn the_centre_looks_along_heading_plus_pan() {
            let m = mounted(SitePose {
                heading_offset_deg: 350.0,
                ..pose()
            });
            let d = m
                .pixel_to_direction(
                    CENTRE,
                    HeadAngles {
                        pan_deg: 20.0,
                        tilt_deg: 0.0,
                    },
                )
                .unwrap();
            assert!(close(d.bearing_deg, 10.0), "{d:?}");
            assert!(close(d.elevation_deg, 0.0));
        }

        #[test]
        fn the_centre_looks_down_by_tilt_plus_tilt_offset() {
            let m = mounted(SitePose {
                tilt_offset_deg: -0.5,
                ..pose()
            });
            let d = m
                .pixel_to_direction(
                    CENTRE,
                    HeadAngles {
                        pan_deg: 0.0,
                        tilt_deg: -2.0,
                    },
                )
                .unwrap();
            assert!(close(d.elevation_deg, -2.5));
        }

        #[test]
        fn the_right_edge_is_clockwise_of_the_centre() {
            let m = mounted(pose());
            let head = HeadAngles {
                pan_deg: 90.0,
                tilt_deg: 0.0,
            };
            let d = m
                .pixel_to_direction(Pixel::new(640.0, 240.0), head)
                .unwrap();
            assert!(close(d.bearing_deg, 100.0), "{d:?}");
        }

        #[test]
        fn lower_rows_look_further_down() {
            let m = mounted(pose());
            let d = m
                .pixel_to_direction(Pixel::new(320.0, 480.0), HeadAngles::default())
                .unwrap();
            assert!(d.elevation_deg < -7.0);
        }

        #[test]
        fn positive_roll_lowers_the_right_side_of_the_image() {
            let m = mounted(SitePose {
                roll_deg: 5.0,
                ..pose()
            });
            let d = m
                .pixel_to_direction(Pixel::new(640.0, 240.0), HeadAngles::default())
                .unwrap();
            assert!(d.elevation_deg < -0.5, "{d:?}");
        }

        #[test]
        fn bearings_wrap_into_zero_to_360() {
            let m = mounted(pose());
            let d = m
                .pixel_to_direction(Pixel::new(0.0, 240.0), HeadAngles::default())
                .unwrap();
            assert!(close(d.bearing_deg, 350.0), "{d:?}");
        }

        #[test]
        fn refuses_a_nan_head_angle() {
            let m = mounted(pose());
            let head = HeadAngles {
                pan_deg: f64::NAN,
                tilt_deg: 0.0,
            };
            assert!(matches!(
                m.pixel_to_direction(CENTRE, head),
                Err(CalibrationError::NotFinite { name: "pan_deg" })
            ));
        }
    }

    mod direction_to_pixel {
        use super::*;

        #[test]
        fn a_direction_behind_the_head_has_no_pixel() {
            let m = mounted(pose());
            let behind = Direction {
                bearing_deg: 180.0,
                elevation_deg: 0.0,
            };
            assert!(matches!(
                m.direction_to_pixel(behind, HeadAngles::default()),
                Err(CalibrationError::BehindCamera)
            ));
        }
    }

    mod pixel_to_range_m {
        use super::*;

        #[test]
        fn the_centre_tilted_to_a_known_depression_gives_its_range() {
            let m = mounted(pose());
            let depression = m.sea().depression_deg(5_000.0).unwrap();
            let head = HeadAngles {
                pan_deg: 0.0,
                tilt_deg: -depression,
            };
            assert!((m.pixel_to_range_m(CENTRE, head).unwrap() - 5_000.0).abs() < 1e-6);
        }

        #[test]
        fn the_sky_has_no_range() {
            let m = mounted(pose());
            assert!(matches!(
                m.pixel_to_range_m(CENTRE, HeadAngles::default()),
                Err(CalibrationError::AboveHorizon { .. })
            ));
        }
    }

    mod sea_point_to_pixel {
        use super::*;

        #[test]
        fn inverts_pixel_to_range() {
            let m = mounted(SitePose {
                heading_offset_deg: 40.0,
                roll_deg: 1.0,
                ..pose()
            });
            let head = HeadAngles {
                pan_deg: 5.0,
                tilt_deg: -0.4,
            };
            let px = m.sea_point_to_pixel(47.0, 3_000.0, head).unwrap();
            assert!((m.pixel_to_range_m(px, head).unwrap() - 3_000.0).abs() < 1e-6);
            assert!(close(
                m.pixel_to_direction(px, head).unwrap().bearing_deg,
                47.0
            ));
        }
    }

    mod range_error_m {
        use super::*;

        #[test]
        fn grows_with_range() {
            let m = mounted(pose());
            let errors: Vec<f64> = [500.0, 1_000.0, 5_000.0, 10_000.0, 20_000.0]
                .map(|r| m.range_error_m(r, 1.0).unwrap())
                .into();
            assert!(errors.windows(2).all(|w| w[1] > w[0]), "{errors:?}");
        }

        #[test]
        fn is_zero_for_a_perfect_pixel() {
            assert_eq!(mounted(pose()).range_error_m(5_000.0, 0.0).unwrap(), 0.0);
        }

        #[test]
        fn refuses_a_negative_sigma() {
            assert!(mounted(pose()).range_error_m(5_000.0, -1.0).is_err());
        }
    }

    proptest! {
        #[test]
        fn every_pixel_round_trips_through_bearing_and_elevation(
            hfov in 2.0f64..60.0,
            k1 in -0.3f64..0.3,
            k2 in -0.1f64..0.1,
            u in 0.0f64..=1.0,
            v in 0.0f64..=1.0,
            pan in 0.0f64..360.0,
            tilt in -60.0f64..30.0,
            heading in -180.0f64..180.0,
            tilt_offset in -3.0f64..3.0,
            roll in -5.0f64..5.0,
        ) {
            let camera = Pinhole::from_hfov(1280, 1024, hfov).unwrap().with_distortion(k1, k2);
            prop_assume!(camera.is_ok());
            let pose = SitePose { heading_offset_deg: heading, tilt_offset_deg: tilt_offset, roll_deg: roll, ..pose() };
            let m = MountedCamera::try_new(camera.unwrap(), pose).unwrap();
            let head = HeadAngles { pan_deg: pan, tilt_deg: tilt };
            let pixel = Pixel::new(u * 1280.0, v * 1024.0);
            let direction = m.pixel_to_direction(pixel, head).unwrap();
            prop_assert!((0.0..360.0).contains(&direction.bearing_deg));
            let back = m.direction_to_pixel(direction, head).unwrap();
            prop_assert!((back.x - pixel.x).abs() < 1e-6 && (back.y - pixel.y).abs() < 1e-6,
                "{pixel:?} came back as {back:?} via {direction:?}");
        }
    }
}
