//! Messages 25 and 26: single- and multiple-slot binary messages.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3.23–3.24, Tables 82 and 83.

use super::{AisError, BitReader, Header, RawBits};

/// An application payload, optionally addressed and optionally tagged with an application id.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BinarySlot {
    /// Type (25 or 26), repeat, MMSI.
    pub header: Header,
    /// Addressed to one station.
    pub addressed: bool,
    /// Carries an application identifier.
    pub structured: bool,
    /// Addressee (0 when broadcast).
    pub dest_mmsi: u32,
    /// Application id (DAC·64 + FI; 0 when unstructured).
    pub app_id: u16,
    /// Payload bits, as gpsd extracts them.
    pub data: RawBits,
}

impl BinarySlot {
    /// Decode message 25 or 26.
    ///
    /// # Errors
    /// [`AisError::BadLength`] when the payload is outside the message's range or too short for
    /// its header.
    pub fn decode(r: &BitReader<'_>, header: Header) -> Result<Self, AisError> {
        let n = r.len_bits();
        let t26 = header.msg_type == 26;
        let bad = AisError::BadLength { msg_type: header.msg_type, bits: n as u16 };
        let (lo, hi) = if t26 { (60, 1004) } else { (40, 168) };
        if n < lo || n > hi {
            return Err(bad);
        }
        let addressed = r.flag(38);
        let structured = r.flag(39);
        let head = 40 + 16 * usize::from(structured) + 30 * usize::from(addressed);
        if n < head + if t26 { 20 } else { 0 } {
            return Err(bad);
        }
        let dest_mmsi = if addressed { r.u32(40, 30) } else { 0 };
        let app_id = if structured { r.u32(40 + 30 * usize::from(addressed), 16) as u16 } else { 0 };
        // gpsd copies from the byte after the app id (skipping the address bits by a shift).
        let copy = n - 40 - 16 * usize::from(structured) - if t26 { 20 } else { 0 };
        let skip = if addressed { 30 } else { 0 };
        let data = RawBits::extract(r, 40 + 16 * usize::from(structured), copy, skip, false);
        Ok(BinarySlot { header, addressed, structured, dest_mmsi, app_id, data })
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ais::Message;
    use crate::ingest::ais::test_support::decode;

    fn slot(sentence: &str) -> super::BinarySlot {
        match decode(&[sentence]) {
            Message::BinarySlot(s) => s,
            other => panic!("not a slot binary message: {other:?}"),
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn type_25_addressed_unstructured_keeps_the_data() {
            let s = slot("!AIVDM,1,1,,A,I6SWo?8P00a3PKpEKEVj0?vNP<65,0*73");
            assert_eq!((s.header.msg_type, s.header.mmsi), (25, 440_006_460));
            assert_eq!((s.addressed, s.structured, s.dest_mmsi, s.app_id), (true, false, 134_218_384, 0));
            assert_eq!(s.data.len_bits, 98);
            assert_eq!(
                s.data.as_bytes(),
                [0xe0, 0x6f, 0x85, 0x5b, 0x56, 0x6c, 0x80, 0x3f, 0xe7, 0xa0, 0x30, 0x61, 0x40]
            );
        }

        #[test]
        fn type_26_structured_reads_the_application_id() {
            let s = slot("!AIVDM,1,1,,A,JB3R0GO7p>vQL8tjw0b5hqpd0706kh9d3lR2vbl0400,2*40");
            assert_eq!((s.header.msg_type, s.header.repeat, s.header.mmsi), (26, 1, 137_920_605));
            assert_eq!((s.addressed, s.structured, s.dest_mmsi, s.app_id), (true, true, 838_351_848, 23_587));
            assert_eq!(s.data.len_bits, 150);
        }
    }
}
