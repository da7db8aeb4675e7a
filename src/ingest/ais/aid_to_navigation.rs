//! Message 21: aid-to-navigation report, including the name extension.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.19, Table 72.

use super::position::{LAT_NA, LON_NA, lon_opt};
use super::{AisError, BitReader, Header, Text, check_range};

/// A buoy, light or virtual mark announcing its position and name.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AidToNavigation {
    /// Type 21, repeat, MMSI.
    pub header: Header,
    /// Aid type 0–31.
    pub aid_type: u8,
    /// Name, with the extension appended (up to 34 characters).
    pub name: Text<34>,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute; `None` when 181°.
    pub lon: Option<i32>,
    /// Latitude, 1/10000 minute; `None` when 91°.
    pub lat: Option<i32>,
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
    /// UTC second.
    pub second: u8,
    /// Off-position indicator.
    pub off_position: bool,
    /// Regional reserved.
    pub regional: u8,
    /// RAIM in use.
    pub raim: bool,
    /// Virtual aid (no physical mark).
    pub virtual_aid: bool,
    /// Assigned mode.
    pub assigned: bool,
}

impl AidToNavigation {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::BadLength`] outside 272..=368 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_range(r, header, 272, 368)?;
        let mut m = AidToNavigation { header, ..Default::default() };
        m.aid_type = r.u32(38, 5) as u8;
        r.text_untrimmed(43, 20, &mut m.name);
        m.accuracy = r.flag(163);
        m.lon = lon_opt(r.i32(164, 28), LON_NA);
        m.lat = lon_opt(r.i32(192, 27), LAT_NA);
        m.to_bow = r.u32(219, 9) as u16;
        m.to_stern = r.u32(228, 9) as u16;
        m.to_port = r.u32(237, 6) as u8;
        m.to_starboard = r.u32(243, 6) as u8;
        m.epfd = r.u32(249, 4) as u8;
        m.second = r.u32(253, 6) as u8;
        m.off_position = r.flag(259);
        m.regional = r.u32(260, 8) as u8;
        m.raim = r.flag(268);
        m.virtual_aid = r.flag(269);
        m.assigned = r.flag(270);
        // The name extension only follows a full 20-character name (gpsd's rule).
        if m.name.len() == 20 && r.len_bits() > 272 {
            let mut ext = Text::<14>::default();
            r.text(272, (r.len_bits() - 272) / 6, &mut ext);
            for &c in ext.as_str().as_bytes() {
                m.name.push(c);
            }
        }
        m.name.trim_end();
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn aid(sentences: &[&str]) -> super::AidToNavigation {
        match decode(sentences) {
            Message::AidToNavigation(a) => a,
            other => panic!("not an aid to navigation: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn name_extension_continues_the_20_character_name() {
            let a = aid(&[
                "!AIVDM,2,1,5,B,E1mg=5J1T4W0h97aRh6ba84<h2d;W:Te=eLvH50```q,0*46",
                "!AIVDM,2,2,5,B,:D44QDlp0C1DU00,2*36",
            ]);
            assert_eq!(a.header.mmsi, 123_456_789);
            assert_eq!(a.name, "CHINA ROSE MURPHY EXPRESS ALERT");
            assert_eq!((a.aid_type, a.lon, a.lat), (20, Some(-73_619_155), Some(28_752_371)));
            assert_eq!((a.to_bow, a.to_stern, a.to_port, a.to_starboard, a.epfd), (5, 5, 5, 5, 1));
            assert_eq!((a.second, a.regional, a.off_position, a.virtual_aid), (50, 165, false, false));
        }

        #[test]
        fn name_without_extension_is_trimmed_at_the_padding() {
            let a = aid(&["!AIVDM,1,1,,B,ENk`tRI16h@@@@@@@@@@@@@@@@@=@Mg<9q;jP00003vP000,2*60"]);
            assert_eq!((a.header.mmsi, a.aid_type, a.name.as_str()), (993_672_329, 18, "BM"));
            assert_eq!((a.epfd, a.second), (7, 61));
        }
    }
}
