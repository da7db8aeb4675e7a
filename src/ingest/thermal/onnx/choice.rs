//! Which detector a camera runs, chosen at start-up: classical, cascaded, or model alone.
//!
//! An enum that itself implements [`Detector`] (STYLE §7: no `Box<dyn>` in the per-frame loop).
//! Building it never fails: when the model cannot be loaded (no onnxruntime, a missing or
//! malformed model) the camera degrades to the classical detector and the caller gets the
//! reason to log, so a node keeps running.

use std::str::FromStr;

use super::verify::{Verified, VerifyConfig};
use super::{Onnx, OnnxConfig, OnnxError};
use crate::ingest::thermal::detector::{Blob, Detector};
use crate::ingest::thermal::frame::FrameView;
use crate::ingest::thermal::hotspot::{HotSpot, HotSpotConfig};

/// The detector combinations, by name (`hotspot`, `verified`, `onnx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DetectorKind {
    /// The classical hot-spot detector alone: no model, fastest, and what a camera falls back to
    /// when its model cannot be loaded.
    HotSpot,
    /// HotSpot proposes (at [`VERIFIED_PROPOSER_SIGMA`]), the model verifies: cheaper than the
    /// model alone on a quiet sea, but it can only keep what HotSpot finds.
    Verified,
    /// The model on every whole frame: the measured best combination on the evaluation clips
    /// (precision 0.97, recall 0.64, 0.25 false alarms a frame at confidence 0.5, against
    /// 0.40 / 0.37 / 7.4 for HotSpot alone and 0.93 / 0.33 / 0.34 for the best cascade; see
    /// `assets/models/MODEL.md`), hence the default.
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
            DetectorKind::HotSpot => "hotspot",
            DetectorKind::Verified => "verified",
            DetectorKind::Onnx => "onnx",
        }
    }
}

impl FromStr for DetectorKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hotspot" => Ok(DetectorKind::HotSpot),
            "verified" => Ok(DetectorKind::Verified),
            "onnx" => Ok(DetectorKind::Onnx),
            _ => Err(format!("unknown detector {s:?}: expected hotspot, verified or onnx")),
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
        assert!("yolo".parse::<DetectorKind>().unwrap_err().contains("hotspot, verified or onnx"));
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
}
