//! Letterboxing: fit a frame region into the model's input without distorting it.
//!
//! As the YOLO exporters expect (Ultralytics `LetterBox`): the region is scaled by
//! `r = min(in_w / w, in_h / h)` (bilinear), centred, and the borders filled with grey 114/255.
//! Boxes come back through [`Letterbox::to_source`]. A model with free input dimensions is fed
//! at the frame's own scale (`r = 1`, the input rounded up to the model's stride), so a target
//! of two pixels stays two pixels.

use super::agc::Window;
use crate::ingest::thermal::frame::{FrameView, Pixels};

/// Grey level of the padding, as the YOLO exporters train with it.
pub const PAD_VALUE: f32 = 114.0 / 255.0;

/// A rectangle of the frame, pixels: columns `[x, x + w)`, rows `[y, y + h)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Left column.
    pub x: usize,
    /// Top row.
    pub y: usize,
    /// Width (≥ 1).
    pub w: usize,
    /// Height (≥ 1).
    pub h: usize,
}

impl Region {
    /// The whole of `frame`.
    pub fn whole(frame: &FrameView<'_>) -> Region {
        Region { x: 0, y: 0, w: frame.width(), h: frame.height() }
    }

    /// A `w × h` window centred on `(cx, cy)`, shifted to lie inside a `fw × fh` frame (and
    /// shrunk to it when the frame is smaller).
    pub fn centred(cx: f64, cy: f64, w: usize, h: usize, fw: usize, fh: usize) -> Region {
        let (w, h) = (w.min(fw).max(1), h.min(fh).max(1));
        let x = (cx - w as f64 / 2.0).round().clamp(0.0, (fw - w) as f64) as usize;
        let y = (cy - h as f64 / 2.0).round().clamp(0.0, (fh - h) as f64) as usize;
        Region { x, y, w, h }
    }
}

/// How a region maps into the model input.
///
/// # Units
/// Pixels; `scale` is input pixels per source pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Letterbox {
    /// The source region.
    pub region: Region,
    /// Model input width.
    pub in_w: usize,
    /// Model input height.
    pub in_h: usize,
    /// Input pixels per source pixel.
    pub scale: f32,
    /// Left padding, input pixels.
    pub pad_x: f32,
    /// Top padding, input pixels.
    pub pad_y: f32,
    /// Scaled region width, input pixels.
    pub new_w: usize,
    /// Scaled region height, input pixels.
    pub new_h: usize,
}

impl Letterbox {
    /// The fit of `region` into an `in_w × in_h` input.
    pub fn fit(region: Region, in_w: usize, in_h: usize) -> Letterbox {
        let scale = (in_w as f32 / region.w as f32).min(in_h as f32 / region.h as f32);
        let new_w = ((region.w as f32 * scale).round() as usize).clamp(1, in_w);
        let new_h = ((region.h as f32 * scale).round() as usize).clamp(1, in_h);
        // Ultralytics splits the padding in two, rounding the left/top half down.
        let pad_x = ((in_w - new_w) / 2) as f32;
        let pad_y = ((in_h - new_h) / 2) as f32;
        Letterbox { region, in_w, in_h, scale, pad_x, pad_y, new_w, new_h }
    }

    /// A model-input box `(x0, y0, x1, y1)` in source-frame pixels.
    pub fn to_source(&self, b: [f32; 4]) -> [f32; 4] {
        let (ox, oy) = (self.region.x as f32, self.region.y as f32);
        [
            (b[0] - self.pad_x) / self.scale + ox,
            (b[1] - self.pad_y) / self.scale + oy,
            (b[2] - self.pad_x) / self.scale + ox,
            (b[3] - self.pad_y) / self.scale + oy,
        ]
    }

