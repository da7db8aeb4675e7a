//! A small AIS encoder: bit writer, 6-bit armour, messages 1, 5, 18 and 24, and `!AIVDM`
//! sentences with NMEA 4.0 tag blocks, so simulated vessels speak the same bytes as real ones.
//!
//! Quantisation follows the message tables (position 1/10 000 min, SOG 0.1 kn, COG 0.1°); the
//! `*_raw` helpers expose it so the simulator's measurement lines carry exactly what a decoder
//! reads back from the NMEA.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.1 (Table 48, message 1), §3.3 (Table 52, message 5), §3.16 (Table
//! 67, message 18), §3.22 (Tables 76–79, message 24); IEC 61162-1 §8.3.1 (VDM), IEC 61162-450 /
//! NMEA 4.10 (tag blocks).

use std::fmt::Write as _;

/// Packs fields MSB first, as AIS payloads are laid out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitWriter {
    bytes: Vec<u8>,
    len_bits: usize,
}

impl BitWriter {
    /// An empty payload.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of bits written.
    pub fn len_bits(&self) -> usize {
        self.len_bits
    }

    /// Append the low `n` bits of `v` (n ≤ 64), most significant first.
    pub fn put_u(&mut self, v: u64, n: usize) {
        for i in (0..n).rev() {
            let bit = (v >> i) & 1;
            if self.len_bits % 8 == 0 {
                self.bytes.push(0);
            }
            if bit == 1 {
                let last = self.bytes.len() - 1;
                self.bytes[last] |= 0x80 >> (self.len_bits % 8);
            }
            self.len_bits += 1;
        }
    }

    /// Append a two's-complement signed value in `n` bits.
    pub fn put_i(&mut self, v: i64, n: usize) {
        let mask = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        self.put_u(v as u64 & mask, n);
    }

    /// Append `chars` characters of AIS 6-bit text, upper-cased and padded with `@`.
    pub fn put_text(&mut self, s: &str, chars: usize) {
        let mut it = s.bytes();
        for _ in 0..chars {
            let c = it.next().map_or(b'@', |c| c.to_ascii_uppercase());
            let v = match c {
                64..=95 => c - 64,
                32..=63 => c,
                _ => 32, // outside the 6-bit set: a space
            };
            self.put_u(u64::from(v), 6);
        }
    }

    /// The bit at `i`.
    fn bit(&self, i: usize) -> u8 {
        (self.bytes[i / 8] >> (7 - i % 8)) & 1
    }

    /// Armour into 6-bit ASCII, padding with zero bits to a whole character; returns the
    /// payload text and the number of fill bits.
    pub fn armour(&self) -> (String, u8) {
        let chars = self.len_bits.div_ceil(6);
        let fill = (chars * 6 - self.len_bits) as u8;
        let mut s = String::with_capacity(chars);
        for k in 0..chars {
            let mut v = 0u8;
            for b in 0..6 {
                let i = k * 6 + b;
                v = v << 1 | if i < self.len_bits { self.bit(i) } else { 0 };
            }
            let c = v + 48;
            s.push(char::from(if c > 87 { c + 8 } else { c }));
        }
        (s, fill)
    }
}

/// Latitude or longitude in the messages' unit, 1/10 000 minute.
pub fn latlon_raw(deg: f64) -> i32 {
    (deg * 600_000.0).round() as i32
}

/// Speed over ground in 0.1 kn, capped at 102.2 kn (1022); 1023 when unknown.
pub fn sog_raw(sog_kn: Option<f64>) -> u16 {
    sog_kn.map_or(1023, |v| (v.max(0.0) * 10.0).round().min(1022.0) as u16)
}

/// Course over ground in 0.1°, `[0, 3600)`; 3600 when unknown.
pub fn cog_raw(cog_deg: Option<f64>) -> u16 {
    cog_deg.map_or(3600, |v| ((v.rem_euclid(360.0) * 10.0).round() as u16) % 3600)
}

