//! Message 24: Class B static data, sent as two halves (part A: name; part B: type, vendor,
//! call sign, dimensions).
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.22, Tables 76–79.

use super::{AisError, BitReader, Header, Text, check_permissive, check_range};

/// Which half of message 24 this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Part {
    /// Part A: the name.
    #[default]
    A,
    /// Part B alone.
    B,
    /// Part B merged with an earlier part A from the same MMSI on the same channel (gpsd does this).
    Both,
}

/// Part B's body.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StaticPartB {
    /// Ship and cargo type.
    pub shiptype: u8,
    /// Vendor id (7 characters, old layout; new layout packs model and serial into its tail).
    pub vendorid: Text<7>,
    /// Unit model code.
    pub model: u8,
    /// Unit serial number.
    pub serial: u32,
    /// Call sign.
    pub callsign: Text<7>,
    /// Mother ship MMSI, for auxiliary craft (MMSI 98xxxxxxx); otherwise `None`.
    pub mothership_mmsi: Option<u32>,
    /// To bow, m.
    pub to_bow: u16,
    /// To stern, m.
    pub to_stern: u16,
    /// To port, m.
    pub to_port: u8,
    /// To starboard, m.
    pub to_starboard: u8,
}

/// One half of a Class B static data report.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StaticData {
    /// Type 24, repeat, MMSI.
    pub header: Header,
    /// Which half.
    pub part: Part,
    /// Vessel name (part A, or merged into B).
    pub shipname: Text<20>,
    /// Part B fields (parts B and Both).
    pub b: StaticPartB,
}

/// Auxiliary craft MMSIs (98MIDxxxx) carry a mother ship MMSI instead of dimensions.
pub fn is_auxiliary(mmsi: u32) -> bool {
    mmsi / 10_000_000 == 98
}

impl StaticData {
    /// Decode either half.
    ///
    /// # Errors
    /// [`AisError::BadLength`] for part A outside 160..=168 bits, [`AisError::TooShort`] for
    /// part B under 168 bits, [`AisError::Unsupported`] for part numbers 2 and 3.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        let mut m = StaticData { header, ..Default::default() };
        match r.u32(38, 2) {
            0 => {
                check_range(r, header, 160, 168)?;
                r.text(40, 20, &mut m.shipname);
                m.part = Part::A;
            }
            1 => {
                check_permissive(r, header, 168)?;
                m.part = Part::B;
                let b = &mut m.b;
                b.shiptype = r.u32(40, 8) as u8;
                r.text(48, 7, &mut b.vendorid);
                b.model = r.u32(66, 4) as u8;
                b.serial = r.u32(70, 20);
                r.text(90, 7, &mut b.callsign);
                if is_auxiliary(header.mmsi) {
                    b.mothership_mmsi = Some(r.u32(132, 30));
                } else {
                    b.to_bow = r.u32(132, 9) as u16;
                    b.to_stern = r.u32(141, 9) as u16;
                    b.to_port = r.u32(150, 6) as u8;
                    b.to_starboard = r.u32(156, 6) as u8;
                }
            }
            _ => return Err(AisError::Unsupported { msg_type: 24 }),
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::Part;
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn static_data(sentence: &str) -> super::StaticData {
        match decode(&[sentence]) {
            Message::StaticData(s) => s,
            other => panic!("not static data: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn part_a_carries_the_name() {
            let s = static_data("!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D");
            assert_eq!((s.header.mmsi, s.part, s.shipname.as_str()), (271_041_815, Part::A, "PROGUY"));
        }

        #[test]
        fn part_b_carries_type_vendor_callsign_and_dimensions() {
            let s = static_data("!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40");
            assert_eq!(s.part, Part::B);
            let b = s.b;
            assert_eq!((b.shiptype, b.vendorid.as_str(), b.model, b.serial), (60, "1D00014", 12, 199_796));
            assert_eq!(b.callsign, "TC6163");
            assert_eq!(b.mothership_mmsi, None);
            assert_eq!((b.to_bow, b.to_stern, b.to_port, b.to_starboard), (0, 15, 0, 5));
        }

        #[test]
        fn part_b_of_an_auxiliary_craft_names_its_mothership() {
            let s = static_data("!AIVDO,1,1,,A,H>W@vFTe6??406t2??21J0Wg8Jb0,0*6F");
            assert_eq!(s.header.mmsi, 980_696_666);
            assert_eq!((s.b.vendorid.as_str(), s.b.callsign.as_str()), ("FOOD", "BOOBAZ"));
            assert!(s.b.mothership_mmsi.is_some());
        }
    }
}
