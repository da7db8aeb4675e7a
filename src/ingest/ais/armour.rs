//! AIS 6-bit ASCII armour: payload characters → packed bits, and back (for tests and simulators).
//!
//! Each payload character carries six bits: subtract 48, and subtract 8 more when the result is 40
//! or above. The last character of a sentence may carry fill bits that are not part of the
//! message; the sentence's fill-bit field says how many.
//!
//! # References
//! ITU-R M.1371-5 Annex 8; IEC 61162-1 §8.3.1 (VDM encapsulation, 6-bit table).

/// Largest de-armoured payload, bits: gpsd's assembly buffer is 2048 bits, and a five-slot
/// message (1008 bits) fits comfortably, so longer payloads are corrupt.
pub const MAX_PAYLOAD_BITS: usize = 2048;

/// Why a fragment's armour could not be appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ArmourError {
    /// The assembled payload would exceed [`MAX_PAYLOAD_BITS`].
    #[error("payload longer than {MAX_PAYLOAD_BITS} bits")]
    TooLong,
    /// More fill bits than payload bits.
    #[error("fill bits exceed the payload")]
    BadFill,
}

/// The six-bit value of one armoured character, mapped exactly as gpsd maps it (no range check:
/// out-of-range characters keep their low six bits after the shift, as in gpsd).
#[inline]
pub fn sixbit_value(c: u8) -> u8 {
    let mut v = c.wrapping_sub(48);
    if v >= 40 {
        v = v.wrapping_sub(8);
    }
    v & 0x3F
}

/// The armour character for a six-bit value (inverse of [`sixbit_value`] on valid input).
#[inline]
pub fn armour_char(v: u8) -> u8 {
    let v = v & 0x3F;
    if v < 40 { v + 48 } else { v + 56 }
}

/// A de-armoured payload: packed bits, most significant bit first, and the number of valid bits.
///
/// Bits after `len_bits` up to the buffer end are kept as written (fill bits, then zeros),
/// because gpsd reads text and binary fields that run past the end from the same buffer.
#[derive(Clone)]
pub struct Payload {
    bytes: [u8; MAX_PAYLOAD_BITS / 8],
    len_bits: usize,
}

impl Default for Payload {
    fn default() -> Self {
        Payload { bytes: [0; MAX_PAYLOAD_BITS / 8], len_bits: 0 }
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payload({} bits)", self.len_bits)
    }
}

impl Payload {
    /// An empty payload.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget all bits (start of a new message).
    pub fn clear(&mut self) {
        let used = self.len_bits.div_ceil(8).min(self.bytes.len());
        // Fill bits can sit one byte past `len_bits`; clear generously rather than the whole buffer.
        let end = (used + 2).min(self.bytes.len());
        self.bytes[..end].fill(0);
        self.len_bits = 0;
    }

    /// Append one fragment's armoured characters, then drop `fill` bits from the end.
    ///
    /// Bits are OR-ed into the buffer, as gpsd does, so fill bits of an earlier fragment stay
    /// under the start of the next one.
    ///
    /// # Errors
    /// [`ArmourError::TooLong`] past [`MAX_PAYLOAD_BITS`]; [`ArmourError::BadFill`] when `fill`
    /// exceeds the bits held.
    pub fn append(&mut self, armoured: &[u8], fill: u8) -> Result<(), ArmourError> {
        if self.len_bits + armoured.len() * 6 > MAX_PAYLOAD_BITS {
            return Err(ArmourError::TooLong);
        }
        for &c in armoured {
            let v = u32::from(sixbit_value(c));
            let pos = self.len_bits;
            // Six bits land in at most two bytes.
            let word = v << (26 - (pos % 8)) >> 16; // 16-bit window aligned to the byte at pos/8
            let i = pos / 8;
            self.bytes[i] |= (word >> 8) as u8;
            if i + 1 < self.bytes.len() {
                self.bytes[i + 1] |= word as u8;
            }
            self.len_bits += 6;
        }
        let fill = usize::from(fill);
        if fill > self.len_bits {
            return Err(ArmourError::BadFill);
        }
        self.len_bits -= fill;
        Ok(())
    }

    /// Number of valid bits.
    pub fn len_bits(&self) -> usize {
        self.len_bits
    }

    /// The whole buffer, including bits past `len_bits`.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Armour `len_bits` bits of `bytes` into 6-bit characters; returns the fill-bit count.
/// The inverse of [`Payload::append`], for tests, simulators and fuzzing seeds.
pub fn armour(bytes: &[u8], len_bits: usize, out: &mut Vec<u8>) -> u8 {
    let chars = len_bits.div_ceil(6);
    for k in 0..chars {
        let mut v = 0u8;
        for b in 0..6 {
            let pos = k * 6 + b;
            let bit = if pos < len_bits { (bytes[pos / 8] >> (7 - pos % 8)) & 1 } else { 0 };
            v = v << 1 | bit;
        }
        out.push(armour_char(v));
    }
    (chars * 6 - len_bits) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    mod sixbit_value {
        use super::*;

        #[test]
        fn table_edges_map_as_itu_specifies() {
            assert_eq!(sixbit_value(b'0'), 0);
            assert_eq!(sixbit_value(b'W'), 39);
            assert_eq!(sixbit_value(b'`'), 40);
            assert_eq!(sixbit_value(b'w'), 63);
        }

        #[test]
        fn every_value_round_trips_through_its_character() {
            for v in 0..64u8 {
                assert_eq!(sixbit_value(armour_char(v)), v);
            }
        }
    }

    mod append {
        use super::*;

        #[test]
        fn fill_bits_shorten_the_payload() {
            let mut p = Payload::new();
            p.append(b"15M67FC000G?ufbE`FepT@3n00Sa", 0).unwrap();
            assert_eq!(p.len_bits(), 168);
            p.clear();
            p.append(b"1", 2).unwrap();
            assert_eq!(p.len_bits(), 4);
        }

        #[test]
        fn fill_larger_than_payload_is_rejected() {
            let mut p = Payload::new();
            assert_eq!(p.append(b"", 3), Err(ArmourError::BadFill));
        }

        #[test]
        fn overlong_payload_is_rejected() {
            let mut p = Payload::new();
            assert_eq!(p.append(&[b'0'; 342], 0), Err(ArmourError::TooLong));
        }
    }

    proptest::proptest! {
        #[test]
        fn armour_then_append_gives_the_same_bits(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..120), cut in 0usize..8) {
            let len_bits = (bytes.len() * 8).saturating_sub(cut);
            let mut text = Vec::new();
            let fill = armour(&bytes, len_bits, &mut text);
            let mut p = Payload::new();
            p.append(&text, fill).unwrap();
            proptest::prop_assert_eq!(p.len_bits(), len_bits);
            for pos in 0..len_bits {
                let want = (bytes[pos / 8] >> (7 - pos % 8)) & 1;
                let got = (p.bytes()[pos / 8] >> (7 - pos % 8)) & 1;
                proptest::prop_assert_eq!(got, want);
            }
        }
    }
}