/// Rate of turn as transmitted: ROT_AIS = 4.733 √|ROT| (ROT in °/min), signed, ±126;
/// −128 when unknown.
pub fn rot_raw(rot_deg_per_min: Option<f64>) -> i8 {
    match rot_deg_per_min {
        None => -128,
        Some(r) => {
            let v = (4.733 * r.abs().sqrt()).round().min(126.0) as i8;
            if r < 0.0 { -v } else { v }
        }
    }
}

/// Message 1: a Class A scheduled position report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionA {
    /// Source MMSI.
    pub mmsi: u32,
    /// Navigational status (0 under way using engine, 1 at anchor, 2 not under command, 7 fishing).
    pub status: u8,
    /// Rate of turn, °/min (positive to starboard).
    pub rot_deg_per_min: Option<f64>,
    /// Speed over ground, knots.
    pub sog_kn: Option<f64>,
    /// High position accuracy (< 10 m).
    pub accurate: bool,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Course over ground, degrees true.
    pub cog_deg: Option<f64>,
    /// True heading, degrees (None → 511).
    pub heading_deg: Option<u16>,
    /// UTC second of the fix.
    pub second: u8,
}

impl PositionA {
    /// The 168-bit payload.
    pub fn encode(&self) -> BitWriter {
        let mut w = BitWriter::new();
        w.put_u(1, 6);
        w.put_u(0, 2);
        w.put_u(u64::from(self.mmsi), 30);
        w.put_u(u64::from(self.status), 4);
        w.put_i(i64::from(rot_raw(self.rot_deg_per_min)), 8);
        w.put_u(u64::from(sog_raw(self.sog_kn)), 10);
        w.put_u(u64::from(self.accurate), 1);
        w.put_i(i64::from(latlon_raw(self.lon)), 28);
        w.put_i(i64::from(latlon_raw(self.lat)), 27);
        w.put_u(u64::from(cog_raw(self.cog_deg)), 12);
        w.put_u(u64::from(self.heading_deg.unwrap_or(511)), 9);
        w.put_u(u64::from(self.second), 6);
        w.put_u(0, 2); // manoeuvre indicator: not available
        w.put_u(0, 3); // spare
        w.put_u(0, 1); // RAIM
        w.put_u(0, 19); // SOTDMA state: UTC direct, slot timeout 0
        w
    }
}

/// Message 18: a Class B CS position report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionB {
    /// Source MMSI.
    pub mmsi: u32,
    /// Speed over ground, knots.
    pub sog_kn: Option<f64>,
    /// High position accuracy.
    pub accurate: bool,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Course over ground, degrees true.
    pub cog_deg: Option<f64>,
    /// True heading, degrees.
    pub heading_deg: Option<u16>,
    /// UTC second of the fix.
    pub second: u8,
}

impl PositionB {
    /// The 168-bit payload (carrier-sense unit, message 22 not supported, autonomous mode).
    pub fn encode(&self) -> BitWriter {
        let mut w = BitWriter::new();
        w.put_u(18, 6);
        w.put_u(0, 2);
        w.put_u(u64::from(self.mmsi), 30);
        w.put_u(0, 8);
        w.put_u(u64::from(sog_raw(self.sog_kn)), 10);
        w.put_u(u64::from(self.accurate), 1);
        w.put_i(i64::from(latlon_raw(self.lon)), 28);
        w.put_i(i64::from(latlon_raw(self.lat)), 27);
        w.put_u(u64::from(cog_raw(self.cog_deg)), 12);
        w.put_u(u64::from(self.heading_deg.unwrap_or(511)), 9);
        w.put_u(u64::from(self.second), 6);
        w.put_u(0, 2); // regional
        w.put_u(1, 1); // CS unit
        w.put_u(0, 1); // no display
        w.put_u(0, 1); // no DSC
        w.put_u(1, 1); // whole band
        w.put_u(0, 1); // no message 22
        w.put_u(0, 1); // autonomous
        w.put_u(0, 1); // RAIM
        w.put_u(0b1100000000000000110, 20); // ITDMA-style state, as CS units send
        w
    }
}

