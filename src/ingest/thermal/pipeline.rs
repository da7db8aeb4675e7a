//! One camera's detector, built the same way for `seawarden detect` and the edge node's video
//! inputs, so both report the same detections for the same video and settings.
//!
//! The default is the combination measured best on the evaluation clips (the model alone, see
//! [`DetectorKind`] and `assets/models/MODEL.md`). A model-based choice whose model cannot be
//! loaded is an error here ([`AnyDetector::try_build`]): the command exits with it, the node
//! fails that video input (its status says why) and keeps running the others.

use std::path::{Path, PathBuf};

use calibration::{HeadAngles, MountedCamera, Pinhole};

use super::geolocate::Geolocator;
use super::horizon::calibrated_horizon;
use super::hotspot::{HorizonSource, HotSpotConfig};
use super::onnx::bands::split_row;
use super::onnx::{AnyDetector, DetectorKind, OnnxConfig, OnnxError, SHIPPED_MODEL, VerifyConfig, sea_top_row};

/// The detector settings a user chooses (command-line flags, `node.toml` keys).
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorChoice {
    /// Which combination.
    pub kind: DetectorKind,
    /// The ONNX model, for `model` and `cascade`.
    pub model: PathBuf,
    /// The classical detector's CFAR threshold, local clutter standard deviations.
    pub threshold_sigma: f32,
    /// The model's confidence threshold; `None` keeps [`OnnxConfig::new`]'s measured default.
    pub confidence: Option<f32>,
}

impl Default for DetectorChoice {
    fn default() -> Self {
        DetectorChoice { kind: DetectorKind::default(), model: shipped_model(), threshold_sigma: 5.0, confidence: None }
    }
}

impl DetectorChoice {
    /// Builds the detector; `horizon` is where the classical detector (alone or as proposer)
    /// finds the sea, and a calibrated one also keeps the model off the sky above it
    /// ([`sea_top_row`]: the model's time is proportional to the rows it reads).
    ///
    /// # Errors
    /// [`OnnxError`] when the choice needs the model and it cannot be loaded.
    pub fn build(&self, horizon: HorizonSource) -> Result<AnyDetector, OnnxError> {
        self.build_with(horizon, None)
    }

    /// [`DetectorChoice::build`], and with the `camera` (mounted, at head angles) the model also
    /// reads the near rows at half resolution ([`OnnxConfig::range_adaptive`], [`split_row`]).
    fn build_with(
        &self,
        horizon: HorizonSource,
        camera: Option<(&MountedCamera<Pinhole>, HeadAngles)>,
    ) -> Result<AnyDetector, OnnxError> {
        let mut onnx = OnnxConfig::new(&self.model);
        if let HorizonSource::Calibrated(rows) = &horizon {
            onnx.sea_top_row = sea_top_row(rows);
        }
        // The model looks for the horizon in the image only where the classical detector would:
        // `HorizonSource::None` says the whole frame is sea.
        onnx.sky_from_image = matches!(horizon, HorizonSource::FromImage);
        if let (Some((camera, head)), Some(ra)) = (camera, &onnx.range_adaptive) {
            onnx.near_top_row = split_row(camera, head, ra);
            tracing::debug!(split_row = ?onnx.near_top_row, "range-adaptive resolution: half resolution from this row down");
        }
        let hot = HotSpotConfig { horizon, threshold_sigma: self.threshold_sigma, ..Default::default() };
        if let Some(c) = self.confidence {
            onnx.confidence = c;
        }
        AnyDetector::try_build(self.kind, hot, onnx, VerifyConfig::default())
    }
}

/// The shipped model's path: [`SHIPPED_MODEL`] under the working directory when it is there
/// (running from a checkout or an installed tree), else under the source tree this binary was
/// built from (tests, `cargo run` from elsewhere).
pub fn shipped_model() -> PathBuf {
    let here = Path::new(SHIPPED_MODEL);
    if here.is_file() { here.to_path_buf() } else { Path::new(env!("CARGO_MANIFEST_DIR")).join(SHIPPED_MODEL) }
}

/// Why a calibrated camera pipeline could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The calibration's camera does not build.
    #[error(transparent)]
    Calibration(#[from] calibration::CalibrationError),
    /// The chosen detector's model cannot be loaded.
    #[error("detector `{kind}`: {source} (choose another model, or the classical detector)")]
    Model {
        /// The detector asked for.
        kind: DetectorKind,
        /// Why the model failed.
        #[source]
        source: OnnxError,
    },
}

/// The chosen detector and the geolocator for one calibrated camera: sky is masked by the
/// calibrated horizon (classical detector), not guessed from the image.
///
/// # Errors
/// [`PipelineError`]: a calibration whose camera does not build, or a model that cannot load.
pub fn calibrated_detector(
    calibration: &calibration::SiteCalibration,
    sensor: &str,
    choice: &DetectorChoice,
) -> Result<(AnyDetector, Geolocator), PipelineError> {
    let geolocator = Geolocator::new(calibration, calibration::HeadAngles::default(), sensor)?;
    let horizon = HorizonSource::Calibrated(calibrated_horizon(geolocator.camera(), geolocator.head()));
    let camera = Some((geolocator.camera(), geolocator.head()));
    let detector =
        choice.build_with(horizon, camera).map_err(|source| PipelineError::Model { kind: choice.kind, source })?;
    Ok((detector, geolocator))
}
