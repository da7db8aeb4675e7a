//! NMEA framing and AIS decoding: arbitrary bytes, split into lines, must never panic, and every
//! message the decoder accepts must serialise to valid gpsd-style JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seawarden::ingest::{ais, nmea};

fuzz_target!(|data: &[u8]| {
    let mut decoder = ais::Decoder::new();
    let mut json = Vec::new();
    for line in data.split_inclusive(|b| *b == b'\n') {
        if let Ok(sentence) = nmea::parse_line(line) {
            let _ = (sentence.talker(), sentence.formatter());
            for field in sentence.fields() {
                std::hint::black_box(field);
            }
        }
        if let Some(msg) = decoder.push_line(line) {
            json.clear();
            ais::write_gpsd_json(msg, &mut json);
            match serde_json::from_slice::<serde_json::Value>(&json) {
                Ok(serde_json::Value::Object(_)) => {}
                Ok(other) => panic!("write_gpsd_json wrote a non-object: {other}"),
                Err(e) => panic!("write_gpsd_json wrote invalid JSON ({e}): {}", String::from_utf8_lossy(&json)),
            }
        }
    }
    // The whole buffer through the borrowing sentence iterator and the streaming framer.
    for sentence in nmea::Sentences::new(data) {
        std::hint::black_box(&sentence);
    }
    let mut framer = nmea::Framer::new();
    for chunk in data.chunks(61) {
        framer.push(chunk);
        while let Some(line) = framer.next_line() {
            std::hint::black_box(&line);
        }
    }
});
