//! Percentile AGC: a 16-bit radiometric frame → the `[0, 1]` grey levels a detection model reads.
//!
//! YOLO-style models are trained on 8-bit images scaled to `[0, 1]`. A radiometric camera sends
//! 16-bit counts whose useful span (a few hundred to a few thousand counts around the sea's
//! temperature) moves with weather and time of day, so the frame is stretched the way a thermal
//! camera's own AGC does: the counts at the `low_percentile` and `high_percentile` of the frame's
//! histogram map to 0 and 1, linearly, clamped. The result is kept as `f32` (not quantised to 256
//! levels), so a faint boat a few counts above the sea is not rounded away; a model trained on
//! 8-bit images reads it the same way. 8-bit frames are already AGC'd by the camera and are only
//! scaled by 1/255.
//!
//! The shipped model (`assets/models/`) was trained on exactly this normalisation with the
//! default percentiles; `tools/train_detector/data.py` implements the same rule in NumPy.

use crate::ingest::thermal::frame::{FrameView, Pixels};

/// Percentile window for 16-bit frames.
///
/// # Units
/// Percentiles in `[0, 100]`; `min_span_counts` in the frame's 16-bit counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agc {
    /// Counts at this percentile map to 0.
    pub low_percentile: f32,
    /// Counts at this percentile map to 1.
    pub high_percentile: f32,
    /// The window is widened (about its centre) to at least this many counts, so a nearly
    /// uniform frame is not stretched into amplified noise.
    pub min_span_counts: f32,
}

impl Default for Agc {
    fn default() -> Self {
        Agc { low_percentile: 0.5, high_percentile: 99.9, min_span_counts: 64.0 }
    }
}

/// A linear map from the frame's values to `[0, 1]`: `(v - lo) / span`, clamped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Value that maps to 0, in the frame's own counts.
    pub lo: f32,
    /// Counts per unit output (`hi - lo`), > 0.
    pub span: f32,
}

impl Window {
    /// The normalised value of `v`, in `[0, 1]`.
    #[inline]
    pub fn apply(&self, v: f32) -> f32 {
        ((v - self.lo) / self.span).clamp(0.0, 1.0)
    }
}

/// Computes [`Window`]s, keeping its histogram between frames.
#[derive(Debug, Clone)]
pub struct AgcState {
    cfg: Agc,
    hist: Vec<u32>,
}

impl AgcState {
    /// A fresh state for `cfg`.
    pub fn new(cfg: Agc) -> AgcState {
        AgcState { cfg, hist: Vec::new() }
    }

    /// The settings.
    pub fn config(&self) -> &Agc {
        &self.cfg
    }

    /// The window for `frame`: percentiles of every second pixel of every second row for 16-bit
    /// frames (the subsample changes the percentiles by far less than a count), `[0, 255]` for
    /// 8-bit frames.
    pub fn window(&mut self, frame: &FrameView<'_>) -> Window {
        let Pixels::Gray16(px) = frame.pixels() else {
            return Window { lo: 0.0, span: 255.0 };
        };
        let (w, h, stride) = (frame.width(), frame.height(), frame.stride());
        self.hist.clear();
        self.hist.resize(1 << 16, 0);
        let mut n = 0u64;
        for y in (0..h).step_by(2) {
            for &v in px[y * stride..y * stride + w].iter().step_by(2) {
                self.hist[usize::from(v)] += 1;
                n += 1;
            }
        }
        if n == 0 {
            return Window { lo: 0.0, span: 65_535.0 };
        }
        let lo = percentile(&self.hist, n, self.cfg.low_percentile);
        let hi = percentile(&self.hist, n, self.cfg.high_percentile);
        let (mut lo, mut hi) = (lo as f32, hi.max(lo) as f32);
        let min_span = self.cfg.min_span_counts.max(1.0);
        if hi - lo < min_span {
            let mid = 0.5 * (lo + hi);
            lo = mid - 0.5 * min_span;
            hi = mid + 0.5 * min_span;
        }
        Window { lo, span: hi - lo }
    }
}

/// The smallest value whose cumulative count reaches `p`% of `n` (at least one sample).
fn percentile(hist: &[u32], n: u64, p: f32) -> usize {
    let target = ((f64::from(p.clamp(0.0, 100.0)) / 100.0 * n as f64).ceil() as u64).max(1);
    let mut acc = 0u64;
    for (v, &c) in hist.iter().enumerate() {
        acc += u64::from(c);
        if acc >= target {
            return v;
        }
    }
    hist.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    mod window {
        use super::*;

        #[test]
        fn eight_bit_frames_scale_by_255() {
            let px = [0u8, 255];
            let f = FrameView::gray8(2, 1, &px).unwrap();
            let w = AgcState::new(Agc::default()).window(&f);
            assert_eq!((w.apply(0.0), w.apply(255.0), w.apply(51.0)), (0.0, 1.0, 0.2));
        }

        #[test]
        fn sixteen_bit_frames_stretch_between_percentiles() {
            // 0..10_000 in steps of 1, sampled on even rows and columns: the 0.5th percentile is
            // near 50, the 99.9th near 9_990 (less by up to a row of the subsample).
            let px: Vec<u16> = (0..10_000u16).collect();
            let f = FrameView::gray16(100, 100, &px).unwrap();
            let w = AgcState::new(Agc::default()).window(&f);
            assert!((0.0..=100.0).contains(&w.lo), "{w:?}");
            assert!((9_850.0..=9_999.0).contains(&(w.lo + w.span)), "{w:?}");
            assert_eq!(w.apply(0.0), 0.0);
            assert_eq!(w.apply(60_000.0), 1.0);
        }

        #[test]
        fn a_flat_frame_gets_the_minimum_span() {
            let px = vec![30_000u16; 64];
            let f = FrameView::gray16(8, 8, &px).unwrap();
            let w = AgcState::new(Agc::default()).window(&f);
            assert_eq!(w.span, 64.0);
            assert_eq!(w.apply(30_000.0), 0.5);
        }
    }
}
