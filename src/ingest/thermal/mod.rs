//! Infrared thermal video → hot objects → bearings, ranges and [`Detection`](crate::Detection)s.
//!
//! # Layout
//! Frames come in through [`capture`] (GStreamer, feature `thermal`) or from the simulator as
//! [`FrameView`]s; a [`Detector`] ([`HotSpot`], or a learned one) turns each into [`Blob`]s; the
//! [`ImageTracker`] follows blobs across frames and reports steady boxes at a few hertz; a
//! [`Geolocator`] turns a box into a bearing, a range from its depression below the horizon,
//! and a position, through the site's calibration. Only `capture` needs GStreamer: detection,
//! tracking and geometry build without it.

/// Borrowed and owned grey frames, 8- or 16-bit.
pub mod frame;
pub use frame::{Frame16, FrameSizeError, FrameView, Pixels};
/// The detector role and its output.
pub mod detector;
pub use detector::{Blob, Detector};
/// The classical hot-spot detector: top-hat, CFAR, components, gates.
pub mod hotspot;
pub use hotspot::{HorizonSource, HotSpot, HotSpotConfig};
/// Horizon and land: where the sea is in the image.
pub mod horizon;
pub use horizon::{SeaTopEstimator, calibrated_horizon};
/// Frame-to-frame association and box smoothing.
pub mod tracker;
pub use tracker::{ImageTrack, ImageTracker, ImageTrackerConfig};
/// Blob → bearing, range, lat/lon and `Detection`, through a calibration.
pub mod geolocate;
pub use geolocate::{Geolocation, Geolocator};
/// IR snapshot chips (small PNGs around detections) kept for alert evidence.
pub mod snapshot;
/// Bounded frame hand-off between GStreamer's thread and the detector.
pub mod queue;
pub use queue::{FrameQueue, Pop, QueuePolicy};
/// The IR pipeline's error type.
pub mod error;
pub use error::ThermalError;
/// GStreamer capture from files, RTSP, V4L2 and test sources.
#[cfg(feature = "thermal")]
pub mod capture;
#[cfg(feature = "thermal")]
pub use capture::{Capture, CaptureOptions, CaptureStats, VideoFrame};
/// The learned detector: YOLO-format ONNX models through onnxruntime (`ort`), and model verification of classical proposals.
#[cfg(feature = "thermal")]
pub mod onnx;
/// The chosen detector (model by default) and geolocator for one camera, for CLI and node alike.
#[cfg(feature = "thermal")]
pub mod pipeline;
#[cfg(feature = "thermal")]
pub use pipeline::{DetectorChoice, PipelineError, calibrated_detector};

/// The classical hot-spot detector and geolocator for one calibrated camera: sky is masked by
/// the calibrated horizon, not guessed from the image. (`seawarden detect` and the edge node
/// use [`calibrated_detector`], which builds the chosen detector, the model by default.)
///
/// # Errors
/// As [`Geolocator::new`] (a calibration whose camera does not build).
pub fn calibrated_pipeline(
    calibration: &calibration::SiteCalibration,
    sensor: &str,
    threshold_sigma: f32,
) -> Result<(HotSpot, Geolocator), calibration::CalibrationError> {
    let geolocator = Geolocator::new(calibration, calibration::HeadAngles::default(), sensor)?;
    let horizon = HorizonSource::Calibrated(calibrated_horizon(geolocator.camera(), geolocator.head()));
    let detector = HotSpot::new(HotSpotConfig { horizon, threshold_sigma, ..Default::default() });
    Ok((detector, geolocator))
}
