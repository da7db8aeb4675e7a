//! IR snapshots in the selection details. An alert's evidence may carry the thermal frame inline
//! as a `data:image/png;base64,…` URI (the node attaches it, so it survives the bus and the
//! recording); it is decoded once per URI into an egui texture and cached. Any other URI (a path
//! on the node, a URL) is shown as text: the console never fetches anything.
//!
//! A bad snapshot (not base64, not a PNG, absurd size) is an error shown in place of the image
//! and counted, never a panic; the decode is bounded by [`MAX_SIDE_PX`] and the PNG decoder's
//! allocation limit.

use std::collections::{HashMap, VecDeque};
use std::io::Cursor;

use base64::Engine as _;
use eframe::egui::{self, Color32, ColorImage, RichText, TextureHandle, TextureOptions, Ui};

/// Widest or tallest snapshot accepted, pixels (a 4K thermal frame is 3840).
pub const MAX_SIDE_PX: u32 = 4096;
/// Snapshots kept as textures; the oldest is evicted beyond this.
pub const CACHE_MAX: usize = 32;
/// The evidence kind that holds a thermal snapshot.
pub const IR_SNAPSHOT: &str = "ir_snapshot";

/// Why a snapshot could not be shown as an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// Not a `data:` URI (shown as text instead).
    #[error("not a data: URI")]
    NotData,
    /// A data URI of another media type or not base64-encoded.
    #[error("unsupported data URI ({0}); expected image/png;base64")]
    MediaType(String),
    /// The base64 text does not decode.
    #[error("bad base64: {0}")]
    Base64(String),
    /// The bytes are not a readable PNG.
    #[error("bad PNG: {0}")]
    Png(String),
    /// Wider or taller than [`MAX_SIDE_PX`], or empty.
    #[error("image size {0}×{1} outside 1..={MAX_SIDE_PX}")]
    Size(u32, u32),
}

/// A decoded image, RGBA8, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgba {
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub pixels: Vec<u8>,
}

/// Whether `uri` is inline data (decoded here) rather than a reference (shown as text).
pub fn is_data_uri(uri: &str) -> bool {
    uri.len() >= 5 && uri[..5].eq_ignore_ascii_case("data:")
}

/// Decode a `data:image/png;base64,…` URI into RGBA pixels.
///
/// # Errors
/// [`SnapshotError`] saying which step failed.
pub fn decode_data_uri(uri: &str) -> Result<Rgba, SnapshotError> {
    if !is_data_uri(uri) {
        return Err(SnapshotError::NotData);
    }
    let (head, data) = uri[5..].split_once(',').ok_or_else(|| SnapshotError::MediaType("no comma".into()))?;
    let mut parts = head.split(';').map(|p| p.trim().to_ascii_lowercase());
    let media = parts.next().unwrap_or_default();
    let base64 = parts.any(|p| p == "base64");
    if media != "image/png" || !base64 {
        return Err(SnapshotError::MediaType(head.chars().take(60).collect()));
    }
    // Line breaks and spaces are allowed in data URIs (RFC 2397 via MIME); drop them.
    let clean: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(&clean).map_err(|e| SnapshotError::Base64(e.to_string()))?;
    decode_png(&bytes)
}

/// Decode PNG bytes of any colour type and depth into RGBA8.
///
/// # Errors
/// [`SnapshotError::Png`] or [`SnapshotError::Size`].
pub fn decode_png(bytes: &[u8]) -> Result<Rgba, SnapshotError> {
    let png_err = |e: png::DecodingError| SnapshotError::Png(e.to_string());
    let mut dec = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: 80 << 20 });
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().map_err(png_err)?;
    let (w, h) = reader.info().size();
    if w == 0 || h == 0 || w > MAX_SIDE_PX || h > MAX_SIDE_PX {
        return Err(SnapshotError::Size(w, h));
    }
    let size = reader.output_buffer_size().ok_or(SnapshotError::Size(w, h))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(png_err)?;
    let buf = &buf[..info.buffer_size()];
    let n = (w * h) as usize;
    let mut pixels = Vec::with_capacity(n * 4);
    for row in buf.chunks_exact(info.line_size) {
        let row = &row[..(w as usize) * info.color_type.samples()];
        match info.color_type {
            png::ColorType::Grayscale => row.iter().for_each(|&g| pixels.extend_from_slice(&[g, g, g, 255])),
            png::ColorType::GrayscaleAlpha => {
                row.chunks_exact(2).for_each(|p| pixels.extend_from_slice(&[p[0], p[0], p[0], p[1]]))
            }
            png::ColorType::Rgb => row.chunks_exact(3).for_each(|p| pixels.extend_from_slice(&[p[0], p[1], p[2], 255])),
            png::ColorType::Rgba => pixels.extend_from_slice(row),
            png::ColorType::Indexed => return Err(SnapshotError::Png("palette not expanded".into())),
        }
    }
    if pixels.len() != n * 4 {
        return Err(SnapshotError::Png(format!("{} bytes for {w}×{h}", pixels.len())));
    }
    Ok(Rgba { width: w, height: h, pixels })
}

/// Decoded snapshots as textures, by URI; failures are cached too, so a bad one is decoded once.
#[derive(Default)]
pub struct SnapshotCache {
    entries: HashMap<String, Result<TextureHandle, SnapshotError>>,
    order: VecDeque<String>,
    /// Snapshots that failed to decode.
    pub errors: u64,
    /// Snapshots decoded.
    pub decoded: u64,
}

