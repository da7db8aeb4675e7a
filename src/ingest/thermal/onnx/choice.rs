//! Which detector a camera runs, chosen at start-up: classical, cascaded, or model alone.
//!
//! An enum that itself implements [`Detector`] (STYLE §7: no `Box<dyn>` in the per-frame loop).
//! [`AnyDetector::try_build`] fails with the model's error when a model-based kind cannot be
//! loaded (what `seawarden detect` and the edge node's video inputs use: the user asked for that
//! detector, so a silent substitute would mislead); [`AnyDetector::build`] instead degrades to
//! the classical detector and returns the reason to log.

use std::str::FromStr;

use super::verify::{Verified, VerifyConfig};
use super::{Onnx, OnnxConfig, OnnxError};
use crate::ingest::thermal::detector::{Blob, Detector};
use crate::ingest::thermal::frame::FrameView;
use crate::ingest::thermal::hotspot::{HotSpot, HotSpotConfig};

/// The detector combinations, by name: `classical`, `cascade`, `model` (the older names
/// `hotspot`, `verified`, `onnx` are accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DetectorKind {
    /// The classical hot-spot detector alone: no model, fastest, and what a camera falls back to
    /// when its model cannot be loaded.
    HotSpot,
    /// HotSpot proposes (at [`VERIFIED_PROPOSER_SIGMA`]), the model verifies: cheaper than the
    /// model alone on a quiet sea, but it can only keep what HotSpot finds.
    Verified,
    /// The model on every frame (below the horizon when calibrated): the measured best
    /// combination on the evaluation clips (precision 0.97, recall 0.64, 0.27 false alarms a
    /// frame at confidence 0.5, against 0.50 / 0.83 / 11.1 for HotSpot alone and 0.78 / 0.78 /
    /// 2.9 for the `cascade` default; see `assets/models/MODEL.md`), hence the default.
    #[default]
    Onnx,
}

/// The CFAR threshold the proposer runs at in [`DetectorKind::Verified`], local standard
/// deviations: lower than HotSpot's own default, because the model removes the extra clutter.
pub const VERIFIED_PROPOSER_SIGMA: f32 = 4.0;

impl DetectorKind {
    /// Its name on the command line and in config files.
    pub fn name(self) -> &'static str {
        match self {
            DetectorKind::HotSpot => "classical",
            DetectorKind::Verified => "cascade",
            DetectorKind::Onnx => "model",
        }
    }

    /// Whether it needs the ONNX model (and so onnxruntime).
    pub fn needs_model(self) -> bool {
        !matches!(self, DetectorKind::HotSpot)
    }
}

impl std::fmt::Display for DetectorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DetectorKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "classical" | "hotspot" => Ok(DetectorKind::HotSpot),
            "cascade" | "verified" => Ok(DetectorKind::Verified),
            "model" | "onnx" => Ok(DetectorKind::Onnx),
            _ => Err(format!("unknown detector {s:?}: expected model, classical or cascade")),
        }
    }
}

/// One of the detector combinations.
#[derive(Debug)]
pub enum AnyDetector {
    /// Classical alone.
    HotSpot(HotSpot),
    /// Classical proposals verified by the model.
    Verified(Box<Verified<HotSpot>>),
    /// The model alone.
    Onnx(Box<Onnx>),
}

impl AnyDetector {
    /// Builds `kind`. `hotspot` configures the classical detector (alone, or as the proposer,
    /// whose threshold is then lowered to at most [`VERIFIED_PROPOSER_SIGMA`]).
    ///
    /// Returns the detector and, when the model could not be loaded, the reason: the detector
    /// is then the classical one (degraded, still running).
    pub fn build(
        kind: DetectorKind,
        hotspot: HotSpotConfig,
        model: OnnxConfig,
        verify: VerifyConfig,
    ) -> (AnyDetector, Option<OnnxError>) {
        match kind {
            DetectorKind::HotSpot => (AnyDetector::HotSpot(HotSpot::new(hotspot)), None),
            DetectorKind::Onnx => match Onnx::try_new(model) {
                Ok(m) => (AnyDetector::Onnx(Box::new(m)), None),
                Err(e) => (AnyDetector::HotSpot(HotSpot::new(hotspot)), Some(e)),
            },
            DetectorKind::Verified => match Onnx::try_new(model) {
                Ok(m) => {
                    let proposer = HotSpotConfig {
                        threshold_sigma: hotspot.threshold_sigma.min(VERIFIED_PROPOSER_SIGMA),
                        ..hotspot
                    };
                    (AnyDetector::Verified(Box::new(Verified::new(HotSpot::new(proposer), m, verify))), None)
                }
                Err(e) => (AnyDetector::HotSpot(HotSpot::new(hotspot)), Some(e)),
            },
        }
    }

