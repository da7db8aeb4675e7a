//! IR snapshot chips: a small contrast-stretched 8-bit PNG cut around a detection, kept so an
//! alert on the track that detection fed can carry the picture as evidence
//! (`Evidence { kind: "ir_snapshot", uri: "data:image/png;base64,…" }`).
//!
//! The video stage [`remember`]s one chip per geolocated IR detection, keyed by the detection's
//! sensor, time and position (what survives the trip through the detections channel); the
//! tracking stage [`take`]s the chip of each IR detection it steps with and keeps the latest per
//! track. The store is process-wide and bounded ([`CAPACITY`] chips, oldest dropped), so a
//! detection the tracker never sees costs nothing lasting.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, OnceLock};

use base64::Engine as _;

use super::detector::Blob;
use super::frame::FrameView;
use crate::detection::{Detection, Position};

/// Largest chip side, pixels.
pub const MAX_SIDE: usize = 96;
/// Smallest chip side, pixels (context around a 2-px boat).
pub const MIN_SIDE: usize = 32;
/// Chips kept awaiting the tracker.
pub const CAPACITY: usize = 512;

/// The chip around `blob`: a square of 3× its longest side (clamped to [`MIN_SIDE`],
/// [`MAX_SIDE`] and the frame), contrast-stretched from its own min to max, as a PNG data URI.
/// `None` when the PNG cannot be encoded (it always can for a non-empty frame).
pub fn chip_uri(frame: &FrameView<'_>, blob: &Blob) -> Option<String> {
    let (fw, fh) = (frame.width(), frame.height());
    if fw == 0 || fh == 0 {
        return None;
    }
    let side = (3 * blob.w.max(blob.h) as usize).clamp(MIN_SIDE, MAX_SIDE).min(fw).min(fh);
    let (cx, cy) = blob.centre();
    let x0 = (cx as usize).saturating_sub(side / 2).min(fw - side);
    let y0 = (cy as usize).saturating_sub(side / 2).min(fh - side);
    let mut row = vec![0u16; fw];
    let mut px = Vec::with_capacity(side * side);
    for y in y0..y0 + side {
        frame.row_u16(y, &mut row);
        px.extend_from_slice(&row[x0..x0 + side]);
    }
    let (lo, hi) = px.iter().fold((u16::MAX, 0u16), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let span = f32::from(hi.saturating_sub(lo)).max(1.0);
    let grey: Vec<u8> = px.iter().map(|&v| (f32::from(v - lo) * 255.0 / span).round() as u8).collect();
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().ok()?;
        w.write_image_data(&grey).ok()?;
    }
    Some(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&png_bytes)))
}

/// The key a detection is found by: sensor, time and position bits.
fn key(d: &Detection) -> (String, u64, u64, u64) {
    let (a, b) = match d.position {
        Position::Geodetic { lat_deg, lon_deg, .. } => (lat_deg, lon_deg),
        Position::Polar { bearing_deg, range_m, .. } => (bearing_deg, range_m),
    };
    (d.sensor.clone(), d.time_s.to_bits(), a.to_bits(), b.to_bits())
}

#[derive(Default)]
struct Store {
    order: VecDeque<(String, u64, u64, u64)>,
    chips: HashMap<(String, u64, u64, u64), String>,
}

fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(Mutex::default)
}

/// Keeps `uri` as the chip of `detection` (the oldest chip goes when [`CAPACITY`] are held).
pub fn remember(detection: &Detection, uri: String) {
    let k = key(detection);
    let mut s = store().lock().unwrap_or_else(|e| e.into_inner());
    if s.chips.insert(k.clone(), uri).is_none() {
        s.order.push_back(k);
    }
    while s.order.len() > CAPACITY {
        if let Some(old) = s.order.pop_front() {
            s.chips.remove(&old);
        }
    }
}

/// Removes and returns the chip of `detection`, if the video stage kept one.
pub fn take(detection: &Detection) -> Option<String> {
    let k = key(detection);
    let mut s = store().lock().unwrap_or_else(|e| e.into_inner());
    let uri = s.chips.remove(&k)?;
    s.order.retain(|o| o != &k);
    Some(uri)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::thermal::Frame16;

    #[test]
    fn a_chip_is_a_small_stretched_png_around_the_blob() {
        let mut f = Frame16::filled(200, 100, 1_000);
        f.data[50 * 200 + 190] = 3_000; // hot pixel near the right edge
        let blob = Blob { x: 189, y: 49, w: 3, h: 3, score: 1.0, class_id: 0, contrast: 2_000.0, snr: 10.0 };
        let uri = chip_uri(&f.view(), &blob).unwrap();
        let b64 = uri.strip_prefix("data:image/png;base64,").unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (32, 32));
        let px = &buf[..info.buffer_size()];
        assert_eq!(px.iter().copied().max(), Some(255), "the hot pixel is stretched to white");
        assert_eq!(px.iter().copied().min(), Some(0));
    }

    #[test]
    fn chips_are_found_by_detection_and_taken_once() {
        let d = Detection {
            time_s: 12.5,
            sensor: "ir-test-snapshot".into(),
            kind: crate::detection::SensorKind::Ir,
            position: Position::circular(22.1, 113.5, 20.0),
            velocity: None,
            identity: Default::default(),
            length_m: None,
        };
        remember(&d, "data:x".into());
        assert_eq!(take(&d).as_deref(), Some("data:x"));
        assert_eq!(take(&d), None);
    }
}
