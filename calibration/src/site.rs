//! A site's calibration file: camera optics and site pose in one TOML document.
//!
//! This is what `seawarden detect --calibration SITE.toml` reads. It holds a `[pose]` table (a
//! [`SitePose`]) and a `[camera]` table (a [`CameraSpec`]); [`SiteCalibration::mounted_camera`]
//! turns it into the [`MountedCamera`] that maps pixels to bearings and ranges. Every error
//! names its key, and loading from a path names the file too.
//!
//! ```toml
//! [pose]
//! lat = 22.1105
//! lon = 113.5620
//! mast_height_m = 30.0
//! heading_offset_deg = 12.5   # true bearing of pan zero
//! tilt_offset_deg = -0.3      # elevation of tilt zero
//! roll_deg = 0.1              # right side down
//!
//! [camera]
//! width_px = 640
//! height_px = 512
//! hfov_deg = 24.0             # or focal_px = 1505.0, not both
//! k1 = -0.08                  # radial distortion, default 0
//! k2 = 0.01                   # default 0
//! # cx_px = 320.0, cy_px = 256.0   principal point, default the image centre
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::camera::Pinhole;
use crate::error::CalibrationError;
use crate::mount::MountedCamera;
use crate::pose::SitePose;

/// The `[camera]` table: a [`Pinhole`] camera's parameters as written in a calibration file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraSpec {
    /// Image width, pixels.
    pub width_px: u32,
    /// Image height, pixels.
    pub height_px: u32,
    /// Horizontal field of view before distortion, degrees; give this or `focal_px`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hfov_deg: Option<f64>,
    /// Focal length, pixels; give this or `hfov_deg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focal_px: Option<f64>,
    /// First radial distortion coefficient (default 0).
    #[serde(default)]
    pub k1: f64,
    /// Second radial distortion coefficient (default 0).
    #[serde(default)]
    pub k2: f64,
    /// Principal point column, pixels (default: the image centre).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cx_px: Option<f64>,
    /// Principal point row, pixels (default: the image centre).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cy_px: Option<f64>,
}

impl CameraSpec {
    /// Builds the camera these parameters describe.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidKey`] naming the `camera.*` key at fault, including when both
    /// or neither of `hfov_deg` and `focal_px` are given.
    pub fn to_pinhole(&self) -> Result<Pinhole, CalibrationError> {
        let camera = match (self.hfov_deg, self.focal_px) {
            (Some(hfov), None) => Pinhole::from_hfov(self.width_px, self.height_px, hfov),
            (None, Some(focal)) => Pinhole::from_focal(self.width_px, self.height_px, focal),
            (hfov, focal) => {
                let message = if hfov.is_some() && focal.is_some() {
                    "give hfov_deg or focal_px, not both"
                } else {
                    "give one of hfov_deg or focal_px"
                };
                return Err(CalibrationError::InvalidKey {
                    key: "camera.hfov_deg".to_owned(),
                    message: message.to_owned(),
                });
            }
        };
        let camera = camera
            .and_then(|c| c.with_distortion(self.k1, self.k2))
            .and_then(|c| {
                let centre = c.principal_point();
                c.with_principal_point(
                    self.cx_px.unwrap_or(centre.x),
                    self.cy_px.unwrap_or(centre.y),
                )
            });
        camera.map_err(|e| in_table("camera", e))
    }
}

/// A site's full calibration as stored on disk: where the camera is and what its optics are.
///
/// # Examples
/// ```
/// # use calibration::{HeadAngles, Pixel, SiteCalibration};
/// let calibration = SiteCalibration::from_toml_str(r#"
///     [pose]
///     lat = 22.1105
///     lon = 113.5620
///     mast_height_m = 30.0
///     heading_offset_deg = 12.5
///     [camera]
///     width_px = 640
///     height_px = 512
///     hfov_deg = 24.0
/// "#)?;
/// let mounted = calibration.mounted_camera()?;
/// let head = HeadAngles { pan_deg: 0.0, tilt_deg: 0.0 };
/// let d = mounted.pixel_to_direction(Pixel::new(320.0, 256.0), head)?;
/// assert!((d.bearing_deg - 12.5).abs() < 1e-9);
/// # Ok::<(), calibration::CalibrationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteCalibration {
    /// The `[pose]` table.
    pub pose: SitePose,
    /// The `[camera]` table.
    pub camera: CameraSpec,
}

