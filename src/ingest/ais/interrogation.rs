//! Message 15: interrogation — ask stations to transmit given message types.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.13, Table 64.

use super::{AisError, BitReader, Header, check_range};

/// Requests up to three replies from up to two stations.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Interrogation {
    /// Type 15, repeat, MMSI.
    pub header: Header,
    /// First interrogated station.
    pub mmsi1: u32,
    /// First requested message type.
    pub type1_1: u8,
    /// Its slot offset.
    pub offset1_1: u16,
    /// Second requested message type from station 1.
    pub type1_2: u8,
    /// Its slot offset.
    pub offset1_2: u16,
    /// Second interrogated station.
    pub mmsi2: u32,
    /// Message type requested from station 2.
    pub type2_1: u8,
    /// Its slot offset.
    pub offset2_1: u16,
}

impl Interrogation {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::BadLength`] outside 88..=168 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_range(r, header, 88, 168)?;
        let mut m = Interrogation { header, ..Default::default() };
        m.mmsi1 = r.u32(40, 30);
        m.type1_1 = r.u32(70, 6) as u8;
        m.offset1_1 = r.u32(76, 12) as u16;
        if r.len_bits() > 90 {
            m.type1_2 = r.u32(90, 6) as u8;
            m.offset1_2 = r.u32(96, 12) as u16;
            if r.len_bits() > 110 {
                m.mmsi2 = r.u32(110, 30);
                m.type2_1 = r.u32(140, 6) as u8;
                m.offset2_1 = r.u32(146, 12) as u16;
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    mod decode {
        use super::*;

        #[test]
        fn reads_both_interrogated_stations() {
            let Message::Interrogation(i) = decode(&["!AIVDM,1,1,,A,?39a?2PjKFFPD01o:Gq1igvp2<3w,0*0B"]) else {
                panic!()
            };
            assert_eq!(i.header.mmsi, 211_439_370);
            assert_eq!((i.mmsi1, i.type1_1, i.offset1_1, i.type1_2, i.offset1_2), (211_507_560, 5, 0, 55, 663));
            assert_eq!((i.mmsi2, i.type2_1, i.offset2_1), (605_843_451, 32, 560));
        }

        #[test]
        fn short_interrogation_leaves_the_second_station_zero() {
            let Message::Interrogation(i) = decode(&["!AIVDM,1,1,,A,?5OP=l00052HD00,2*5B"]) else { panic!() };
            assert_eq!((i.mmsi1, i.type1_1), (5158, 5));
            assert_eq!((i.mmsi2, i.type2_1, i.offset2_1), (0, 0, 0));
        }
    }
}
