//! Random-access bit fields over a de-armoured AIS payload.
//!
//! Message layouts in ITU-R M.1371 are tables of (start bit, width); reading by absolute
//! position keeps each decoder a line-by-line transcription of its table.
//!
//! # References
//! ITU-R M.1371-5 Annex 8 §3 (bit order: most significant bit first), Table 47 (6-bit ASCII).

/// The 6-bit ASCII alphabet of ITU-R M.1371 Table 47; `@` is "no character".
const SIXBIT_ASCII: &[u8; 64] = b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

/// Reads unsigned, signed and text fields by bit position. Reads past the buffer give zero bits,
/// so a short message decodes like gpsd's zero-initialised buffer instead of panicking.
#[derive(Debug, Clone, Copy)]
pub struct BitReader<'a> {
    bytes: &'a [u8],
    len_bits: usize,
}

impl<'a> BitReader<'a> {
    /// A reader over `bytes`, of which the first `len_bits` bits are the message.
    pub fn new(bytes: &'a [u8], len_bits: usize) -> Self {
        BitReader { bytes, len_bits }
    }

    /// Number of valid message bits.
    pub fn len_bits(&self) -> usize {
        self.len_bits
    }

    /// The raw buffer (valid bits and whatever follows them).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    #[inline]
    fn byte(&self, i: usize) -> u64 {
        self.bytes.get(i).copied().map_or(0, u64::from)
    }

    /// Unsigned field of `width` ≤ 64 bits starting at bit `start`.
    #[inline]
    pub fn u(&self, start: usize, width: usize) -> u64 {
        debug_assert!(width <= 64);
        if width == 0 {
            return 0;
        }
        let mut v: u64 = 0;
        let mut pos = start;
        let mut left = width;
        while left > 0 {
            let bit_in_byte = pos % 8;
            let take = (8 - bit_in_byte).min(left);
            let b = self.byte(pos / 8);
            let chunk = (b >> (8 - bit_in_byte - take)) & ((1u64 << take) - 1);
            v = if take == 64 { chunk } else { (v << take) | chunk };
            pos += take;
            left -= take;
        }
        v
    }

    /// Unsigned field as `u32` (widths ≤ 32).
    #[inline]
    pub fn u32(&self, start: usize, width: usize) -> u32 {
        self.u(start, width.min(32)) as u32
    }

    /// Two's-complement signed field of `width` ≤ 64 bits.
    #[inline]
    pub fn i(&self, start: usize, width: usize) -> i64 {
        let v = self.u(start, width);
        if width == 0 || width == 64 {
            return v as i64;
        }
        let sign = 1u64 << (width - 1);
        ((v ^ sign) as i64) - (sign as i64)
    }

    /// Signed field as `i32` (widths ≤ 32).
    #[inline]
    pub fn i32(&self, start: usize, width: usize) -> i32 {
        self.i(start, width.min(32)) as i32
    }

    /// Boolean flag at bit `start`.
    #[inline]
    pub fn flag(&self, start: usize) -> bool {
        self.u(start, 1) != 0
    }

    /// Up to `count` 6-bit characters from `start`, stopping at the first `@`, without trimming.
    pub fn text_untrimmed<const N: usize>(&self, start: usize, count: usize, out: &mut Text<N>) {
        out.clear();
        for k in 0..count.min(N) {
            let c = SIXBIT_ASCII[self.u(start + 6 * k, 6) as usize];
            if c == b'@' {
                break;
            }
            out.push(c);
        }
    }

    /// Text as gpsd decodes it: stop at the first `@`, then trim trailing spaces and `@`.
    pub fn text<const N: usize>(&self, start: usize, count: usize, out: &mut Text<N>) {
        self.text_untrimmed(start, count, out);
        out.trim_end();
    }

    /// Text filling the rest of the message: `(len_bits - start) / 6` characters.
    pub fn text_to_end<const N: usize>(&self, start: usize, out: &mut Text<N>) {
        let count = self.len_bits.saturating_sub(start) / 6;
        self.text(start, count, out);
    }
}

