//! Message 9: standard SAR aircraft position report.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.8, Table 59.

use super::position::{LAT_NA, LON_NA, lon_opt};
use super::{AisError, BitReader, Header, check_permissive};

/// Position, altitude and motion of a search-and-rescue aircraft.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SarAircraft {
    /// Type 9, repeat, MMSI.
    pub header: Header,
    /// Altitude, metres (4094 = 4094 m or higher); `None` when 4095.
    pub alt_m: Option<u16>,
    /// Speed over ground, knots (1022 = ≥ 1022 kn); `None` when 1023.
    pub speed_kn: Option<u16>,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute; `None` when 181°.
    pub lon: Option<i32>,
    /// Latitude, 1/10000 minute; `None` when 91°.
    pub lat: Option<i32>,
    /// Course over ground, 1/10 degree; `None` when 3600.
    pub course_ddeg: Option<u16>,
    /// UTC second.
    pub second: u8,
    /// Regional reserved.
    pub regional: u8,
    /// DTE flag.
    pub dte: u8,
    /// Assigned-mode flag.
    pub assigned: bool,
    /// RAIM in use.
    pub raim: bool,
    /// Communication state.
    pub radio: u32,
}

impl SarAircraft {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::TooShort`] under 168 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_permissive(r, header, 168)?;
        let alt = r.u32(38, 12) as u16;
        let speed = r.u32(50, 10) as u16;
        let course = r.u32(116, 12) as u16;
        Ok(SarAircraft {
            header,
            alt_m: (alt != 4095).then_some(alt),
            speed_kn: (speed != 1023).then_some(speed),
            accuracy: r.flag(60),
            lon: lon_opt(r.i32(61, 28), LON_NA),
            lat: lon_opt(r.i32(89, 27), LAT_NA),
            course_ddeg: (course != 3600).then_some(course),
            second: r.u32(128, 6) as u8,
            regional: r.u32(134, 8) as u8,
            dte: r.u32(142, 1) as u8,
            assigned: r.flag(146),
            raim: r.flag(147),
            radio: r.u32(148, 20),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::{decode, json};

    fn sar(sentence: &str) -> super::SarAircraft {
        match decode(&[sentence]) {
            Message::Sar(s) => s,
            other => panic!("not a SAR aircraft report: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn reads_altitude_speed_position_and_course() {
            let s = sar("!AIVDM,1,1,,B,91b55wi;hbOS@OdQAC062Ch2089h,0*30");
            assert_eq!(s.header.mmsi, 111_232_511);
            assert_eq!((s.alt_m, s.speed_kn, s.course_ddeg), (Some(303), Some(42), Some(1545)));
            assert_eq!((s.lon, s.lat), (Some(-3_767_306), Some(34_886_400)));
            assert_eq!((s.second, s.dte, s.raim, s.radio), (15, 1, false, 33_392));
        }

        #[test]
        fn unavailable_altitude_is_none_and_prints_nan() {
            let line = "!AIVDM,1,1,,B,900fK5?wh0IJcT>;6GB004h00408,0*76";
            let s = sar(line);
            assert_eq!((s.header.mmsi, s.alt_m, s.speed_kn), (760_596, None, Some(0)));
            assert_eq!(json(&decode(&[line]))["alt"], "nan");
        }
    }
}
