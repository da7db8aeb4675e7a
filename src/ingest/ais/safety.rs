//! Messages 12 and 14: addressed and broadcast safety-related text.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.10 and §3.12, Tables 61 and 63.

use super::{AisError, BitReader, Header, Text, check_range};

/// Free-text safety message (12 addressed, 14 broadcast).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SafetyText {
    /// Type (12 or 14), repeat, MMSI.
    pub header: Header,
    /// Sequence number (12 only).
    pub seqno: u8,
    /// Addressee (12 only).
    pub dest_mmsi: u32,
    /// Retransmit flag (12 only).
    pub retransmit: bool,
    /// The text.
    pub text: Text<161>,
}

impl SafetyText {
    /// Decode message 12 or 14.
    ///
    /// # Errors
    /// [`AisError::BadLength`] outside 72..=1008 (12) or 40..=1008 (14) bits.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        let mut m = SafetyText { header, ..Default::default() };
        if header.msg_type == 12 {
            check_range(r, header, 72, 1008)?;
            m.seqno = r.u32(38, 2) as u8;
            m.dest_mmsi = r.u32(40, 30);
            m.retransmit = r.flag(70);
            r.text_to_end(72, &mut m.text);
        } else {
            check_range(r, header, 40, 1008)?;
            r.text_to_end(40, &mut m.text);
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn text(sentence: &str) -> super::SafetyText {
        match decode(&[sentence]) {
            Message::Safety(s) => s,
            other => panic!("not a safety message: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn type_12_reads_addressing_and_text() {
            let s = text("!AIVDM,1,1,,A,<02:oP0kKcv0@<51C5PB5@?BDPD?P:?2?EB7PDB16693P381>>5<PikP,0*37");
            assert_eq!((s.header.msg_type, s.header.mmsi), (12, 2_275_200));
            assert_eq!((s.seqno, s.dest_mmsi, s.retransmit), (0, 215_724_000, false));
            assert_eq!(s.text, "PLEASE REPORT TO JOBOURG TRAFFIC CHANNEL 13");
        }

        #[test]
        fn type_14_broadcast_text_has_no_addressee() {
            let s = text("!AIVDM,1,1,,A,>5?Per18=HB1U:1@E=B0m<L,2*51");
            assert_eq!((s.header.msg_type, s.header.mmsi), (14, 351_809_000));
            assert_eq!(s.text, "RCVD YR TEST MSG");
        }
    }
}
