//! The detector role: one frame in, hot objects out as boxes.
//!
//! [`Detector`] is the one interface the rest of the IR pipeline calls, so the classical
//! [`HotSpot`](super::HotSpot) and a learned (ONNX) detector swap without touching capture, the
//! image tracker or `seawarden detect`.

use super::frame::FrameView;

/// One detected object in image coordinates, before any geometry.
///
/// # Units
/// Pixels, in the calibration crate's convention: the box covers columns `[x, x + w)` and rows
/// `[y, y + h)`; the origin is the top-left corner of the image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Blob {
    /// Left column of the box.
    pub x: u32,
    /// Top row of the box.
    pub y: u32,
    /// Box width, pixels (≥ 1).
    pub w: u32,
    /// Box height, pixels (≥ 1).
    pub h: u32,
    /// Confidence in `[0, 1]`: higher is surer; comparable only within one detector.
    pub score: f32,
    /// Index into the detector's [`Detector::class_names`].
    pub class_id: u16,
    /// Peak contrast over the local background, in the frame's own counts (16-bit counts or
    /// 8-bit grey levels); for a radiometric camera proportional to a temperature excess.
    pub contrast: f32,
    /// Peak contrast over the local noise (signal-to-clutter ratio), dimensionless.
    pub snr: f32,
}

impl Blob {
    /// The box centre, pixels (continuous coordinates).
    pub fn centre(&self) -> (f64, f64) {
        (f64::from(self.x) + f64::from(self.w) / 2.0, f64::from(self.y) + f64::from(self.h) / 2.0)
    }

    /// The middle of the box's bottom edge: where a boat's hull meets the water, the pixel whose
    /// depression below the horizon gives its range.
    pub fn waterline(&self) -> (f64, f64) {
        (f64::from(self.x) + f64::from(self.w) / 2.0, f64::from(self.y + self.h))
    }

    /// Intersection over union with `other`, for matching and non-maximum suppression.
    pub fn iou(&self, other: &Blob) -> f64 {
        let ix = (self.x + self.w).min(other.x + other.w).saturating_sub(self.x.max(other.x));
        let iy = (self.y + self.h).min(other.y + other.h).saturating_sub(self.y.max(other.y));
        let inter = f64::from(ix) * f64::from(iy);
        let union = f64::from(self.w * self.h) + f64::from(other.w * other.h) - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }
}

/// Finds hot objects in one frame.
///
/// Implementations keep their scratch buffers between calls (`&mut self`) so the per-frame path
/// allocates nothing, and append to `out` (cleared by the caller) so one `Vec` serves a whole
/// video. A detector must accept 8- and 16-bit frames of any size, and return at most one blob
/// per object: a boat's hull, cabin, people and engine form one box, its wake none.
pub trait Detector {
    /// Appends the objects found in `frame` to `out`.
    fn detect(&mut self, frame: &FrameView<'_>, out: &mut Vec<Blob>);

    /// Names of the classes [`Blob::class_id`] indexes, for output and display. The classical
    /// detector has one; a learned detector returns its model's.
    fn class_names(&self) -> &[String];

    /// The name of `class_id`, or `"unknown"` for an index the detector does not have.
    fn class_name(&self, class_id: u16) -> &str {
        self.class_names().get(usize::from(class_id)).map_or("unknown", String::as_str)
    }
}

/// Lets a `&mut D` or a `Box<dyn Detector>` chosen at start-up stand wherever a detector is
/// expected.
impl<D: Detector + ?Sized> Detector for Box<D> {
    fn detect(&mut self, frame: &FrameView<'_>, out: &mut Vec<Blob>) {
        (**self).detect(frame, out);
    }

    fn class_names(&self) -> &[String] {
        (**self).class_names()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(x: u32, y: u32, w: u32, h: u32) -> Blob {
        Blob { x, y, w, h, score: 1.0, class_id: 0, contrast: 1.0, snr: 1.0 }
    }

    mod iou {
        use super::*;

        #[test]
        fn identical_boxes_overlap_fully() {
            assert_eq!(blob(3, 4, 5, 6).iou(&blob(3, 4, 5, 6)), 1.0);
        }

        #[test]
        fn disjoint_boxes_do_not_overlap() {
            assert_eq!(blob(0, 0, 2, 2).iou(&blob(2, 0, 2, 2)), 0.0);
        }

        #[test]
        fn half_shifted_boxes_overlap_by_a_third() {
            assert!((blob(0, 0, 2, 1).iou(&blob(1, 0, 2, 1)) - 1.0 / 3.0).abs() < 1e-12);
        }
    }

    #[test]
    fn waterline_is_the_bottom_centre() {
        assert_eq!(blob(10, 20, 4, 3).waterline(), (12.0, 23.0));
    }
}
