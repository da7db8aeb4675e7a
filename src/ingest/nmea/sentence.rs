//! One NMEA line → one borrowed, checksum-checked [`Sentence`].

use super::{MAX_LINE_LEN, NmeaError, TagBlock, checksum, hex_byte};

/// Whether the sentence carried a checksum. Both are accepted by the framer: some radars and
/// older AIS receivers omit it, and the caller decides whether that is good enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// A `*hh` field was present and matched the body.
    Valid(u8),
    /// No `*hh` field at all.
    Absent,
}

/// A framed sentence borrowed from its line: `$` or `!`, address, comma-separated body, checksum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentence<'a> {
    /// The NMEA 4.0 tag block in front of the sentence, if any.
    pub tag_block: Option<TagBlock<'a>>,
    /// `b'$'` for parametric sentences, `b'!'` for encapsulated ones (AIS).
    pub start: u8,
    /// The address field: talker + formatter (`AIVDM`, `RATTM`) or a proprietary `P…` address.
    pub address: &'a [u8],
    /// Everything after the address comma up to (not including) `*`.
    pub body: &'a [u8],
    /// Checksum status.
    pub checksum: Checksum,
}

impl<'a> Sentence<'a> {
    /// The two-letter talker id (`AI`, `RA`, `GP`), or the whole address when it is shorter.
    pub fn talker(&self) -> &'a [u8] {
        &self.address[..self.address.len().min(2)]
    }

    /// The sentence formatter: the last three letters of the address (`VDM`, `TTM`, `GGA`).
    pub fn formatter(&self) -> &'a [u8] {
        &self.address[self.address.len().saturating_sub(3)..]
    }

    /// The comma-separated data fields after the address; empty fields are empty slices.
    pub fn fields(&self) -> Fields<'a> {
        Fields { rest: Some(self.body) }
    }
}

/// Iterator over a sentence's comma-separated fields, borrowing from the line.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match memchr::memchr(b',', rest) {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Parse one line (with or without its line ending) into a [`Sentence`].
///
/// Leading bytes before the tag block or start character are skipped, because serial links
/// often deliver a torn first line; everything after the checksum except whitespace is an error.
///
/// # Errors
/// An [`NmeaError`] naming the first thing wrong with the line.
///
/// # Examples
/// ```
/// use seawarden::ingest::nmea::{parse_line, Checksum};
/// let s = parse_line(b"!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C\r\n").unwrap();
/// assert_eq!(s.address, b"AIVDM");
/// assert_eq!(s.checksum, Checksum::Valid(0x5C));
/// assert_eq!(s.fields().nth(4), Some(&b"15M67FC000G?ufbE`FepT@3n00Sa"[..]));
/// ```
pub fn parse_line(line: &[u8]) -> Result<Sentence<'_>, NmeaError> {
    let line = line.trim_ascii();
    if line.is_empty() {
        return Err(NmeaError::Empty);
    }
    if line.len() > MAX_LINE_LEN {
        return Err(NmeaError::TooLong);
    }
    let first = memchr::memchr3(b'\\', b'$', b'!', line).ok_or(NmeaError::NoStart)?;
    let mut rest = &line[first..];
    let tag_block = if rest[0] == b'\\' {
        let end = memchr::memchr(b'\\', &rest[1..]).ok_or(NmeaError::BadTagBlock)? + 1;
        let block = TagBlock::parse(&rest[1..end])?;
        rest = &rest[end + 1..];
        Some(block)
    } else {
        None
    };
    let start = *rest.first().ok_or(NmeaError::NoStart)?;
    if start != b'$' && start != b'!' {
        return Err(NmeaError::NoStart);
    }
    let rest = &rest[1..];
    let (content, checksum) = match memchr::memrchr(b'*', rest) {
        Some(star) => {
            let field = rest[star + 1..].trim_ascii_end();
            let expected = hex_byte(field).ok_or(NmeaError::BadChecksumField)?;
            let content = &rest[..star];
            let computed = checksum(content);
            if computed != expected {
                return Err(NmeaError::Checksum { expected, computed });
            }
            (content, Checksum::Valid(expected))
        }
        None => (rest, Checksum::Absent),
    };
    if content.iter().any(|b| !(0x20..=0x7E).contains(b)) {
        return Err(NmeaError::NonPrintable);
    }
    let comma = memchr::memchr(b',', content).ok_or(NmeaError::BadAddress)?;
    let address = &content[..comma];
    if address.is_empty() || !address.iter().all(u8::is_ascii_alphanumeric) {
        return Err(NmeaError::BadAddress);
    }
    Ok(Sentence { tag_block, start, address, body: &content[comma + 1..], checksum })
}