/// A short inline string (6-bit ASCII decoded), so decoded messages hold text without allocating.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text<const N: usize> {
    len: u16,
    bytes: [u8; N],
}

impl<const N: usize> Default for Text<N> {
    fn default() -> Self {
        Text { len: 0, bytes: [0; N] }
    }
}

impl<const N: usize> Text<N> {
    /// Empty text.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Append one byte if there is room (longer input is truncated, as in gpsd's fixed buffers).
    pub fn push(&mut self, c: u8) {
        if usize::from(self.len) < N {
            self.bytes[usize::from(self.len)] = c;
            self.len += 1;
        }
    }

    /// Drop trailing spaces and `@`.
    pub fn trim_end(&mut self) {
        while self.len > 0 && matches!(self.bytes[usize::from(self.len) - 1], b' ' | b'@') {
            self.len -= 1;
        }
    }

    /// The text; always ASCII.
    pub fn as_str(&self) -> &str {
        // Only bytes from SIXBIT_ASCII (printable ASCII) are ever pushed by the decoders; fall
        // back to empty rather than panic if a caller pushed something else.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }

    /// Number of characters.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> std::fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl<const N: usize> PartialEq<&str> for Text<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Minimal MSB-first writer, the inverse of [`BitReader`].
    struct BitWriter {
        bytes: Vec<u8>,
        len: usize,
    }
    impl BitWriter {
        fn new() -> Self {
            BitWriter { bytes: Vec::new(), len: 0 }
        }
        fn put(&mut self, v: u64, width: usize) {
            for k in (0..width).rev() {
                if self.len % 8 == 0 {
                    self.bytes.push(0);
                }
                let bit = ((v >> k) & 1) as u8;
                let last = self.bytes.len() - 1;
                self.bytes[last] |= bit << (7 - self.len % 8);
                self.len += 1;
            }
        }
    }

    mod u {
        use super::*;

        #[test]
        fn reads_across_byte_boundaries() {
            let r = BitReader::new(&[0b1010_1100, 0b0101_0011], 16);
            assert_eq!(r.u(0, 1), 1);
            assert_eq!(r.u(4, 8), 0b1100_0101);
            assert_eq!(r.u(0, 16), 0xAC53);
        }

        #[test]
        fn reads_past_the_end_are_zero() {
            let r = BitReader::new(&[0xFF], 8);
            assert_eq!(r.u(4, 8), 0xF0);
        }
    }

    mod i {
        use super::*;

        #[test]
        fn negative_values_are_sign_extended() {
            let r = BitReader::new(&[0b1000_0000], 8);
            assert_eq!(r.i(0, 8), -128);
            assert_eq!(r.i(0, 1), -1);
        }
    }

    mod text {
        use super::*;

        #[test]
        fn stops_at_at_sign_and_trims_trailing_spaces() {
            let mut w = BitWriter::new();
            for c in [1u64, 2, 32, 32, 0, 3] {
                w.put(c, 6); // "AB  @C"
            }
            let r = BitReader::new(&w.bytes, w.len);
            let mut t = Text::<20>::default();
            r.text(0, 6, &mut t);
            assert_eq!(t, "AB");
            r.text_untrimmed(0, 6, &mut t);
            assert_eq!(t, "AB  ");
        }
    }

    proptest::proptest! {
        #[test]
        fn written_fields_read_back(fields in proptest::collection::vec((proptest::num::u64::ANY, 1usize..=64), 1..20)) {
            let mut w = BitWriter::new();
            let mut at = Vec::new();
            for &(v, width) in &fields {
                at.push(w.len);
                w.put(v, width);
            }
            let r = BitReader::new(&w.bytes, w.len);
            for (&(v, width), &start) in fields.iter().zip(&at) {
                let mask = if width == 64 { u64::MAX } else { (1u64 << width) - 1 };
                proptest::prop_assert_eq!(r.u(start, width), v & mask);
                let signed = r.i(start, width);
                let back = (signed as u64) & mask;
                proptest::prop_assert_eq!(back, v & mask);
            }
        }
    }
}