/// Hull dimensions from the GNSS antenna, metres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dimensions {
    /// To bow.
    pub to_bow_m: u16,
    /// To stern.
    pub to_stern_m: u16,
    /// To port.
    pub to_port_m: u8,
    /// To starboard.
    pub to_starboard_m: u8,
}

/// Message 5: Class A static and voyage data (sent as two sentences).
#[derive(Debug, Clone, PartialEq)]
pub struct StaticA {
    /// Source MMSI.
    pub mmsi: u32,
    /// IMO number (0 = none).
    pub imo: u32,
    /// Call sign, up to 7 characters.
    pub callsign: String,
    /// Name, up to 20 characters.
    pub shipname: String,
    /// Ship and cargo type (60 passenger, 70 cargo, 30 fishing, 37 pleasure).
    pub shiptype: u8,
    /// Dimensions.
    pub dims: Dimensions,
    /// Draught, metres.
    pub draught_m: f64,
    /// Destination, up to 20 characters.
    pub destination: String,
}

impl StaticA {
    /// The 424-bit payload (+2 fill bits when armoured).
    pub fn encode(&self) -> BitWriter {
        let mut w = BitWriter::new();
        w.put_u(5, 6);
        w.put_u(0, 2);
        w.put_u(u64::from(self.mmsi), 30);
        w.put_u(0, 2); // AIS version: ITU-R M.1371-1
        w.put_u(u64::from(self.imo), 30);
        w.put_text(&self.callsign, 7);
        w.put_text(&self.shipname, 20);
        w.put_u(u64::from(self.shiptype), 8);
        put_dims(&mut w, self.dims);
        w.put_u(1, 4); // EPFD: GPS
        w.put_u(0, 4); // ETA month n/a
        w.put_u(0, 5); // day n/a
        w.put_u(24, 5); // hour n/a
        w.put_u(60, 6); // minute n/a
        w.put_u((self.draught_m * 10.0).round().clamp(0.0, 255.0) as u64, 8);
        w.put_text(&self.destination, 20);
        w.put_u(0, 1); // DTE ready
        w.put_u(0, 1); // spare
        w
    }
}

fn put_dims(w: &mut BitWriter, d: Dimensions) {
    w.put_u(u64::from(d.to_bow_m.min(511)), 9);
    w.put_u(u64::from(d.to_stern_m.min(511)), 9);
    w.put_u(u64::from(d.to_port_m.min(63)), 6);
    w.put_u(u64::from(d.to_starboard_m.min(63)), 6);
}

/// Message 24: Class B static data; part A carries the name, part B the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct StaticB {
    /// Source MMSI.
    pub mmsi: u32,
    /// Name, up to 20 characters.
    pub shipname: String,
    /// Ship and cargo type.
    pub shiptype: u8,
    /// Vendor id, up to 3 characters.
    pub vendor: String,
    /// Call sign, up to 7 characters.
    pub callsign: String,
    /// Dimensions.
    pub dims: Dimensions,
}

impl StaticB {
    /// Part A, 160 bits.
    pub fn encode_part_a(&self) -> BitWriter {
        let mut w = BitWriter::new();
        w.put_u(24, 6);
        w.put_u(0, 2);
        w.put_u(u64::from(self.mmsi), 30);
        w.put_u(0, 2);
        w.put_text(&self.shipname, 20);
        w
    }

    /// Part B, 168 bits.
    pub fn encode_part_b(&self) -> BitWriter {
        let mut w = BitWriter::new();
        w.put_u(24, 6);
        w.put_u(0, 2);
        w.put_u(u64::from(self.mmsi), 30);
        w.put_u(1, 2);
        w.put_u(u64::from(self.shiptype), 8);
        w.put_text(&self.vendor, 3);
        w.put_u(0, 4); // unit model
        w.put_u(0, 20); // serial
        w.put_text(&self.callsign, 7);
        put_dims(&mut w, self.dims);
        w.put_u(0, 6); // spare
        w
    }
}

/// Longest payload put in one sentence: 60 characters keeps a tag-less VDM within 82 bytes.
pub const MAX_CHARS_PER_SENTENCE: usize = 60;

