//! Messages 4 and 11: base station report and UTC/date response — a fixed station's time and position.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.2, Table 50.

use super::position::{LAT_NA, LON_NA, lon_opt};
use super::{AisError, BitReader, Header, check_permissive};

/// UTC date/time and surveyed position broadcast by a base station (4) or in reply to an inquiry (11).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BaseStationReport {
    /// Type (4 or 11), repeat, MMSI.
    pub header: Header,
    /// UTC year (0 = not available).
    pub year: u16,
    /// UTC month (0 = not available).
    pub month: u8,
    /// UTC day (0 = not available).
    pub day: u8,
    /// UTC hour (24 = not available).
    pub hour: u8,
    /// UTC minute (60 = not available).
    pub minute: u8,
    /// UTC second (60 = not available).
    pub second: u8,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute; `None` when 181°.
    pub lon: Option<i32>,
    /// Latitude, 1/10000 minute; `None` when 91°.
    pub lat: Option<i32>,
    /// Electronic position fixing device type.
    pub epfd: u8,
    /// RAIM in use.
    pub raim: bool,
    /// Communication state.
    pub radio: u32,
}

impl BaseStationReport {
    /// Decode from the payload.
    ///
    /// # Errors
    /// [`AisError::TooShort`] under 168 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_permissive(r, header, 168)?;
        Ok(BaseStationReport {
            header,
            year: r.u32(38, 14) as u16,
            month: r.u32(52, 4) as u8,
            day: r.u32(56, 5) as u8,
            hour: r.u32(61, 5) as u8,
            minute: r.u32(66, 6) as u8,
            second: r.u32(72, 6) as u8,
            accuracy: r.flag(78),
            lon: lon_opt(r.i32(79, 28), LON_NA),
            lat: lon_opt(r.i32(107, 27), LAT_NA),
            epfd: r.u32(134, 4) as u8,
            raim: r.flag(148),
            radio: r.u32(149, 19),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn report(sentence: &str) -> super::BaseStationReport {
        match decode(&[sentence]) {
            Message::BaseStation(b) => b,
            other => panic!("not a base station report: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn type_4_reads_utc_time_position_and_fix_type() {
            let b = report("!AIVDM,1,1,,A,403OviQuMGCqWrRO9>E6fE700@GO,0*4D");
            assert_eq!((b.header.msg_type, b.header.mmsi), (4, 3_669_702));
            assert_eq!((b.year, b.month, b.day, b.hour, b.minute, b.second), (2007, 5, 14, 19, 57, 39));
            assert!(b.accuracy);
            assert_eq!((b.lon, b.lat), (Some(-45_811_417), Some(22_130_260)));
            assert_eq!((b.epfd, b.raim, b.radio), (7, false, 67_039));
        }

        #[test]
        fn type_11_is_decoded_like_type_4() {
            let b = report("!AIVDM,1,1,,B,;4R33:1uUK2F`q?mOt@@GoQ00000,0*5D");
            assert_eq!((b.header.msg_type, b.header.mmsi), (11, 304_137_000));
            assert_eq!((b.year, b.month, b.day, b.hour, b.minute, b.second), (2009, 5, 22, 2, 22, 40));
            assert_eq!((b.lon, b.lat, b.epfd), (Some(-56_644_610), Some(17_045_470), 1));
        }

        #[test]
        fn unavailable_position_is_none_and_time_keeps_its_sentinels() {
            let b = report("!AIVDM,1,1,,A,402Fha0000Htt<tSF0l4Q@000d20,0*65");
            assert_eq!((b.lon, b.lat), (None, None));
            assert_eq!((b.year, b.month, b.day, b.hour, b.minute, b.second), (0, 0, 0, 24, 60, 60));
            assert_eq!(b.epfd, 0);
        }
    }
}
