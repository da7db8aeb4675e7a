//! Where a camera head stands and how it is mounted: a site's pose.
//!
//! A [`SitePose`] is the part of a calibration that belongs to the mast, not the lens: where it
//! is, how high the camera sits above the sea, and how the head's zero relates to true north
//! and the horizontal. It comes from a site's TOML calibration file, is validated on load with
//! errors naming the key, and feeds [`crate::mount::MountedCamera`].
//!
//! `lat`/`lon` are carried for the main crate's geodesy (bearing and range → position); this
//! crate does no geodesy of its own.

use serde::{Deserialize, Serialize};

use crate::error::CalibrationError;

/// The pose of a camera head at a coastal site: position, height and mounting offsets.
///
/// The head is modelled with a level pan axis: `heading_offset_deg` adds to the pan angle and
/// `tilt_offset_deg` to the tilt angle, and `roll_deg` turns the camera about its optical axis.
/// That is the small-error model a field alignment against landmarks fits; a tilted pan axis
/// (pan-dependent tilt error) is not modelled.
///
/// # Units
/// Degrees and metres as the field names say. In TOML the keys are the field names; the three
/// offsets default to zero.
///
/// # Examples
/// ```
/// # use calibration::SitePose;
/// let pose = SitePose::from_toml_str(r#"
///     lat = 22.1105
///     lon = 113.5620
///     mast_height_m = 30.0
///     heading_offset_deg = 12.5
/// "#)?;
/// assert_eq!(pose.tilt_offset_deg, 0.0);
///
/// let err = SitePose::from_toml_str("lat = 22.1\nlon = 113.5\nmast_height_m = -2.0").unwrap_err();
/// assert!(err.to_string().starts_with("mast_height_m:"));
/// # Ok::<(), calibration::CalibrationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitePose {
    /// Latitude of the mast, WGS-84 degrees, north positive.
    pub lat: f64,
    /// Longitude of the mast, WGS-84 degrees, east positive.
    pub lon: f64,
    /// Height of the camera's optical centre above the sea surface, metres.
    pub mast_height_m: f64,
    /// True bearing the head faces at pan zero, degrees clockwise from true north.
    #[serde(default)]
    pub heading_offset_deg: f64,
    /// Elevation of the optical axis at tilt zero, degrees, positive up.
    #[serde(default)]
    pub tilt_offset_deg: f64,
    /// Camera roll about its optical axis, degrees, positive when the image's right side is
    /// lower (the horizon then slopes up to the right in the image).
    #[serde(default)]
    pub roll_deg: f64,
}

impl SitePose {
    /// Reads and validates a pose from TOML text whose top-level keys are this struct's fields.
    ///
    /// # Errors
    /// [`CalibrationError::Toml`] for bad syntax, unknown or missing keys, and
    /// [`CalibrationError::InvalidKey`] for values out of range (see [`SitePose::validate`]).
    pub fn from_toml_str(text: &str) -> Result<SitePose, CalibrationError> {
        let pose: SitePose = toml::from_str(text)?;
        pose.validate()?;
        Ok(pose)
    }

