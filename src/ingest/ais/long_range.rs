//! Message 27: long-range AIS broadcast (satellite reception).
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.25, Table 85.

use super::{AisError, BitReader, Header};

/// Raw longitude (1/10 minute) meaning "not available".
pub const LON_NA: i32 = 181 * 600;
/// Raw latitude (1/10 minute) meaning "not available".
pub const LAT_NA: i32 = 91 * 600;

/// A coarse position report for long-range (satellite) reception.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LongRange {
    /// Type 27, repeat, MMSI.
    pub header: Header,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// RAIM in use.
    pub raim: bool,
    /// Navigational status.
    pub status: u8,
    /// Longitude, 1/10 minute; `None` when 181°.
    pub lon: Option<i32>,
    /// Latitude, 1/10 minute; `None` when 91°.
    pub lat: Option<i32>,
    /// Speed, knots; `None` when 63.
    pub speed_kn: Option<u8>,
    /// Course, degrees; `None` when 511.
    pub course_deg: Option<u16>,
    /// Position latency flag (0 = current GNSS position).
    pub gnss: bool,
}

impl LongRange {
    /// Decode; 96 bits, or a whole 168-bit slot as some transmitters send.
    ///
    /// # Errors
    /// [`AisError::BadLength`] for other lengths.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        let n = r.len_bits();
        if n != 96 && n != 168 {
            return Err(AisError::BadLength { msg_type: 27, bits: n as u16 });
        }
        let lon = r.i32(44, 18);
        let lat = r.i32(62, 17);
        let speed = r.u32(79, 6) as u8;
        let course = r.u32(85, 9) as u16;
        Ok(LongRange {
            header,
            accuracy: r.flag(38),
            raim: r.flag(39),
            status: r.u32(40, 4) as u8,
            lon: (lon != LON_NA).then_some(lon),
            lat: (lat != LAT_NA).then_some(lat),
            speed_kn: (speed != 63).then_some(speed),
            course_deg: (course != 511).then_some(course),
            gnss: r.flag(94),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn long_range(sentence: &str) -> super::LongRange {
        match decode(&[sentence]) {
            Message::LongRange(l) => l,
            other => panic!("not a long-range broadcast: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn reads_coarse_position_speed_and_course() {
            let l = long_range("!AIVDM,1,1,,B,KC5E2b@U19PFdLbMuc5=ROv62<7m,0*16");
            assert_eq!((l.header.repeat, l.header.mmsi, l.status), (1, 206_914_217, 2));
            assert_eq!((l.lon, l.lat), (Some(82_214), Some(2_904))); // 137.02°, 4.84° (gpsd: 137.0, 4.8)
            assert_eq!((l.speed_kn, l.course_deg), (Some(57), Some(167)));
            assert!(!l.accuracy && !l.raim && !l.gnss);
        }

        #[test]
        fn unavailable_course_is_none() {
            let l = long_range("!AIVDM,1,1,,B,Kk`kDpu@;LkmU0Ot,0*20");
            assert_eq!((l.header.mmsi, l.status), (244_110_563, 5));
            assert_eq!((l.speed_kn, l.course_deg), (Some(0), None));
            assert!(l.accuracy && l.raim);
        }
    }
}
