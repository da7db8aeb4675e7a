//! Borrowed and owned grey-level frames: what a [`Detector`](super::Detector) reads.
//!
//! A capture hands out frames that borrow GStreamer's mapped buffer, a synthesiser owns its
//! pixels; both lend a [`FrameView`], so a detector never knows (or copies) which one it got.

/// The pixels of one frame, at the bit depth the camera delivered.
///
/// Radiometric cameras send 16-bit counts (`GRAY16_LE`); AGC'd or compressed streams (H.264)
/// send 8-bit grey (`GRAY8`, or the luma plane of `I420`). Detectors handle both.
#[derive(Debug, Clone, Copy)]
pub enum Pixels<'a> {
    /// 8-bit grey, one byte per pixel.
    Gray8(&'a [u8]),
    /// 16-bit grey (radiometric counts), native-endian `u16` per pixel.
    Gray16(&'a [u16]),
}

/// A read-only view of one grey frame, borrowing someone else's buffer, so capture can hand the
/// mapped GStreamer memory straight to a detector without a copy.
///
/// Row `y` occupies elements `[y * stride, y * stride + width)` of the pixel slice; `stride`
/// may exceed `width` (GStreamer pads rows to 4 bytes).
#[derive(Debug, Clone, Copy)]
pub struct FrameView<'a> {
    width: usize,
    height: usize,
    stride: usize,
    pixels: Pixels<'a>,
}

/// Why a buffer cannot be viewed as a frame of the claimed size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {width}×{height} frame with a stride of {stride} pixels needs {needed} pixels, the buffer has {len}")]
pub struct FrameSizeError {
    /// Claimed width, pixels.
    pub width: usize,
    /// Claimed height, pixels.
    pub height: usize,
    /// Claimed row stride, pixels.
    pub stride: usize,
    /// Pixels the claim needs.
    pub needed: usize,
    /// Pixels the buffer has.
    pub len: usize,
}

impl<'a> FrameView<'a> {
    /// A view of `pixels` as `height` rows of `width` pixels, `stride` pixels apart.
    ///
    /// # Errors
    /// [`FrameSizeError`] when `stride < width` or the buffer is too short (a truncated or
    /// mis-negotiated buffer must not become an out-of-bounds read later).
    pub fn try_new(
        width: usize,
        height: usize,
        stride: usize,
        pixels: Pixels<'a>,
    ) -> Result<FrameView<'a>, FrameSizeError> {
        let len = match pixels {
            Pixels::Gray8(p) => p.len(),
            Pixels::Gray16(p) => p.len(),
        };
        let needed = if height == 0 { 0 } else { (height - 1) * stride + width };
        if stride < width || len < needed {
            return Err(FrameSizeError { width, height, stride, needed, len });
        }
        Ok(FrameView { width, height, stride, pixels })
    }

    /// A tightly packed 16-bit frame (`stride == width`).
    ///
    /// # Errors
    /// As [`FrameView::try_new`].
    pub fn gray16(width: usize, height: usize, pixels: &'a [u16]) -> Result<FrameView<'a>, FrameSizeError> {
        FrameView::try_new(width, height, width, Pixels::Gray16(pixels))
    }

    /// A tightly packed 8-bit frame (`stride == width`).
    ///
    /// # Errors
    /// As [`FrameView::try_new`].
    pub fn gray8(width: usize, height: usize, pixels: &'a [u8]) -> Result<FrameView<'a>, FrameSizeError> {
        FrameView::try_new(width, height, width, Pixels::Gray8(pixels))
    }

    /// Width, pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height, pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Distance between row starts, pixels.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The underlying pixels, at their own depth.
    pub fn pixels(&self) -> Pixels<'a> {
        self.pixels
    }

    /// Bits per pixel of the source: 8 or 16.
    pub fn bit_depth(&self) -> u32 {
        match self.pixels {
            Pixels::Gray8(_) => 8,
            Pixels::Gray16(_) => 16,
        }
    }

    /// Copies row `y` into `out` widened to `u16`, for code that works at one depth.
    ///
    /// # Panics
    /// If `y >= height` or `out.len() != width`.
    pub fn row_u16(&self, y: usize, out: &mut [u16]) {
        assert!(y < self.height && out.len() == self.width, "row {y} out of range");
        let start = y * self.stride;
        match self.pixels {
            Pixels::Gray8(p) => {
                for (o, &v) in out.iter_mut().zip(&p[start..start + self.width]) {
                    *o = u16::from(v);
                }
            }
            Pixels::Gray16(p) => out.copy_from_slice(&p[start..start + self.width]),
        }
    }

    /// The value at column `x`, row `y`, widened to `u16`.
    ///
    /// # Panics
    /// If the pixel is outside the frame.
    pub fn get(&self, x: usize, y: usize) -> u16 {
        assert!(x < self.width && y < self.height, "pixel ({x}, {y}) outside the frame");
        let i = y * self.stride + x;
        match self.pixels {
            Pixels::Gray8(p) => u16::from(p[i]),
            Pixels::Gray16(p) => p[i],
        }
    }
}

/// An owned, tightly packed 16-bit frame: what the synthesiser renders and tests build.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame16 {
    /// Width, pixels.
    pub width: usize,
    /// Height, pixels.
    pub height: usize,
    /// Row-major pixels, `width * height` of them.
    pub data: Vec<u16>,
}

impl Frame16 {
    /// A frame filled with `value`.
    pub fn filled(width: usize, height: usize, value: u16) -> Frame16 {
        Frame16 { width, height, data: vec![value; width * height] }
    }

    /// A view for a detector; cannot fail because `data` always holds `width * height` pixels
    /// when built through [`Frame16::filled`] (a hand-built frame that breaks this panics).
    ///
    /// # Panics
    /// If `data.len() < width * height`.
    pub fn view(&self) -> FrameView<'_> {
        FrameView::gray16(self.width, self.height, &self.data).expect("Frame16 holds width × height pixels")
    }

    /// This frame scaled to 8 bits by a linear window `[lo, hi]` (what a camera's AGC does),
    /// for testing 8-bit paths on the same scene.
    pub fn to_gray8(&self, lo: u16, hi: u16) -> Vec<u8> {
        let span = f32::from(hi.saturating_sub(lo).max(1));
        self.data
            .iter()
            .map(|&v| ((f32::from(v.saturating_sub(lo)) / span) * 255.0).round().clamp(0.0, 255.0) as u8)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod try_new {
        use super::*;

        #[test]
        fn accepts_a_padded_stride() {
            let px = vec![0u8; 4 * 3 + 2];
            let v = FrameView::try_new(2, 4, 4, Pixels::Gray8(&px[..14])).unwrap();
            assert_eq!((v.width(), v.height(), v.stride()), (2, 4, 4));
        }

        #[test]
        fn refuses_a_short_buffer() {
            let px = vec![0u16; 10];
            let err = FrameView::gray16(4, 3, &px).unwrap_err();
            assert_eq!((err.needed, err.len), (12, 10));
        }

        #[test]
        fn refuses_a_stride_below_the_width() {
            let px = vec![0u8; 100];
            assert!(FrameView::try_new(8, 2, 4, Pixels::Gray8(&px)).is_err());
        }
    }

    #[test]
    fn eight_bit_rows_widen_without_scaling() {
        let px = [1u8, 2, 3, 4, 5, 6];
        let v = FrameView::gray8(3, 2, &px).unwrap();
        let mut row = [0u16; 3];
        v.row_u16(1, &mut row);
        assert_eq!(row, [4, 5, 6]);
        assert_eq!(v.get(2, 0), 3);
    }
}
