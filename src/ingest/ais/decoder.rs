//! [`Decoder`]: lines in, messages out, with gpsd 3.22's acceptance rules.

use super::multipart::{Assembler, AssemblyError, Fragment, Policy};
use super::static_data::Part;
use super::{AisError, BitReader, Message, Text};

/// Longest sentence gpsd's AIVDM driver accepts, bytes including the line ending.
const GPSD_MAX_SENTENCE: usize = 204;
/// Type-24 part A names remembered per channel, waiting for their part B (gpsd's queue size).
const TYPE24_QUEUE: usize = 8;

/// Why a line produced no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectReason {
    /// Not an AIS sentence (`!xxVDM`/`!xxVDO`), non-printable bytes, or too few fields.
    Framing,
    /// The `*hh` checksum did not match.
    Checksum,
    /// Sentence longer than gpsd accepts.
    TooLong,
    /// Channel C (secure AIS), `12`, or unknown.
    Channel,
    /// A fragment that continues no message in progress.
    OrphanFragment,
    /// Fill bits exceed the payload.
    BadFill,
    /// Assembled payload longer than 2048 bits.
    TruncatedPayload,
    /// Unknown message type (0, 28–63) or type-24 part 2/3.
    Unsupported,
    /// Payload length wrong for its message type.
    BadLength,
}

/// Per-reason counts of rejected lines, plus totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecodeStats {
    /// Lines seen.
    pub lines: u64,
    /// Fragments accepted into an assembly (including single-fragment messages).
    pub fragments: u64,
    /// Messages decoded.
    pub messages: u64,
    /// Not AIS / malformed.
    pub framing: u64,
    /// Bad checksum.
    pub checksum: u64,
    /// Over-long sentence.
    pub too_long: u64,
    /// Bad channel.
    pub channel: u64,
    /// Orphan or out-of-order fragment.
    pub orphan_fragment: u64,
    /// Bad fill bits.
    pub bad_fill: u64,
    /// Payload over the assembly buffer.
    pub truncated_payload: u64,
    /// Unsupported message type.
    pub unsupported: u64,
    /// Payload length wrong for the type.
    pub bad_length: u64,
}

impl DecodeStats {
    fn count(&mut self, r: RejectReason) {
        let c = match r {
            RejectReason::Framing => &mut self.framing,
            RejectReason::Checksum => &mut self.checksum,
            RejectReason::TooLong => &mut self.too_long,
            RejectReason::Channel => &mut self.channel,
            RejectReason::OrphanFragment => &mut self.orphan_fragment,
            RejectReason::BadFill => &mut self.bad_fill,
            RejectReason::TruncatedPayload => &mut self.truncated_payload,
            RejectReason::Unsupported => &mut self.unsupported,
            RejectReason::BadLength => &mut self.bad_length,
        };
        *c += 1;
    }

    /// Lines rejected for any reason.
    pub fn rejected(&self) -> u64 {
        self.framing
            + self.checksum
            + self.too_long
            + self.channel
            + self.orphan_fragment
            + self.bad_fill
            + self.truncated_payload
            + self.unsupported
            + self.bad_length
    }
}

impl std::fmt::Display for DecodeStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "lines: {}, fragments: {}, messages: {}, rejected: {}",
            self.lines,
            self.fragments,
            self.messages,
            self.rejected()
        )?;
        for (name, n) in [
            ("framing (not AIS / malformed)", self.framing),
            ("checksum", self.checksum),
            ("sentence too long", self.too_long),
            ("channel (C, 12 or unknown)", self.channel),
            ("orphan/out-of-order fragment", self.orphan_fragment),
            ("bad fill bits", self.bad_fill),
            ("truncated/over-long payload", self.truncated_payload),
            ("unsupported message type", self.unsupported),
            ("bad length for type", self.bad_length),
        ] {
            writeln!(f, "  {name}: {n}")?;
        }
        Ok(())
    }
}

/// Turns NMEA lines into AIS messages: framing, gpsd-compatible acceptance, multipart assembly
/// and decoding, reusing its buffers so the steady state allocates nothing.
#[derive(Debug)]
pub struct Decoder {
    assembler: Assembler,
    message: Option<Message>,
    stats: DecodeStats,
    /// Per channel: (mmsi, name) ring of type-24 part A names.
    type24: [[(u32, Text<20>); TYPE24_QUEUE]; 2],
    type24_next: [usize; 2],
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

/// C `atoi`: optional whitespace and sign, then digits, stopping at the first non-digit.
fn atoi(s: &[u8]) -> i64 {
    let s = s.trim_ascii_start();
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for &d in digits.iter().take_while(|d| d.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(d - b'0'));
    }
    if neg { -v } else { v }
}

