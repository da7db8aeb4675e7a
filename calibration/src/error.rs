//! The crate's one error type.

use std::path::PathBuf;

/// Why a calibration could not be built or loaded, or a conversion has no answer.
///
/// Geometry variants (the ones a per-detection conversion can return) carry only numbers and
/// static names, so the hot path never allocates; only the config variants hold strings.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    /// A model parameter is out of its valid range. `name` is the parameter's name, which is
    /// also its key in a calibration file's `[camera]` table.
    #[error("{name} = {value} is out of range: expected {expected}")]
    InvalidParameter {
        /// Parameter (and key) name, such as `hfov_deg`.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The range or rule it breaks, in words.
        expected: &'static str,
    },
    /// The radial distortion folds back on itself before the image corners, so some pixels would
    /// have two lines of sight.
    #[error("distortion k1 = {k1}, k2 = {k2} is not invertible out to the image corners")]
    DistortionNotInvertible {
        /// First radial coefficient.
        k1: f64,
        /// Second radial coefficient.
        k2: f64,
    },
    /// An input coordinate or angle is NaN or infinite.
    #[error("{name} is not a finite number")]
    NotFinite {
        /// Name of the input, such as `x_px` or `depression_deg`.
        name: &'static str,
    },
    /// A pixel lies so far out that the distortion model no longer maps it to one line of sight.
    #[error("pixel ({x_px}, {y_px}) lies outside the camera model")]
    PixelOutsideModel {
        /// Column coordinate, pixels.
        x_px: f64,
        /// Row coordinate, pixels.
        y_px: f64,
    },
    /// A line of sight is so far off the optical axis that the distortion model folds it.
    #[error("line of sight {off_axis_deg}° off the optical axis lies outside the camera model")]
    RayOutsideModel {
        /// Angle between the line of sight and the optical axis, degrees.
        off_axis_deg: f64,
    },
    /// A line of sight points behind (or square to) the camera, so it has no pixel.
    #[error("line of sight is behind the camera")]
    BehindCamera,
    /// A line of sight at or above the sea horizon meets no sea.
    #[error("depression {depression_deg}° is at or above the sea horizon (dip {horizon_dip_deg}°)")]
    AboveHorizon {
        /// Depression below the horizontal asked for, degrees.
        depression_deg: f64,
        /// Dip of the sea horizon from this height, degrees.
        horizon_dip_deg: f64,
    },
    /// A sea point beyond the horizon cannot be seen, so it has no depression.
    #[error("range {range_m} m is beyond the sea horizon at {horizon_range_m} m")]
    BeyondHorizon {
        /// Range asked for, metres.
        range_m: f64,
        /// Distance to the sea horizon, metres.
        horizon_range_m: f64,
    },
    /// The pose solver was given fewer usable correspondences than it needs.
    #[error("too few correspondences: {got} usable, at least {needed} needed")]
    TooFewCorrespondences {
        /// Correspondences that could be used (after outlier rejection, where that applies).
        got: usize,
        /// The minimum the solver needs for the offsets it fits.
        needed: usize,
    },
    /// The correspondences do not pin the offsets down (all at one pixel, say, which leaves roll
    /// free).
    #[error("correspondences are degenerate: {what}")]
    DegenerateCorrespondences {
        /// Which offset is not observable, in words.
        what: &'static str,
    },
    /// One correspondence is unusable; `index` counts from zero in the order given.
    #[error("correspondence {index}: {source}")]
    Correspondence {
        /// Position of the correspondence in the input.
        index: usize,
        /// What is wrong with it.
        source: Box<CalibrationError>,
    },
    /// A key in a calibration file has an invalid value (or a required choice is missing).
    #[error("{key}: {message}")]
    InvalidKey {
        /// Dotted key path, such as `pose.mast_height_m`.
        key: String,
        /// What is wrong, with the value.
        message: String,
    },
    /// The calibration text is not valid TOML, has an unknown key, or misses a required one (the
    /// message names the key and line).
    #[error("invalid calibration TOML: {0}")]
    Toml(#[from] toml::de::Error),
    /// The calibration file could not be read.
    #[error("cannot read calibration: {0}")]
    Io(#[from] std::io::Error),
    /// An error while loading a particular file; wraps any of the above with its path.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file being loaded.
        path: PathBuf,
        /// What went wrong.
        source: Box<CalibrationError>,
    },
}