    /// Writes the letterboxed, normalised region into `plane` (`in_w × in_h`, row-major).
    ///
    /// # Panics
    /// If `plane.len() != in_w * in_h` or the region lies outside `frame`.
    pub fn fill(&self, frame: &FrameView<'_>, window: Window, plane: &mut [f32]) {
        assert_eq!(plane.len(), self.in_w * self.in_h, "plane size");
        let r = self.region;
        assert!(r.x + r.w <= frame.width() && r.y + r.h <= frame.height(), "region outside the frame");
        let (px, py) = (self.pad_x as usize, self.pad_y as usize);
        let stride = frame.stride();
        if self.new_w == r.w && self.new_h == r.h {
            // Scale 1: a straight copy, the common case for free-size models. Only the padding is
            // filled with grey (none at all for a stride-aligned region): one pass over the plane.
            let (top, rows) = plane.split_at_mut(py * self.in_w);
            top.fill(PAD_VALUE);
            let (rows, bottom) = rows.split_at_mut(r.h * self.in_w);
            bottom.fill(PAD_VALUE);
            for (y, row) in rows.chunks_exact_mut(self.in_w).enumerate() {
                let (left, rest) = row.split_at_mut(px);
                left.fill(PAD_VALUE);
                let (dst, right) = rest.split_at_mut(r.w);
                right.fill(PAD_VALUE);
                let start = (r.y + y) * stride + r.x;
                match frame.pixels() {
                    Pixels::Gray8(p) => {
                        dst.iter_mut().zip(&p[start..start + r.w]).for_each(|(d, &v)| *d = window.apply(f32::from(v)))
                    }
                    Pixels::Gray16(p) => {
                        dst.iter_mut().zip(&p[start..start + r.w]).for_each(|(d, &v)| *d = window.apply(f32::from(v)))
                    }
                }
            }
            return;
        }
        if 2 * self.new_w == r.w && 2 * self.new_h == r.h {
            // Exactly half: bilinear at pixel centres is the mean of each 2×2 block (the
            // range-adaptive near band, `bands`), done without per-pixel weights.
            if (self.new_w, self.new_h) != (self.in_w, self.in_h) {
                plane.fill(PAD_VALUE);
            }
            match frame.pixels() {
                Pixels::Gray8(p) => self.fill_half(p, stride, window, plane),
                Pixels::Gray16(p) => self.fill_half(p, stride, window, plane),
            }
            return;
        }
        plane.fill(PAD_VALUE);
        // Bilinear, sampling at pixel centres (as cv2.INTER_LINEAR does).
        let at = |x: usize, y: usize| -> f32 {
            let i = (r.y + y) * stride + r.x + x;
            match frame.pixels() {
                Pixels::Gray8(p) => f32::from(p[i]),
                Pixels::Gray16(p) => f32::from(p[i]),
            }
        };
        let sx = r.w as f32 / self.new_w as f32;
        let sy = r.h as f32 / self.new_h as f32;
        for oy in 0..self.new_h {
            let fy = ((oy as f32 + 0.5) * sy - 0.5).clamp(0.0, (r.h - 1) as f32);
            let y0 = fy.floor() as usize;
            let y1 = (y0 + 1).min(r.h - 1);
            let ty = fy - y0 as f32;
            let dst = &mut plane[(py + oy) * self.in_w + px..][..self.new_w];
            for (ox, d) in dst.iter_mut().enumerate() {
                let fx = ((ox as f32 + 0.5) * sx - 0.5).clamp(0.0, (r.w - 1) as f32);
                let x0 = fx.floor() as usize;
                let x1 = (x0 + 1).min(r.w - 1);
                let tx = fx - x0 as f32;
                let top = at(x0, y0) * (1.0 - tx) + at(x1, y0) * tx;
                let bottom = at(x0, y1) * (1.0 - tx) + at(x1, y1) * tx;
                *d = window.apply(top * (1.0 - ty) + bottom * ty);
            }
        }
    }
}

