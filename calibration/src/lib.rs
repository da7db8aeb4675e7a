//! Camera calibration for Seawarden: pixel ↔ bearing/elevation ↔ range over the sea.
//!
//! The IR pipeline (`seawarden::ingest::thermal`) finds boats in pixels; this crate says where
//! they are. A pixel, with the pan/tilt head's angles when the frame was taken, becomes a true
//! bearing and an elevation; an elevation below the sea horizon becomes a range along the sea
//! surface, with a first-order error. Turning bearing and range into lat/lon is left to the main
//! crate's geodesy, so this crate stays free of it; a [`SitePose`] carries the mast's lat/lon
//! for that step.
//!
//! # Layout
//! - [`camera`]: the [`CameraModel`] trait (pixel ↔ ray in the camera frame) and [`Pinhole`]
//!   with radial distortion.
//! - [`mount`]: [`MountedCamera`], a camera on a head at a site: pixel ↔ [`Direction`] and sea
//!   range, given [`HeadAngles`].
//! - [`sea`]: [`SeaSurface`], depression ↔ range over a curved sea with standard refraction.
//! - [`pose`]: [`SitePose`], the mast's position, height and mounting offsets, from TOML.
//! - [`site`]: [`SiteCalibration`], a site's calibration file (`[pose]` + `[camera]`).
//! - [`solver`]: [`solve_pose`], heading/tilt/roll offsets fitted robustly to vessels seen in
//!   the picture and placed by AIS.
//! - [`error`]: [`CalibrationError`], the crate's one error type.
#![deny(missing_docs)]

pub mod camera;
pub mod error;
pub mod mount;
pub mod pose;
pub mod sea;
pub mod site;
pub mod solver;

/// Optics: pixel ↔ camera-frame ray.
pub use camera::{CameraModel, Pinhole, Pixel, Ray};
/// Why a calibration could not be built or a conversion has no answer.
pub use error::CalibrationError;
/// A camera on a pan/tilt head at a site.
pub use mount::{Direction, HeadAngles, MountedCamera};
/// The mast's pose.
pub use pose::SitePose;
/// Range over the sea from depression.
pub use sea::{EARTH_MEAN_RADIUS_M, STANDARD_REFRACTION_K, SeaSurface};
/// A site's calibration file.
pub use site::{CameraSpec, SiteCalibration};
/// The pose solver.
pub use solver::{Correspondence, PoseFit, SolverOptions, solve_pose};
