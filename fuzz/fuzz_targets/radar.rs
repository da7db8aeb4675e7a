//! Radar target sentences: arbitrary lines must never panic the decoder, and every detection it
//! returns must have a finite time and, when geodetic, a finite latitude within ±90° and a finite
//! longitude.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seawarden::ingest::radar::{RadarConfig, RadarDecoder};

/// Receive clock for the first line (2024-03-14T13:05:00Z); each further line is 0.5 s later, so
/// a run is reproducible (own-ship staleness depends on this clock, not the wall clock).
const START_S: f64 = 1_710_421_500.0;

fuzz_target!(|data: &[u8]| {
    // An odd first byte selects a shore radar (fixed mast and heading); otherwise a ship-borne
    // one that learns its position from GGA/RMC/HDT/OSD.
    let cfg = if data.first().is_some_and(|b| b & 1 == 1) {
        RadarConfig {
            fixed_position: Some((22.1180, 113.5580)),
            fixed_heading_deg: Some(180.0),
            ..RadarConfig::default()
        }
    } else {
        RadarConfig::default()
    };
    let mut decoder = RadarDecoder::new(cfg);
    for (i, line) in data.split_inclusive(|b| *b == b'\n').enumerate() {
        if let Ok(Some(det)) = decoder.push_line_at(line, START_S + 0.5 * i as f64) {
            assert!(det.time_s.is_finite(), "non-finite time {}", det.time_s);
            if let Some((lat, lon)) = det.position.lat_lon() {
                assert!(lat.is_finite() && lat.abs() <= 90.0, "bad latitude {lat}");
                assert!(lon.is_finite(), "bad longitude {lon}");
            }
        }
    }
});
