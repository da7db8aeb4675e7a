//! Messages 1, 2, 3: Class A position report (scheduled, assigned, on interrogation).
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.1, Table 48.

use super::{AisError, BitReader, Header, check_permissive};

/// Latitude/longitude unit of messages 1–4, 9, 18, 19, 21: 1/10000 minute.
pub const LATLON_DIV: f64 = 600_000.0;
/// Raw longitude meaning "not available" (181°).
pub const LON_NA: i32 = 181 * 600_000;
/// Raw latitude meaning "not available" (91°).
pub const LAT_NA: i32 = 91 * 600_000;

/// A Class A position report: the vessel's own GNSS fix, motion and navigational status.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PositionReport {
    /// Type (1, 2 or 3), repeat indicator and MMSI.
    pub header: Header,
    /// Navigational status 0–15 (0 under way using engine, 1 at anchor, 5 moored, 15 undefined).
    pub status: u8,
    /// Rate of turn as transmitted (ROT_AIS, −127..=127); `None` when −128 (not available).
    pub turn: Option<i8>,
    /// Speed over ground, 1/10 knot (0..=1022; 1022 means ≥ 102.2 kn); `None` when 1023.
    pub speed_dkn: Option<u16>,
    /// Position accuracy flag: true = high (< 10 m, DGNSS).
    pub accuracy: bool,
    /// Longitude, 1/10000 minute; `None` when 181°.
    pub lon: Option<i32>,
    /// Latitude, 1/10000 minute; `None` when 91°.
    pub lat: Option<i32>,
    /// Course over ground, 1/10 degree; `None` when 3600.
    pub course_ddeg: Option<u16>,
    /// True heading, degrees; `None` when 511.
    pub heading_deg: Option<u16>,
    /// UTC second of the fix (60..=63 are special values).
    pub second: u8,
    /// Special manoeuvre indicator.
    pub maneuver: u8,
    /// RAIM in use.
    pub raim: bool,
    /// SOTDMA/ITDMA communication state.
    pub radio: u32,
}

/// Longitude option from a raw value.
pub(crate) fn lon_opt(raw: i32, na: i32) -> Option<i32> {
    (raw != na).then_some(raw)
}

impl PositionReport {
    /// Decode from the payload.
    ///
    /// # Errors
    /// [`AisError::TooShort`] under 163 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_permissive(r, header, 163)?;
        let bitlen = r.len_bits();
        let turn = r.i32(42, 8) as i8;
        let speed = r.u32(50, 10) as u16;
        let course = r.u32(116, 12) as u16;
        let heading = r.u32(128, 9) as u16;
        // gpsd reads a short radio field from what is there.
        let radio = if bitlen >= 168 { r.u32(149, 19) } else { r.u32(149, bitlen - 149) };
        Ok(PositionReport {
            header,
            status: r.u32(38, 4) as u8,
            turn: (turn != -128).then_some(turn),
            speed_dkn: (speed != 1023).then_some(speed),
            accuracy: r.flag(60),
            lon: lon_opt(r.i32(61, 28), LON_NA),
            lat: lon_opt(r.i32(89, 27), LAT_NA),
            course_ddeg: (course != 3600).then_some(course),
            heading_deg: (heading != 511).then_some(heading),
            second: r.u32(137, 6) as u8,
            maneuver: r.u32(143, 2) as u8,
            raim: r.flag(148),
            radio,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::{Decoder, Message};

    fn decode(line: &[u8]) -> Message {
        let mut d = Decoder::new();
        d.push_line(line).cloned().expect("decodes")
    }

    mod decode {
        use super::*;

        #[test]
        fn type_1_from_gpsd_sample_has_its_published_values() {
            let Message::Position(p) = decode(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A") else {
                panic!("not a position report")
            };
            assert_eq!(p.header.mmsi, 371_798_000);
            assert_eq!(p.turn, Some(-127));
            assert_eq!(p.speed_dkn, Some(123));
            assert!(p.accuracy);
            assert_eq!(p.lon, Some(-74_037_230));
            assert_eq!(p.course_ddeg, Some(2240));
            assert_eq!(p.heading_deg, Some(215));
            assert_eq!(p.second, 33);
        }

        #[test]
        fn type_2_assigned_report_reads_fast_right_turn() {
            let Message::Position(p) = decode(b"!AIVDM,1,1,,B,25Cjtd0Oj;Jp7ilG7=UkKBoB0<06,0*60") else {
                panic!("not a position report")
            };
            assert_eq!((p.header.msg_type, p.header.mmsi), (2, 356_302_000));
            assert_eq!((p.turn, p.speed_dkn, p.accuracy), (Some(127), Some(139), false));
            assert_eq!((p.lon, p.lat), (Some(-42_975_686), Some(24_235_415)));
            assert_eq!((p.course_ddeg, p.heading_deg, p.second, p.radio), (Some(877), Some(91), 41, 49_158));
        }

        #[test]
        fn type_3_moored_vessel_reads_status_and_zero_turn() {
            let Message::Position(p) = decode(b"!AIVDM,1,1,,A,38Id705000rRVJhE7cl9n;160000,0*40") else {
                panic!("not a position report")
            };
            assert_eq!((p.header.msg_type, p.header.mmsi, p.status), (3, 563_808_000, 5));
            assert_eq!((p.turn, p.speed_dkn, p.accuracy), (Some(0), Some(0), true));
            assert_eq!((p.lon, p.lat), (Some(-45_796_520), Some(22_146_000)));
            assert_eq!((p.course_ddeg, p.heading_deg, p.second), (Some(2520), Some(352), 35));
        }

        #[test]
        fn unavailable_turn_and_heading_are_none() {
            let Message::Position(p) = decode(b"!AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r,0*42") else {
                panic!("not a position report")
            };
            assert_eq!(p.turn, None);
            assert_eq!(p.heading_deg, None);
            assert_eq!(p.speed_dkn, Some(0));
        }
    }
}