impl SiteCalibration {
    /// Reads and validates a calibration from TOML text.
    ///
    /// # Errors
    /// [`CalibrationError::Toml`] for bad syntax or unknown, missing or mistyped keys;
    /// [`CalibrationError::InvalidKey`] naming a `pose.*` or `camera.*` key with a bad value.
    pub fn from_toml_str(text: &str) -> Result<SiteCalibration, CalibrationError> {
        let calibration: SiteCalibration = toml::from_str(text)?;
        calibration
            .pose
            .validate()
            .map_err(|e| in_table("pose", e))?;
        calibration.camera.to_pinhole()?;
        Ok(calibration)
    }

    /// Reads and validates a calibration file.
    ///
    /// # Errors
    /// [`CalibrationError::InFile`] naming the path, wrapping any error of
    /// [`SiteCalibration::from_toml_str`] or the I/O error.
    pub fn from_path(path: &Path) -> Result<SiteCalibration, CalibrationError> {
        let in_file = |e: CalibrationError| CalibrationError::InFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        };
        let text = std::fs::read_to_string(path).map_err(|e| in_file(e.into()))?;
        SiteCalibration::from_toml_str(&text).map_err(in_file)
    }

    /// The mounted camera this calibration describes.
    ///
    /// # Errors
    /// As [`SiteCalibration::from_toml_str`]'s value checks (a value built in code rather than
    /// loaded is checked here).
    pub fn mounted_camera(&self) -> Result<MountedCamera<Pinhole>, CalibrationError> {
        self.pose.validate().map_err(|e| in_table("pose", e))?;
        MountedCamera::try_new(self.camera.to_pinhole()?, self.pose)
    }
}