const TALKERS: [&[u8; 2]; 10] = [b"AB", b"AD", b"AI", b"AN", b"AR", b"AS", b"AT", b"AX", b"BS", b"SA"];

impl Decoder {
    /// A decoder with gpsd-compatible multipart handling.
    pub fn new() -> Self {
        Self::with_policy(Policy::Gpsd)
    }

    /// A decoder with the given multipart policy (use [`Policy::Keyed`] for merged live feeds).
    pub fn with_policy(policy: Policy) -> Self {
        Decoder {
            assembler: Assembler::new(policy),
            message: None,
            stats: DecodeStats::default(),
            type24: [[(0, Text::default()); TYPE24_QUEUE]; 2],
            type24_next: [0; 2],
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> &DecodeStats {
        &self.stats
    }

    /// One input line (with or without line ending). Returns the message it completed, if any;
    /// rejected lines are counted in [`stats`](Self::stats), never panic.
    pub fn push_line(&mut self, line: &[u8]) -> Option<&Message> {
        self.stats.lines += 1;
        match self.accept(line, 0.0) {
            Ok(true) => {
                self.stats.messages += 1;
                self.message.as_ref()
            }
            Ok(false) => None,
            Err(r) => {
                self.stats.count(r);
                None
            }
        }
    }

    /// Like [`push_line`](Self::push_line), with a reception time for keyed-assembly timeouts.
    pub fn push_line_at(&mut self, line: &[u8], time_s: f64) -> Option<&Message> {
        self.stats.lines += 1;
        match self.accept(line, time_s) {
            Ok(true) => {
                self.stats.messages += 1;
                self.message.as_ref()
            }
            Ok(false) => None,
            Err(r) => {
                self.stats.count(r);
                None
            }
        }
    }

    /// Ok(true): a message is ready in `self.message`.
    fn accept(&mut self, line: &[u8], time_s: f64) -> Result<bool, RejectReason> {
        // gpsd's lexer discards everything before the '!' (tag blocks included).
        // A '#' before it starts a comment line, which gpsd skips whole.
        let bang = memchr::memchr2(b'!', b'#', line).ok_or(RejectReason::Framing)?;
        if line[bang] == b'#' {
            return Err(RejectReason::Framing);
        }
        let tag = &line[..bang];
        let raw = &line[bang..];
        let sentence = raw.trim_ascii_end();
        if sentence.iter().any(|b| !(0x20..=0x7E).contains(b)) {
            return Err(RejectReason::Framing);
        }
        if sentence.len() < 7
            || !TALKERS.iter().any(|t| &sentence[1..3] == *t)
            || &sentence[3..5] != b"VD"
            || !matches!(sentence[5], b'M' | b'O')
            || sentence[6] != b','
        {
            return Err(RejectReason::Framing);
        }
        // Checksum as gpsd checks it: back over trailing upper-case hex digits; only if a '*'
        // precedes them is there a checksum to verify (lower-case hex is therefore unchecked).
        let mut end = sentence.len() - 1;
        while end > 0 && matches!(sentence[end], b'0'..=b'9' | b'A'..=b'F') {
            end -= 1;
        }
        if sentence[end] == b'*' {
            let crc = sentence[1..end].iter().fold(0u8, |a, b| a ^ b);
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            let hi = sentence.get(end + 1).map(u8::to_ascii_uppercase);
            let lo = sentence.get(end + 2).map(u8::to_ascii_uppercase);
            if hi != Some(HEX[usize::from(crc >> 4)]) || lo != Some(HEX[usize::from(crc & 15)]) {
                return Err(RejectReason::Checksum);
            }
        }
        if raw.len() > GPSD_MAX_SENTENCE {
            return Err(RejectReason::TooLong);
        }
        let mut fields: [&[u8]; 8] = [b""; 8];
        let mut n = 0;
        for f in sentence.split(|b| *b == b',' || *b == b'*') {
            if n < fields.len() {
                fields[n] = f;
            }
            n += 1;
        }
        if n < 7 {
            return Err(RejectReason::Framing);
        }
        let channel = match fields[4].first() {
            None => 0,
            Some(b'1') if fields[4] == b"12" => return Err(RejectReason::Channel),
            Some(b'1' | b'A') => 0,
            Some(b'2' | b'B') => 1,
            _ => return Err(RejectReason::Channel),
        };
        let total = atoi(fields[1]);
        let index = atoi(fields[2]);
        let fill = match fields[6].first() {
            Some(d @ b'0'..=b'9') => d - b'0',
            _ => 0,
        };
        let seq_id = match fields[3] {
            [d @ b'0'..=b'9'] => Some(d - b'0'),
            _ => None,
        };
        let source = source_hash(tag);
        let frag = Fragment {
            channel,
            seq_id,
            source,
            total: u32::try_from(total).unwrap_or(u32::MAX),
            index: u32::try_from(index).unwrap_or(u32::MAX),
            data: fields[5],
            fill,
            time_s,
        };
        let payload = match self.assembler.push(&frag) {
            Ok(Some(p)) => p,
            Ok(None) => {
                self.stats.fragments += 1;
                return Ok(false);
            }
            Err(AssemblyError::Orphan | AssemblyError::BadNumbering) => return Err(RejectReason::OrphanFragment),
            Err(AssemblyError::Armour(super::armour::ArmourError::BadFill)) => return Err(RejectReason::BadFill),
            Err(AssemblyError::Armour(super::armour::ArmourError::TooLong)) => {
                return Err(RejectReason::TruncatedPayload);
            }
        };
        self.stats.fragments += 1;
        let r = BitReader::new(payload.bytes(), payload.len_bits());
        let mut msg = Message::decode(&r).map_err(|e| match e {
            AisError::Unsupported { .. } => RejectReason::Unsupported,
            AisError::TooShort { .. } | AisError::BadLength { .. } => RejectReason::BadLength,
        })?;
        if let Message::StaticData(m) = &mut msg {
            self.pair_type24(usize::from(channel), m);
        }
        self.message = Some(msg);
        Ok(true)
    }

    /// gpsd remembers part A names and merges them into the matching part B.
    fn pair_type24(&mut self, ch: usize, m: &mut super::static_data::StaticData) {
        match m.part {
            Part::A => {
                let i = self.type24_next[ch];
                self.type24[ch][i] = (m.header.mmsi, m.shipname);
                self.type24_next[ch] = (i + 1) % TYPE24_QUEUE;
            }
            Part::B | Part::Both => {
                if let Some(slot) = self.type24[ch].iter_mut().find(|(mmsi, _)| *mmsi == m.header.mmsi) {
                    m.shipname = slot.1;
                    slot.0 = 0;
                    m.part = Part::Both;
                }
            }
        }
    }
}

fn source_hash(tag: &[u8]) -> u64 {
    // FNV-1a over the `s:` value of a tag block; 0 without one.
    let Some(start) = memchr::memmem::find(tag, b"s:") else { return 0 };
    let v = &tag[start + 2..];
    let v = &v[..v.iter().position(|b| matches!(b, b',' | b'*' | b'\\')).unwrap_or(v.len())];
    v.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    mod push_line {
        use super::*;

        #[test]
        fn bad_checksum_is_counted_not_decoded() {
            let mut d = Decoder::new();
            assert!(d.push_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B").is_none());
            assert_eq!(d.stats().checksum, 1);
        }

        #[test]
        fn missing_checksum_is_accepted_as_gpsd_does() {
            let mut d = Decoder::new();
            assert!(d.push_line(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0\n").is_some());
        }

        #[test]
        fn channel_c_is_rejected() {
            let mut d = Decoder::new();
            assert!(d.push_line(b"!AIVDM,1,1,,C,15RTgt0PAso;90TKcjM8h6g208CQ,0").is_none());
            assert_eq!(d.stats().channel, 1);
        }

        #[test]
        fn non_ais_sentences_are_framing_errors() {
            let mut d = Decoder::new();
            assert!(d.push_line(b"$GPGGA,1,2*00").is_none());
            assert!(d.push_line(b"garbage").is_none());
            assert_eq!(d.stats().framing, 2);
        }

        #[test]
        fn tag_block_is_skipped() {
            let mut d = Decoder::new();
            let m = d.push_line(b"\\s:2573345,c:1671620143*0E\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
            assert_eq!(m.map(|m| m.header().mmsi), Some(371_798_000));
        }

        #[test]
        fn stats_display_lists_every_reason() {
            let text = Decoder::new().stats().to_string();
            assert!(text.contains("checksum: 0"), "{text}");
        }
    }
}
