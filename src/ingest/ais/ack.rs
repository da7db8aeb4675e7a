//! Messages 7 and 13: binary and safety-related acknowledgements.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.5, Table 55.

use super::{AisError, BitReader, Header, check_range};

/// Acknowledges up to four addressed messages by destination MMSI and sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Acknowledge {
    /// Type (7 or 13), repeat, MMSI.
    pub header: Header,
    /// Acknowledged MMSIs (0 where absent).
    pub mmsi: [u32; 4],
    /// Their sequence numbers.
    pub seqno: [u8; 4],
}

impl Acknowledge {
    /// Decode.
    ///
    /// # Errors
    /// [`AisError::BadLength`] outside 72..=168 bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        check_range(r, header, 72, 168)?;
        let mut m = Acknowledge { header, ..Default::default() };
        for u in 0..4 {
            if r.len_bits() > 40 + 32 * u {
                m.mmsi[u] = r.u32(40 + 32 * u, 30);
                m.seqno[u] = r.u32(72 + 32 * u, 2) as u8;
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn ack(sentence: &str) -> super::Acknowledge {
        match decode(&[sentence]) {
            Message::Ack(a) => a,
            other => panic!("not an acknowledgement: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn type_7_with_one_addressee_leaves_the_others_zero() {
            let a = ack("!AIVDM,1,1,,A,702R5`hwCjq8,0*6B");
            assert_eq!((a.header.msg_type, a.header.mmsi), (7, 2_655_651));
            assert_eq!(a.mmsi, [265_538_450, 0, 0, 0]);
        }

        #[test]
        fn type_13_safety_acknowledge_reads_the_same_layout() {
            let a = ack("!AIVDM,1,1,,A,=39UOj0jFs9R,0*65");
            assert_eq!((a.header.msg_type, a.header.mmsi), (13, 211_378_120));
            assert_eq!(a.mmsi, [211_217_560, 0, 0, 0]);
        }
    }
}