impl std::fmt::Debug for SnapshotCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotCache")
            .field("entries", &self.entries.len())
            .field("decoded", &self.decoded)
            .field("errors", &self.errors)
            .finish()
    }
}

impl SnapshotCache {
    /// The texture for a data URI, decoding and uploading it on first use.
    ///
    /// # Errors
    /// Why it cannot be shown (cached: the same bad URI is not decoded again).
    pub fn texture(&mut self, ctx: &egui::Context, uri: &str) -> Result<TextureHandle, SnapshotError> {
        if let Some(r) = self.entries.get(uri) {
            return r.clone();
        }
        let r = decode_data_uri(uri).map(|img| {
            let ci = ColorImage::from_rgba_unmultiplied([img.width as usize, img.height as usize], &img.pixels);
            ctx.load_texture(format!("ir-snapshot-{}", self.decoded + self.errors), ci, TextureOptions::LINEAR)
        });
        match &r {
            Ok(_) => self.decoded += 1,
            Err(e) => {
                self.errors += 1;
                tracing::warn!("console: IR snapshot not shown: {e}");
            }
        }
        while self.order.len() >= CACHE_MAX {
            if let Some(old) = self.order.pop_front() {
                self.entries.remove(&old);
            }
        }
        self.order.push_back(uri.to_string());
        self.entries.insert(uri.to_string(), r.clone());
        r
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Show a snapshot: the image (scaled to `max_width`) for a data URI, else the URI as text.
    pub fn show(&mut self, ui: &mut Ui, uri: &str, max_width: f32) {
        if !is_data_uri(uri) {
            ui.label(RichText::new(uri).monospace()).on_hover_text("IR snapshot on the node (not fetched)");
            return;
        }
        match self.texture(ui.ctx(), uri) {
            Ok(tex) => {
                let [w, h] = tex.size();
                let scale = (max_width / w as f32).min(240.0 / h as f32).min(4.0);
                let size = egui::vec2(w as f32 * scale, h as f32 * scale);
                ui.add(egui::Image::new((tex.id(), size)).alt_text("IR snapshot"))
                    .on_hover_text(format!("IR snapshot {w}×{h} px"));
            }
            Err(e) => {
                ui.label(RichText::new(format!("IR snapshot unreadable: {e}")).color(Color32::from_rgb(240, 160, 40)));
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A real PNG: a `w`×`h` 8-bit greyscale gradient (a hot spot in the middle), encoded by `png`.
    pub(crate) fn thermal_png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut wr = enc.write_header().unwrap();
            let data: Vec<u8> = (0..h)
                .flat_map(|y| {
                    (0..w).map(move |x| {
                        let d = ((x as f32 - w as f32 / 2.0).powi(2) + (y as f32 - h as f32 / 2.0).powi(2)).sqrt();
                        (255.0 - d * 8.0).clamp(20.0, 255.0) as u8
                    })
                })
                .collect();
            wr.write_image_data(&data).unwrap();
        }
        out
    }

    /// `data:image/png;base64,…` of [`thermal_png`].
    pub(crate) fn thermal_data_uri(w: u32, h: u32) -> String {
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(thermal_png(w, h)))
    }

    #[test]
    fn a_grey_png_data_uri_decodes_to_rgba() {
        let img = decode_data_uri(&thermal_data_uri(64, 48)).unwrap();
        assert_eq!((img.width, img.height), (64, 48));
        assert_eq!(img.pixels.len(), 64 * 48 * 4);
        let px = |x: usize, y: usize| &img.pixels[(y * 64 + x) * 4..(y * 64 + x) * 4 + 4];
        assert_eq!(px(32, 24), &[255, 255, 255, 255], "hot centre");
        assert_eq!(px(0, 0), &[20, 20, 20, 255], "cold corner");
    }

    #[test]
    fn bad_snapshots_are_errors_not_panics() {
        assert_eq!(decode_data_uri("snaps/a1.png"), Err(SnapshotError::NotData));
        assert!(matches!(decode_data_uri("data:image/jpeg;base64,AAAA"), Err(SnapshotError::MediaType(_))));
        assert!(matches!(decode_data_uri("data:image/png,plain"), Err(SnapshotError::MediaType(_))));
        assert!(matches!(decode_data_uri("data:image/png;base64,@@@@"), Err(SnapshotError::Base64(_))));
        assert!(matches!(decode_data_uri("data:image/png;base64,AAAAAAAA"), Err(SnapshotError::Png(_))));
        // A truncated PNG.
        let png = thermal_png(16, 16);
        let cut = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&png[..png.len() / 2])
        );
        assert!(matches!(decode_data_uri(&cut), Err(SnapshotError::Png(_))));
    }

    #[test]
    fn the_cache_decodes_each_uri_once_and_stays_bounded() {
        let ctx = egui::Context::default();
        let mut c = SnapshotCache::default();
        let uri = thermal_data_uri(8, 8);
        let a = c.texture(&ctx, &uri).unwrap();
        let b = c.texture(&ctx, &uri).unwrap();
        assert_eq!(a.id(), b.id());
        assert_eq!(c.decoded, 1);
        assert!(c.texture(&ctx, "data:image/png;base64,AAAA").is_err());
        assert!(c.texture(&ctx, "data:image/png;base64,AAAA").is_err());
        assert_eq!(c.errors, 1);
        for i in 0..CACHE_MAX + 5 {
            let _ = c.texture(&ctx, &format!("data:image/png;base64,{i}"));
        }
        assert_eq!(c.len(), CACHE_MAX);
    }
}
