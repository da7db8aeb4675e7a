//! Messages 18 and 19: Class B standard and extended position reports.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.16–3.17, Tables 67 and 68.

use super::position::{LAT_NA, LON_NA, lon_opt};
use super::{AisError, BitReader, Header, Text, check_permissive};

/// A Class B position report; message 19 adds name, type and dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClassBPosition {
    /// Type (18 or 19), repeat, MMSI.
    pub header: Header,
    /// Regional reserved bits after the MMSI.
    pub reserved: u8,
    /// Speed over ground, 1/10 knot; `None` when 1023.
    pub speed_dkn: Option<u16>,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute; `None` when 181°.
    pub lon: Option<i32>,
    /// Latitude, 1/10000 minute; `None` when 91°.
    pub lat: Option<i32>,
    /// Course over ground, 1/10 degree; `None` when 3600.
    pub course_ddeg: Option<u16>,
    /// True heading, degrees; `None` when 511.
    pub heading_deg: Option<u16>,
    /// UTC second.
    pub second: u8,
    /// Regional reserved.
    pub regional: u8,
    /// Carrier-sense unit (18).
    pub cs: bool,
    /// Has a display (18).
    pub display: bool,
    /// Has DSC (18).
    pub dsc: bool,
    /// Can use the whole marine band (18).
    pub band: bool,
    /// Accepts message 22 (18).
    pub msg22: bool,
    /// Assigned mode.
    pub assigned: bool,
    /// RAIM in use.
    pub raim: bool,
    /// Communication state (18).
    pub radio: u32,
    /// Extended report fields (19 only).
    pub extended: Option<ClassBExtended>,
}

/// The static part of message 19.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClassBExtended {
    /// Vessel name.
    pub shipname: Text<20>,
    /// Ship and cargo type.
    pub shiptype: u8,
    /// To bow, m.
    pub to_bow: u16,
    /// To stern, m.
    pub to_stern: u16,
    /// To port, m.
    pub to_port: u8,
    /// To starboard, m.
    pub to_starboard: u8,
    /// Position fixing device.
    pub epfd: u8,
    /// DTE flag.
    pub dte: bool,
}

impl ClassBPosition {
    /// Decode message 18 or 19.
    ///
    /// # Errors
    /// [`AisError::TooShort`] under 168 (18) or 312 (19) bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        let ext = header.msg_type == 19;
        check_permissive(r, header, if ext { 312 } else { 168 })?;
        let speed = r.u32(46, 10) as u16;
        let course = r.u32(112, 12) as u16;
        let heading = r.u32(124, 9) as u16;
        let mut m = ClassBPosition {
            header,
            reserved: r.u32(38, 8) as u8,
            speed_dkn: (speed != 1023).then_some(speed),
            accuracy: r.flag(56),
            lon: lon_opt(r.i32(57, 28), LON_NA),
            lat: lon_opt(r.i32(85, 27), LAT_NA),
            course_ddeg: (course != 3600).then_some(course),
            heading_deg: (heading != 511).then_some(heading),
            second: r.u32(133, 6) as u8,
            ..Default::default()
        };
        if ext {
            m.regional = r.u32(139, 4) as u8;
            let mut x = ClassBExtended::default();
            r.text(143, 20, &mut x.shipname);
            x.shiptype = r.u32(263, 8) as u8;
            x.to_bow = r.u32(271, 9) as u16;
            x.to_stern = r.u32(280, 9) as u16;
            x.to_port = r.u32(289, 6) as u8;
            x.to_starboard = r.u32(295, 6) as u8;
            x.epfd = r.u32(301, 4) as u8;
            m.raim = r.flag(305);
            x.dte = r.flag(306);
            m.assigned = r.flag(307);
            m.extended = Some(x);
        } else {
            m.regional = r.u32(139, 2) as u8;
            m.cs = r.flag(141);
            m.display = r.flag(142);
            m.dsc = r.flag(143);
            m.band = r.flag(144);
            m.msg22 = r.flag(145);
            m.assigned = r.flag(146);
            m.raim = r.flag(147);
            m.radio = r.u32(148, 20);
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn class_b(sentence: &str) -> super::ClassBPosition {
        match decode(&[sentence]) {
            Message::ClassB(b) => b,
            other => panic!("not a class B report: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn type_18_reads_position_and_cs_flags_with_heading_unavailable() {
            let b = class_b("!AIVDM,1,1,,A,B52K>;h00Fc>jpUlNV@ikwpUoP06,0*4C");
            assert_eq!((b.header.msg_type, b.header.mmsi), (18, 338_087_471));
            assert_eq!((b.speed_dkn, b.course_ddeg, b.heading_deg), (Some(1), Some(796), None));
            assert_eq!((b.lon, b.lat), (Some(-44_443_279), Some(24_410_724)));
            assert_eq!((b.cs, b.display, b.dsc, b.band, b.msg22, b.raim), (true, false, true, true, true, true));
            assert_eq!((b.second, b.radio), (49, 917_510));
            assert!(b.extended.is_none());
        }

        #[test]
        fn type_19_carries_name_type_and_dimensions() {
            let b = class_b("!AIVDM,1,1,,B,C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220,0*0B");
            assert_eq!((b.header.msg_type, b.header.mmsi), (19, 367_059_850));
            assert_eq!((b.reserved, b.speed_dkn, b.course_ddeg, b.heading_deg), (248, Some(87), Some(3359), None));
            assert_eq!((b.lon, b.lat), (Some(-53_286_235), Some(17_726_217)));
            let x = b.extended.expect("type 19 has the static part");
            assert_eq!(x.shipname, "CAPT.J.RIMES");
            assert_eq!((x.shiptype, x.to_bow, x.to_stern, x.to_port, x.to_starboard, x.epfd), (70, 5, 21, 4, 4, 1));
            assert!(!x.dte);
        }
    }
}
