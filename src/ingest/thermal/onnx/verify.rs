//! Classical proposals, verified by the model: the cheap detector finds candidates everywhere,
//! the model looks only around them.
//!
//! The classical [`HotSpot`](crate::ingest::thermal::HotSpot) finds nearly every warm object in a
//! few milliseconds, along with whitecaps, glint and coast lights. Running the model on the
//! whole frame costs tens of milliseconds; running it on a small window around each proposal
//! costs a fraction of that and still lets it reject clutter the classical gates pass. A proposal
//! is kept when the model finds an object of at least [`VerifyConfig::confidence`] overlapping
//! it; the model's box and score replace the proposal's (one box per object, fitted by the model).
//!
//! A model with a free input size is run on a `crop_px` window (grown for large proposals) at the
//! frame's own scale; a fixed-size model on a window of its input size, so targets keep their
//! scale either way. Proposals inside a window already run reuse its result.

use super::letterbox::Region;
use super::nms::{Candidate, nms};
use super::{Onnx, Window};
use crate::ingest::thermal::detector::{Blob, Detector};
use crate::ingest::thermal::frame::FrameView;

/// Settings of [`Verified`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerifyConfig {
    /// Side of the window the model sees around a proposal, pixels (a multiple of the model's
    /// stride; free-size models only).
    pub crop_px: usize,
    /// Context kept around a large proposal, pixels on each side.
    pub margin_px: usize,
    /// Lowest model confidence that confirms a proposal, `[0, 1]`. Lower than the model-alone
    /// threshold: the proposal is evidence too.
    pub confidence: f32,
    /// A model box confirms a proposal when their IoU reaches this, or when either box's centre
    /// lies in the other.
    pub min_iou: f32,
}

impl Default for VerifyConfig {
    fn default() -> Self {
        VerifyConfig { crop_px: 64, margin_px: 16, confidence: 0.25, min_iou: 0.1 }
    }
}

/// A proposer `P` (normally [`HotSpot`](crate::ingest::thermal::HotSpot)) whose blobs the
/// [`Onnx`] model confirms or rejects (see the module docs).
#[derive(Debug)]
pub struct Verified<P> {
    proposer: P,
    model: Onnx,
    cfg: VerifyConfig,
    proposals: Vec<Blob>,
    regions: Vec<(Region, usize, usize)>,
    cands: Vec<Candidate>,
    kept: Vec<Candidate>,
}

impl<P: Detector> Verified<P> {
    /// Chains `proposer` and `model`.
    pub fn new(proposer: P, model: Onnx, cfg: VerifyConfig) -> Verified<P> {
        Verified {
            proposer,
            model,
            cfg,
            proposals: Vec::new(),
            regions: Vec::new(),
            cands: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// The proposer.
    pub fn proposer(&self) -> &P {
        &self.proposer
    }

    /// The model.
    pub fn model(&self) -> &Onnx {
        &self.model
    }

    /// The window a proposal is verified in.
    fn region_for(&self, b: &Blob, fw: usize, fh: usize) -> Region {
        let (w, h) = match self.model.fixed_input_size() {
            Some(size) => size,
            None => {
                let s = self.model.config().stride_px.max(1);
                let side =
                    |extent: u32| (extent as usize + 2 * self.cfg.margin_px).max(self.cfg.crop_px).div_ceil(s) * s;
                (side(b.w), side(b.h))
            }
        };
        let (cx, cy) = b.centre();
        Region::centred(cx, cy, w, h, fw, fh)
    }
}

/// Whether model box `c` confirms proposal `b`.
fn confirms(c: &Candidate, b: &Blob, min_iou: f32) -> bool {
    let p = Candidate {
        x0: b.x as f32,
        y0: b.y as f32,
        x1: (b.x + b.w) as f32,
        y1: (b.y + b.h) as f32,
        score: 0.0,
        class_id: 0,
    };
    let inside =
        |x: f32, y: f32, r: &Candidate| x >= r.x0 - 1.0 && x <= r.x1 + 1.0 && y >= r.y0 - 1.0 && y <= r.y1 + 1.0;
    c.iou(&p) >= min_iou
        || inside((c.x0 + c.x1) / 2.0, (c.y0 + c.y1) / 2.0, &p)
        || inside((p.x0 + p.x1) / 2.0, (p.y0 + p.y1) / 2.0, c)
}

impl<P: Detector> Detector for Verified<P> {
    fn detect(&mut self, frame: &FrameView<'_>, out: &mut Vec<Blob>) {
        self.proposals.clear();
        self.proposer.detect(frame, &mut self.proposals);
        if self.proposals.is_empty() {
            return;
        }
        let window: Window = self.model.window(frame);
        let (fw, fh) = (frame.width(), frame.height());
        self.regions.clear();
        self.cands.clear();
        self.kept.clear();
        let proposals = std::mem::take(&mut self.proposals);
        for b in &proposals {
            let (x1, y1) = ((b.x + b.w) as usize, (b.y + b.h) as usize);
            // Reuse a window that holds the proposal with a little context.
            let m = 4;
            let known = self.regions.iter().find(|(r, _, _)| {
                r.x + m <= b.x as usize && r.y + m <= b.y as usize && x1 + m <= r.x + r.w && y1 + m <= r.y + r.h
                    || (r.w, r.h) == (fw, fh)
            });
            let (start, end) = match known {
                Some(&(_, s, e)) => (s, e),
                None => {
                    let region = self.region_for(b, fw, fh);
                    let start = self.cands.len();
                    if let Err(e) =
                        self.model.candidates_in(frame, region, window, self.cfg.confidence, &mut self.cands)
                    {
                        self.model.report(&e);
                        self.cands.truncate(start);
                    }
                    self.regions.push((region, start, self.cands.len()));
                    (start, self.cands.len())
                }
            };
            let best = self.cands[start..end]
                .iter()
                .filter(|c| confirms(c, b, self.cfg.min_iou))
                .max_by(|a, c| a.score.total_cmp(&c.score));
            if let Some(c) = best {
                self.kept.push(*c);
            }
        }
        self.proposals = proposals;
        let cfg = self.model.config();
        nms(&mut self.kept, cfg.iou_threshold, cfg.max_detections);
        Onnx::push_blobs(frame, &self.kept, out);
    }

    fn class_names(&self) -> &[String] {
        self.model.class_names()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(x: u32, y: u32, w: u32, h: u32) -> Blob {
        Blob { x, y, w, h, score: 1.0, class_id: 0, contrast: 1.0, snr: 1.0 }
    }

    fn cand(x0: f32, y0: f32, x1: f32, y1: f32) -> Candidate {
        Candidate { x0, y0, x1, y1, score: 0.5, class_id: 0 }
    }

    mod confirms {
        use super::*;

        #[test]
        fn an_overlapping_model_box_confirms() {
            assert!(confirms(&cand(10.0, 10.0, 16.0, 14.0), &blob(11, 10, 6, 4), 0.1));
        }

        #[test]
        fn a_tiny_model_box_inside_a_large_proposal_confirms() {
            assert!(confirms(&cand(20.0, 20.0, 21.0, 21.0), &blob(10, 15, 20, 10), 0.5));
        }

        #[test]
        fn a_distant_model_box_does_not() {
            assert!(!confirms(&cand(40.0, 40.0, 44.0, 43.0), &blob(10, 10, 6, 4), 0.1));
        }
    }
}