    /// Checks every field is in range, naming the first key that is not.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidKey`]: `lat` outside ±90, `lon` outside ±180,
    /// `mast_height_m` not in `(0, 10 000]`, `heading_offset_deg` outside ±360,
    /// `tilt_offset_deg` outside ±90, `roll_deg` outside ±180, or any value not finite.
    pub fn validate(&self) -> Result<(), CalibrationError> {
        let checks: [(&str, f64, f64, f64, bool); 6] = [
            ("lat", self.lat, -90.0, 90.0, true),
            ("lon", self.lon, -180.0, 180.0, true),
            // A camera on a cliff-top mast may be a few hundred metres up; above 10 km it is
            // a typo (feet, or millimetres), not a site.
            ("mast_height_m", self.mast_height_m, 0.0, 10_000.0, false),
            (
                "heading_offset_deg",
                self.heading_offset_deg,
                -360.0,
                360.0,
                true,
            ),
            ("tilt_offset_deg", self.tilt_offset_deg, -90.0, 90.0, true),
            ("roll_deg", self.roll_deg, -180.0, 180.0, true),
        ];
        for (key, value, min, max, min_inclusive) in checks {
            let above_min = if min_inclusive {
                value >= min
            } else {
                value > min
            };
            if !(above_min && value <= max) {
                let open = if min_inclusive { '[' } else { '(' };
                return Err(CalibrationError::InvalidKey {
                    key: key.to_owned(),
                    message: format!("{value} is outside {open}{min}, {max}]"),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "lat = 22.1105\nlon = 113.5620\nmast_height_m = 30.0\n\
                        heading_offset_deg = 12.5\ntilt_offset_deg = -0.3\nroll_deg = 0.1\n";

    fn key_of(err: CalibrationError) -> String {
        match err {
            CalibrationError::InvalidKey { key, .. } => key,
            other => panic!("expected InvalidKey, got {other:?}"),
        }
    }

    mod from_toml_str {
        use super::*;

        #[test]
        fn reads_every_field() {
            let pose = SitePose::from_toml_str(GOOD).unwrap();
            assert_eq!(
                pose,
                SitePose {
                    lat: 22.1105,
                    lon: 113.5620,
                    mast_height_m: 30.0,
                    heading_offset_deg: 12.5,
                    tilt_offset_deg: -0.3,
                    roll_deg: 0.1,
                }
            );
        }

        #[test]
        fn defaults_the_offsets_to_zero() {
            let pose =
                SitePose::from_toml_str("lat = 1.0\nlon = 2.0\nmast_height_m = 3.0").unwrap();
            assert_eq!(
                (pose.heading_offset_deg, pose.tilt_offset_deg, pose.roll_deg),
                (0.0, 0.0, 0.0)
            );
        }

        #[test]
        fn names_a_missing_key() {
            let err = SitePose::from_toml_str("lat = 1.0\nlon = 2.0").unwrap_err();
            assert!(err.to_string().contains("mast_height_m"), "{err}");
        }

        #[test]
        fn names_an_unknown_key() {
            let text = format!("{GOOD}mast_height_ft = 98.0\n");
            let err = SitePose::from_toml_str(&text).unwrap_err();
            assert!(err.to_string().contains("mast_height_ft"), "{err}");
        }

        #[test]
        fn names_a_key_of_the_wrong_type() {
            let err = SitePose::from_toml_str("lat = \"north\"\nlon = 2.0\nmast_height_m = 3.0")
                .unwrap_err();
            assert!(err.to_string().contains("lat"), "{err}");
        }

        #[test]
        fn names_a_key_out_of_range() {
            let text = GOOD.replace("lat = 22.1105", "lat = 122.1");
            assert_eq!(key_of(SitePose::from_toml_str(&text).unwrap_err()), "lat");
        }
    }

    mod validate {
        use super::*;

        fn good() -> SitePose {
            SitePose::from_toml_str(GOOD).unwrap()
        }

        #[test]
        fn accepts_a_good_pose() {
            assert!(good().validate().is_ok());
        }

        #[test]
        fn refuses_a_mast_at_sea_level() {
            let pose = SitePose {
                mast_height_m: 0.0,
                ..good()
            };
            assert_eq!(key_of(pose.validate().unwrap_err()), "mast_height_m");
        }

        #[test]
        fn refuses_nan_anywhere() {
            let pose = SitePose {
                roll_deg: f64::NAN,
                ..good()
            };
            assert_eq!(key_of(pose.validate().unwrap_err()), "roll_deg");
            let pose = SitePose {
                lon: f64::NAN,
                ..good()
            };
            assert_eq!(key_of(pose.validate().unwrap_err()), "lon");
        }

        #[test]
        fn refuses_a_tilt_offset_past_vertical() {
            let pose = SitePose {
                tilt_offset_deg: 91.0,
                ..good()
            };
            assert_eq!(key_of(pose.validate().unwrap_err()), "tilt_offset_deg");
        }
    }
}