/// NMEA checksum: XOR of the bytes between the start character and `*`.
pub fn checksum(body: &str) -> u8 {
    body.bytes().fold(0, |a, b| a ^ b)
}

/// `!AIVDM` sentences for one payload: one, or several sharing `seq_id` (0–9) when the payload
/// exceeds [`MAX_CHARS_PER_SENTENCE`]. Fill bits go on the last fragment only.
pub fn vdm_sentences(payload: &BitWriter, channel: char, seq_id: u8) -> Vec<String> {
    let (text, fill) = payload.armour();
    let chunks: Vec<&str> =
        text.as_bytes().chunks(MAX_CHARS_PER_SENTENCE).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    let n = chunks.len();
    let mut out = Vec::with_capacity(n);
    for (i, c) in chunks.iter().enumerate() {
        let seq = if n > 1 { (seq_id % 10).to_string() } else { String::new() };
        let f = if i + 1 == n { fill } else { 0 };
        let body = format!("AIVDM,{n},{},{seq},{channel},{c},{f}", i + 1);
        out.push(format!("!{body}*{:02X}", checksum(&body)));
    }
    out
}

/// Prefix a sentence with an NMEA 4.0 tag block: `\g:i-n-id,s:receiver,c:unix*hh\` (the `g:`
/// group only when `group` is given, `s:`/`c:` on the first line of a group only).
pub fn with_tag_block(sentence: &str, receiver: &str, unix_s: u64, group: Option<(usize, usize, u32)>) -> String {
    let mut tag = String::new();
    if let Some((i, n, id)) = group {
        let _ = write!(tag, "g:{i}-{n}-{id}");
        if i > 1 {
            return format!("\\{tag}*{:02X}\\{sentence}", checksum(&tag));
        }
        tag.push(',');
    }
    let _ = write!(tag, "s:{receiver},c:{unix_s}");
    format!("\\{tag}*{:02X}\\{sentence}", checksum(&tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    mod armour {
        use super::*;

        #[test]
        fn maps_6_bit_values_to_the_two_ascii_ranges() {
            let mut w = BitWriter::new();
            for v in [0u64, 39, 40, 63] {
                w.put_u(v, 6);
            }
            assert_eq!(w.armour(), ("0W`w".to_string(), 0));
        }

        #[test]
        fn pads_with_fill_bits() {
            let mut w = BitWriter::new();
            w.put_u(0b1, 2);
            assert_eq!(w.armour(), ("@".to_string(), 4));
        }
    }

    mod vdm_sentences {
        use super::*;

        #[test]
        fn message_5_takes_two_sentences_with_two_fill_bits() {
            let m = StaticA {
                mmsi: 453_000_001,
                imo: 9_000_001,
                callsign: "XX1".into(),
                shipname: "TURBOJET ONE".into(),
                shiptype: 60,
                dims: Dimensions { to_bow_m: 30, to_stern_m: 15, to_port_m: 5, to_starboard_m: 5 },
                draught_m: 2.0,
                destination: "HONG KONG".into(),
            };
            let p = m.encode();
            assert_eq!(p.len_bits(), 424);
            let s = vdm_sentences(&p, 'A', 3);
            assert_eq!(s.len(), 2);
            assert!(s[0].starts_with("!AIVDM,2,1,3,A,") && s[0].contains(",0*"));
            assert!(s[1].starts_with("!AIVDM,2,2,3,A,") && s[1].contains(",2*"));
        }

        #[test]
        fn checksum_is_the_xor_of_the_body() {
            // A well-known sentence (gpsd test data) re-derived.
            assert_eq!(checksum("AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0"), 0x5C);
        }
    }

    mod rot_raw {
        use super::*;

        #[test]
        fn is_signed_square_root_scaled() {
            assert_eq!(rot_raw(Some(0.0)), 0);
            assert_eq!(rot_raw(Some(100.0)), 47);
            assert_eq!(rot_raw(Some(-100.0)), -47);
            assert_eq!(rot_raw(Some(10_000.0)), 126);
            assert_eq!(rot_raw(None), -128);
        }
    }
}