    /// Builds exactly `kind`, or fails: for a user who chose (or defaulted to) a model-based
    /// detector, a missing or malformed model is an error to show, not a reason to run another
    /// detector. `hotspot` as in [`AnyDetector::build`].
    ///
    /// # Errors
    /// [`OnnxError`] when `kind` needs the model and it cannot be loaded.
    pub fn try_build(
        kind: DetectorKind,
        hotspot: HotSpotConfig,
        model: OnnxConfig,
        verify: VerifyConfig,
    ) -> Result<AnyDetector, OnnxError> {
        if kind.needs_model() {
            // Load first, so a failure is reported before any fallback is built.
            let m = Onnx::try_new(model)?;
            return Ok(match kind {
                DetectorKind::Verified => {
                    let proposer = HotSpotConfig {
                        threshold_sigma: hotspot.threshold_sigma.min(VERIFIED_PROPOSER_SIGMA),
                        ..hotspot
                    };
                    AnyDetector::Verified(Box::new(Verified::new(HotSpot::new(proposer), m, verify)))
                }
                _ => AnyDetector::Onnx(Box::new(m)),
            });
        }
        Ok(AnyDetector::HotSpot(HotSpot::new(hotspot)))
    }

    /// Which combination is running (after any fallback).
    pub fn kind(&self) -> DetectorKind {
        match self {
            AnyDetector::HotSpot(_) => DetectorKind::HotSpot,
            AnyDetector::Verified(_) => DetectorKind::Verified,
            AnyDetector::Onnx(_) => DetectorKind::Onnx,
        }
    }
}

impl Detector for AnyDetector {
    fn detect(&mut self, frame: &FrameView<'_>, out: &mut Vec<Blob>) {
        match self {
            AnyDetector::HotSpot(d) => d.detect(frame, out),
            AnyDetector::Verified(d) => d.detect(frame, out),
            AnyDetector::Onnx(d) => d.detect(frame, out),
        }
    }

    fn class_names(&self) -> &[String] {
        match self {
            AnyDetector::HotSpot(d) => d.class_names(),
            AnyDetector::Verified(d) => d.class_names(),
            AnyDetector::Onnx(d) => d.class_names(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in [DetectorKind::HotSpot, DetectorKind::Verified, DetectorKind::Onnx] {
            assert_eq!(k.name().parse::<DetectorKind>(), Ok(k));
        }
        assert!("yolo".parse::<DetectorKind>().unwrap_err().contains("model, classical or cascade"));
        assert_eq!("hotspot".parse::<DetectorKind>(), Ok(DetectorKind::HotSpot));
        assert_eq!("onnx".parse::<DetectorKind>(), Ok(DetectorKind::Onnx));
        assert_eq!("verified".parse::<DetectorKind>(), Ok(DetectorKind::Verified));
    }

    #[test]
    fn a_missing_model_degrades_to_the_classical_detector() {
        let (d, err) = AnyDetector::build(
            DetectorKind::Verified,
            HotSpotConfig::default(),
            OnnxConfig::new("/nonexistent/m.onnx"),
            VerifyConfig::default(),
        );
        assert_eq!(d.kind(), DetectorKind::HotSpot);
        assert!(matches!(err, Some(OnnxError::ModelMissing { .. })));
    }

    #[test]
    fn try_build_refuses_a_missing_model_but_classical_needs_none() {
        let missing = || OnnxConfig::new("/nonexistent/m.onnx");
        for kind in [DetectorKind::Onnx, DetectorKind::Verified] {
            let err = AnyDetector::try_build(kind, HotSpotConfig::default(), missing(), VerifyConfig::default());
            assert!(matches!(err, Err(OnnxError::ModelMissing { .. })), "{kind}");
        }
        let d =
            AnyDetector::try_build(DetectorKind::HotSpot, HotSpotConfig::default(), missing(), VerifyConfig::default());
        assert_eq!(d.map(|d| d.kind()), Ok(DetectorKind::HotSpot));
    }
}