/// Prefixes a key error with its table name, and turns a named parameter error into a key error.
fn in_table(table: &str, err: CalibrationError) -> CalibrationError {
    match err {
        CalibrationError::InvalidKey { key, message } => CalibrationError::InvalidKey {
            key: format!("{table}.{key}"),
            message,
        },
        CalibrationError::InvalidParameter {
            name,
            value,
            expected,
        } => CalibrationError::InvalidKey {
            key: format!("{table}.{name}"),
            message: format!("{value} is out of range: expected {expected}"),
        },
        CalibrationError::DistortionNotInvertible { k1, k2 } => CalibrationError::InvalidKey {
            key: format!("{table}.k1"),
            message: format!("distortion k1 = {k1}, k2 = {k2} folds back before the image corners"),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::CameraModel;

    const GOOD: &str = r#"
        [pose]
        lat = 22.1105
        lon = 113.5620
        mast_height_m = 30.0
        heading_offset_deg = 12.5
        tilt_offset_deg = -0.3
        roll_deg = 0.1

        [camera]
        width_px = 640
        height_px = 512
        hfov_deg = 24.0
        k1 = -0.08
        k2 = 0.01
    "#;

    fn key_of(err: CalibrationError) -> String {
        match err {
            CalibrationError::InvalidKey { key, .. } => key,
            other => panic!("expected InvalidKey, got {other:?}"),
        }
    }

    mod from_toml_str {
        use super::*;

        #[test]
        fn reads_a_full_calibration() {
            let c = SiteCalibration::from_toml_str(GOOD).unwrap();
            assert_eq!(c.pose.mast_height_m, 30.0);
            assert_eq!(c.camera.k1, -0.08);
            let camera = c.camera.to_pinhole().unwrap();
            assert_eq!(camera.size_px(), (640, 512));
            assert!((camera.hfov_deg() - 24.0).abs() < 1e-9);
        }

        #[test]
        fn names_a_bad_pose_key_with_its_table() {
            let text = GOOD.replace("mast_height_m = 30.0", "mast_height_m = 0.0");
            assert_eq!(
                key_of(SiteCalibration::from_toml_str(&text).unwrap_err()),
                "pose.mast_height_m"
            );
        }

        #[test]
        fn names_a_bad_camera_key_with_its_table() {
            let text = GOOD.replace("hfov_deg = 24.0", "hfov_deg = 200.0");
            assert_eq!(
                key_of(SiteCalibration::from_toml_str(&text).unwrap_err()),
                "camera.hfov_deg"
            );
        }

        #[test]
        fn refuses_both_field_of_view_and_focal_length() {
            let text = GOOD.replace("hfov_deg = 24.0", "hfov_deg = 24.0\nfocal_px = 1500.0");
            let err = SiteCalibration::from_toml_str(&text).unwrap_err();
            assert!(err.to_string().contains("not both"), "{err}");
        }

        #[test]
        fn refuses_neither_field_of_view_nor_focal_length() {
            let text = GOOD.replace("hfov_deg = 24.0", "");
            assert_eq!(
                key_of(SiteCalibration::from_toml_str(&text).unwrap_err()),
                "camera.hfov_deg"
            );
        }

        #[test]
        fn names_folding_distortion_as_a_camera_key() {
            let text = GOOD.replace("k1 = -0.08", "k1 = -40.0");
            assert_eq!(
                key_of(SiteCalibration::from_toml_str(&text).unwrap_err()),
                "camera.k1"
            );
        }

        #[test]
        fn names_a_principal_point_outside_the_image() {
            let text = GOOD.replace("k2 = 0.01", "k2 = 0.01\ncx_px = 700.0");
            assert_eq!(
                key_of(SiteCalibration::from_toml_str(&text).unwrap_err()),
                "camera.cx_px"
            );
        }

        #[test]
        fn names_an_unknown_key() {
            let text = GOOD.replace("k2 = 0.01", "k2 = 0.01\nk3 = 0.0");
            let err = SiteCalibration::from_toml_str(&text).unwrap_err();
            assert!(err.to_string().contains("k3"), "{err}");
        }

        #[test]
        fn names_a_missing_table() {
            let err =
                SiteCalibration::from_toml_str("[pose]\nlat = 1.0\nlon = 1.0\nmast_height_m = 9.0")
                    .unwrap_err();
            assert!(err.to_string().contains("camera"), "{err}");
        }
    }

    mod from_path {
        use super::*;

        #[test]
        fn names_the_file_it_could_not_read() {
            let path = Path::new("/nonexistent/seawarden/site.toml");
            let err = SiteCalibration::from_path(path).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("/nonexistent/seawarden/site.toml: "),
                "{err}"
            );
        }
    }

    mod round_trip {
        use super::*;

        #[test]
        fn serialises_back_to_the_same_calibration() {
            let c = SiteCalibration::from_toml_str(GOOD).unwrap();
            let text = toml::to_string(&c).unwrap();
            assert_eq!(SiteCalibration::from_toml_str(&text).unwrap(), c);
        }
    }
    mod shipped_files {
        use super::*;

        /// Every site of `assets/sites.toml` has a calibration file that loads and agrees with
        /// it on position and mast height.
        #[test]
        fn all_thirteen_sites_load_and_match_sites_toml() {
            let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets");
            let sites_text = std::fs::read_to_string(assets.join("sites.toml")).unwrap();
            let sites: toml::Table = toml::from_str(&sites_text).unwrap();
            let sites = sites["sites"].as_array().unwrap();
            assert_eq!(sites.len(), 13);
            for site in sites {
                let id = site["id"].as_str().unwrap();
                let path = assets.join("calibration").join(format!("{id}.toml"));
                let cal = SiteCalibration::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
                let num = |k: &str| site[k].as_float().or(site[k].as_integer().map(|i| i as f64));
                assert_eq!(Some(cal.pose.lat), num("lat"), "{id}");
                assert_eq!(Some(cal.pose.lon), num("lon"), "{id}");
                assert_eq!(Some(cal.pose.mast_height_m), num("mast_height_m"), "{id}");
                assert_eq!((cal.camera.width_px, cal.camera.height_px), (640, 512), "{id}");
                cal.mounted_camera().unwrap();
            }
        }
    }
}