/// Iterator over the sentences in a buffer of newline-separated lines; blank lines are skipped.
///
/// Each item is the 1-based line number and the parse result, so callers can count and report
/// bad lines without losing their place.
#[derive(Debug, Clone)]
pub struct Sentences<'a> {
    lines: std::iter::Enumerate<std::slice::Split<'a, u8, fn(&u8) -> bool>>,
}

impl<'a> Sentences<'a> {
    /// Iterate the lines of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        let is_newline: fn(&u8) -> bool = |b| *b == b'\n';
        Sentences { lines: buf.split(is_newline).enumerate() }
    }
}

impl<'a> Iterator for Sentences<'a> {
    type Item = (usize, Result<Sentence<'a>, NmeaError>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (i, line) = self.lines.next()?;
            if line.trim_ascii().is_empty() {
                continue;
            }
            return Some((i + 1, parse_line(line)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod parse_line {
        use super::*;

        #[test]
        fn radar_sentence_without_checksum_is_absent_not_error() {
            let s = parse_line(b"$RATTM,11,2.3,45.0,T,12.0,90.0,T,0.1,5.0,N,,T,,,A").unwrap();
            assert_eq!(s.checksum, Checksum::Absent);
            assert_eq!(s.talker(), b"RA");
            assert_eq!(s.formatter(), b"TTM");
            assert_eq!(s.fields().count(), 15);
        }

        #[test]
        fn wrong_checksum_is_rejected_with_both_values() {
            let e = parse_line(b"!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5D").unwrap_err();
            assert_eq!(e, NmeaError::Checksum { expected: 0x5D, computed: 0x5C });
        }

        #[test]
        fn leading_garbage_is_skipped() {
            let s = parse_line(b"\x00\xffgarbage!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C").unwrap();
            assert_eq!(s.address, b"AIVDM");
        }

        #[test]
        fn tag_block_is_split_off_and_parsed() {
            let s = parse_line(b"\\s:2573345,c:1671620143*0E\\!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C")
                .unwrap();
            let tb = s.tag_block.unwrap();
            assert_eq!(tb.source, Some(&b"2573345"[..]));
            assert_eq!(tb.unix_time_s, Some(1_671_620_143.0));
        }

        #[test]
        fn truncated_checksum_is_malformed() {
            assert_eq!(parse_line(b"$GPGGA,1*4").unwrap_err(), NmeaError::BadChecksumField);
        }

        #[test]
        fn missing_start_and_address_are_distinct_errors() {
            assert_eq!(parse_line(b"hello").unwrap_err(), NmeaError::NoStart);
            assert_eq!(parse_line(b"$GPGGA").unwrap_err(), NmeaError::BadAddress);
            assert_eq!(parse_line(b"  \r\n").unwrap_err(), NmeaError::Empty);
        }

        #[test]
        fn control_bytes_inside_the_sentence_are_rejected() {
            assert_eq!(parse_line(b"$GPGGA,1\x072").unwrap_err(), NmeaError::NonPrintable);
        }

        #[test]
        fn over_long_line_is_rejected_before_scanning() {
            let mut line = b"$GPTXT,".to_vec();
            line.resize(MAX_LINE_LEN + 1, b'A');
            assert_eq!(parse_line(&line).unwrap_err(), NmeaError::TooLong);
        }
    }

    #[test]
    fn sentences_number_lines_and_skip_blanks() {
        let buf = b"$GPHDT,90.0,T\n\n$GPHDT,91.0,T*00\nnoise\n";
        let got: Vec<_> = Sentences::new(buf).map(|(n, r)| (n, r.is_ok())).collect();
        assert_eq!(got, vec![(1, true), (3, false), (4, false)]);
    }

    proptest::proptest! {
        #[test]
        fn parse_line_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = parse_line(&bytes);
        }

        #[test]
        fn any_printable_body_round_trips_with_its_checksum(body in "[A-Z]{5}(,[ -)+-~&&[^*!$\\\\]]{0,12}){1,6}") {
            let line = format!("${body}*{:02X}", checksum(body.as_bytes()));
            let s = parse_line(line.as_bytes()).unwrap();
            proptest::prop_assert_eq!(s.address, &body.as_bytes()[..5]);
            proptest::prop_assert_eq!(s.checksum, Checksum::Valid(checksum(body.as_bytes())));
        }
    }
}
