//! NMEA 4.0 tag blocks: `\s:station,c:unixtime,g:1-2-42*hh\` in front of a sentence.

use super::{NmeaError, checksum, hex_byte};

/// Sentence-grouping parameter `g:` — which line of a group this is, so multipart AIS
/// fragments from one receiver can be matched even when their sentences interleave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// 1-based index of this sentence in the group.
    pub index: u32,
    /// Number of sentences in the group.
    pub count: u32,
    /// Group identifier shared by all its sentences.
    pub id: u32,
}

/// The parsed parameters of a tag block that Seawarden uses; unknown parameters are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TagBlock<'a> {
    /// `s:` source / receiving station id.
    pub source: Option<&'a [u8]>,
    /// `c:` reception time, seconds since the Unix epoch (millisecond stamps are scaled down).
    pub unix_time_s: Option<f64>,
    /// `g:` sentence grouping.
    pub group: Option<Group>,
}

impl<'a> TagBlock<'a> {
    /// Parse the text between the two backslashes.
    ///
    /// # Errors
    /// [`NmeaError::BadTagBlock`] on a bad checksum or a malformed `c:`/`g:` value.
    pub fn parse(text: &'a [u8]) -> Result<Self, NmeaError> {
        let params = match memchr::memrchr(b'*', text) {
            Some(star) => {
                let expected = hex_byte(&text[star + 1..]).ok_or(NmeaError::BadTagBlock)?;
                if checksum(&text[..star]) != expected {
                    return Err(NmeaError::BadTagBlock);
                }
                &text[..star]
            }
            None => text,
        };
        let mut block = TagBlock::default();
        for param in params.split(|b| *b == b',').filter(|p| !p.is_empty()) {
            let (key, value) = match param {
                [k, b':', value @ ..] => (*k, value),
                _ => return Err(NmeaError::BadTagBlock),
            };
            match key {
                b's' => block.source = Some(value),
                b'c' => {
                    let t = parse_u64(value).ok_or(NmeaError::BadTagBlock)? as f64;
                    // Some receivers stamp milliseconds; no second count reaches 1e11 before 5138.
                    block.unix_time_s = Some(if t >= 1e11 { t / 1000.0 } else { t });
                }
                b'g' => block.group = Some(parse_group(value).ok_or(NmeaError::BadTagBlock)?),
                _ => {}
            }
        }
        Ok(block)
    }
}

fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, d| d.is_ascii_digit().then(|| acc * 10 + u64::from(d - b'0')))
}

fn parse_group(value: &[u8]) -> Option<Group> {
    let mut parts = value.split(|b| *b == b'-');
    let mut next = || parts.next().and_then(parse_u64).and_then(|v| u32::try_from(v).ok());
    Some(Group { index: next()?, count: next()?, id: next()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_time_and_group_are_parsed() {
        let tb = TagBlock::parse(b"g:1-2-73874,n:157036,s:r003669945,c:1241544035").unwrap();
        assert_eq!(tb.source, Some(&b"r003669945"[..]));
        assert_eq!(tb.unix_time_s, Some(1_241_544_035.0));
        assert_eq!(tb.group, Some(Group { index: 1, count: 2, id: 73874 }));
    }

    #[test]
    fn millisecond_stamps_become_seconds() {
        let tb = TagBlock::parse(b"c:1700000000123").unwrap();
        assert_eq!(tb.unix_time_s, Some(1_700_000_000.123));
    }

    #[test]
    fn bad_checksum_and_bad_values_are_errors() {
        assert_eq!(TagBlock::parse(b"s:abc*00"), Err(NmeaError::BadTagBlock));
        assert_eq!(TagBlock::parse(b"c:12x4"), Err(NmeaError::BadTagBlock));
        assert_eq!(TagBlock::parse(b"g:1-2"), Err(NmeaError::BadTagBlock));
        assert_eq!(TagBlock::parse(b"nocolon"), Err(NmeaError::BadTagBlock));
    }
}