impl Letterbox {
    /// The 2×2 block means of the region into the (already padded) plane.
    fn fill_half<T: Copy + Into<f32>>(&self, p: &[T], stride: usize, window: Window, plane: &mut [f32]) {
        let r = self.region;
        let (px, py) = (self.pad_x as usize, self.pad_y as usize);
        for oy in 0..self.new_h {
            let top = &p[(r.y + 2 * oy) * stride + r.x..][..r.w];
            let bottom = &p[(r.y + 2 * oy + 1) * stride + r.x..][..r.w];
            let dst = &mut plane[(py + oy) * self.in_w + px..][..self.new_w];
            for ((d, t), b) in dst.iter_mut().zip(top.chunks_exact(2)).zip(bottom.chunks_exact(2)) {
                let sum = t[0].into() + t[1].into() + b[0].into() + b[1].into();
                *d = window.apply(0.25 * sum);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: Window = Window { lo: 0.0, span: 255.0 };

    mod fit {
        use super::*;

        #[test]
        fn a_wide_frame_is_padded_top_and_bottom() {
            let lb = Letterbox::fit(Region { x: 0, y: 0, w: 640, h: 512 }, 640, 640);
            assert_eq!((lb.scale, lb.pad_x, lb.pad_y, lb.new_w, lb.new_h), (1.0, 0.0, 64.0, 640, 512));
        }

        #[test]
        fn a_large_frame_is_shrunk_to_fit() {
            let lb = Letterbox::fit(Region { x: 0, y: 0, w: 1280, h: 1024 }, 640, 640);
            assert_eq!((lb.scale, lb.new_w, lb.new_h, lb.pad_y), (0.5, 640, 512, 64.0));
        }

        #[test]
        fn boxes_map_back_through_scale_padding_and_region_offset() {
            let lb = Letterbox::fit(Region { x: 100, y: 50, w: 1280, h: 1024 }, 640, 640);
            let b = lb.to_source([10.0, 64.0, 20.0, 74.0]);
            assert_eq!(b, [120.0, 50.0, 140.0, 70.0]);
        }
    }

    mod fill {
        use super::*;

        #[test]
        fn copies_at_scale_one_and_pads_with_grey() {
            let px: Vec<u8> = (0..12).map(|i| i * 20).collect();
            let f = FrameView::gray8(4, 3, &px).unwrap();
            let lb = Letterbox::fit(Region::whole(&f), 4, 5);
            let mut plane = vec![0.0; 20];
            lb.fill(&f, UNIT, &mut plane);
            assert_eq!(plane[0], PAD_VALUE);
            assert_eq!(plane[4], 0.0);
            assert!((plane[4 + 5] - 100.0 / 255.0).abs() < 1e-6);
            assert_eq!(plane[19], PAD_VALUE);
        }

        #[test]
        fn halves_a_region_by_averaging_pixel_pairs() {
            let px: Vec<u16> = vec![0, 100, 200, 300, 0, 100, 200, 300];
            let f = FrameView::gray16(4, 2, &px).unwrap();
            let lb = Letterbox::fit(Region::whole(&f), 2, 1);
            let mut plane = vec![0.0; 2];
            lb.fill(&f, Window { lo: 0.0, span: 1000.0 }, &mut plane);
            assert!((plane[0] - 0.05).abs() < 1e-6 && (plane[1] - 0.25).abs() < 1e-6, "{plane:?}");
        }

        #[test]
        fn halves_an_offset_region_into_a_padded_plane_by_2x2_means() {
            // 6×4 frame, region columns 1..5: each 2×2 block mean, one grey column each side.
            let px: Vec<u8> = (0..24).map(|i| i * 10).collect();
            let f = FrameView::gray8(6, 4, &px).unwrap();
            let lb = Letterbox::fit(Region { x: 1, y: 0, w: 4, h: 4 }, 4, 2);
            assert_eq!((lb.scale, lb.new_w, lb.new_h, lb.pad_x), (0.5, 2, 2, 1.0));
            let mut plane = vec![0.0; 8];
            lb.fill(&f, Window { lo: 0.0, span: 1000.0 }, &mut plane);
            // Block (x 1-2, y 0-1): 10, 20, 70, 80 → 45.
            let want = [PAD_VALUE, 0.045, 0.065, PAD_VALUE, PAD_VALUE, 0.165, 0.185, PAD_VALUE];
            for (got, want) in plane.iter().zip(want) {
                assert!((got - want).abs() < 1e-6, "{plane:?}");
            }
        }

        #[test]
        fn reads_only_the_region_of_a_padded_stride() {
            let px: Vec<u8> = vec![9, 1, 2, 7, 9, 3, 4, 7];
            let f = FrameView::try_new(3, 2, 4, Pixels::Gray8(&px)).unwrap();
            let lb = Letterbox::fit(Region { x: 1, y: 0, w: 2, h: 2 }, 2, 2);
            let mut plane = vec![0.0; 4];
            lb.fill(&f, Window { lo: 0.0, span: 1.0 }, &mut plane);
            assert_eq!(plane, vec![1.0, 1.0, 1.0, 1.0]); // 1, 2, 3, 4 all clamp to 1
            lb.fill(&f, Window { lo: 0.0, span: 10.0 }, &mut plane);
            assert_eq!(plane, vec![0.1, 0.2, 0.3, 0.4]);
        }
    }

    #[test]
    fn centred_regions_stay_inside_the_frame() {
        assert_eq!(Region::centred(5.0, 5.0, 64, 64, 640, 512), Region { x: 0, y: 0, w: 64, h: 64 });
        assert_eq!(Region::centred(639.0, 511.0, 64, 64, 640, 512), Region { x: 576, y: 448, w: 64, h: 64 });
        assert_eq!(Region::centred(10.0, 10.0, 64, 64, 40, 30), Region { x: 0, y: 0, w: 40, h: 30 });
    }
}
