//! Without a calibration, the sky the model may skip is found in the image itself, as the
//! classical detector finds it: [`SeaTopEstimator::horizon_line`] fits the horizon through each
//! 32-column strip's step from sky to sea, and the model reads from [`IMAGE_SKY_MARGIN_PX`] above
//! the line's highest point. No line (fog, a view of sea only, a frame too small): the whole
//! frame. Land below the horizon is not looked for: the model tells boats from land itself.

use super::super::frame::FrameView;
use super::super::horizon::{STRIP_WIDTH_PX, SeaTopEstimator};
use super::SKY_MARGIN_PX;

/// Rows of sky kept above a horizon found in the image: [`SKY_MARGIN_PX`] as above a calibrated
/// one, and as much again for the estimate's own error (a soft horizon in haze, a few rows of
/// tilt between strips).
pub const IMAGE_SKY_MARGIN_PX: f32 = 2.0 * SKY_MARGIN_PX;

/// Per-frame scratch for finding the horizon in the image.
#[derive(Debug, Clone, Default)]
pub struct ImageSky {
    estimator: SeaTopEstimator,
    strip_means: Vec<f32>,
    row: Vec<u16>,
}

impl ImageSky {
    /// The first row of `frame` worth feeding the model, from the horizon found in it; `None`
    /// when no horizon was found or it leaves no sky to skip.
    pub fn sea_top_row(&mut self, frame: &FrameView<'_>) -> Option<usize> {
        let (w, h) = (frame.width(), frame.height());
        if w == 0 || h == 0 {
            return None;
        }
        let strips = w.div_ceil(STRIP_WIDTH_PX);
        self.strip_means.resize(strips * h, 0.0);
        self.row.resize(w, 0);
        for y in 0..h {
            frame.row_u16(y, &mut self.row);
            for (s, chunk) in self.row.chunks(STRIP_WIDTH_PX).enumerate() {
                let sum: u32 = chunk.iter().map(|&v| u32::from(v)).sum();
                self.strip_means[s * h + y] = sum as f32 / chunk.len() as f32;
            }
        }
        let (a, b) = self.estimator.horizon_line(&self.strip_means, w, h)?;
        let highest = a.min(a + b * (w - 1) as f32);
        let row = (highest - IMAGE_SKY_MARGIN_PX).floor();
        (row.is_finite() && row >= 1.0).then(|| (row as usize).min(h - 1))
    }
}
