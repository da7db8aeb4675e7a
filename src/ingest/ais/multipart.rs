//! Multipart assembly: `!AIVDM` fragments → one de-armoured payload. Does no I/O.
//!
//! Two policies:
//! - [`Policy::Gpsd`]: what gpsd does and `seawarden decode` must match — one assembly per radio
//!   channel, fragments must arrive in order, a new fragment 1 discards an unfinished message,
//!   and the sequential message id and tag-block source are ignored.
//! - [`Policy::Keyed`]: for live feeds that interleave receivers — assemblies keyed by
//!   (channel, sequential id, tag-block source), fragments accepted in any order, unfinished
//!   assemblies dropped after a timeout.
//!
//! # References
//! IEC 61162-1 §8.3.1 (VDM fields: fragment count, number, sequential message id, channel);
//! ITU-R M.1371-5 Annex 8.

use super::armour::{ArmourError, Payload};

/// Most fragments a message may have (a five-slot message needs at most five sentences; nine is
/// the largest single-digit count).
pub const MAX_FRAGMENTS: usize = 9;

/// How fragments are matched up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Policy {
    /// gpsd-compatible: per channel, in order only.
    Gpsd,
    /// Keyed by (channel, sequential id, source), any order, dropped after `timeout_s`.
    Keyed {
        /// Seconds an unfinished assembly is kept.
        timeout_s: f64,
    },
}

/// One fragment, borrowed from its sentence.
#[derive(Debug, Clone, Copy)]
pub struct Fragment<'a> {
    /// Channel index (0 = A, 1 = B).
    pub channel: u8,
    /// Sequential message id, if the sentence had one.
    pub seq_id: Option<u8>,
    /// A hash of the tag-block source (0 when absent).
    pub source: u64,
    /// Total fragments in the message.
    pub total: u32,
    /// This fragment's 1-based number.
    pub index: u32,
    /// Armoured payload characters.
    pub data: &'a [u8],
    /// Fill bits at the end of this fragment.
    pub fill: u8,
    /// Reception time, seconds (for timeouts; any monotonic clock).
    pub time_s: f64,
}

/// Why a fragment did not (yet) complete a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssemblyError {
    /// A fragment arrived that continues no message in progress.
    #[error("orphan or out-of-order fragment")]
    Orphan,
    /// Fragment numbers out of range.
    #[error("bad fragment numbering")]
    BadNumbering,
    /// The armour could not be appended.
    #[error(transparent)]
    Armour(#[from] ArmourError),
}

#[derive(Debug, Default)]
struct Slot {
    in_use: bool,
    channel: u8,
    seq_id: Option<u8>,
    source: u64,
    total: u32,
    /// gpsd: fragments decoded so far; keyed: bitmask of fragments held.
    have: u32,
    started_s: f64,
    chars: [Vec<u8>; MAX_FRAGMENTS],
    fill: [u8; MAX_FRAGMENTS],
}

/// Collects fragments until a message is complete.
#[derive(Debug)]
pub struct Assembler {
    policy: Policy,
    slots: Vec<Slot>,
    /// One buffer per channel under [`Policy::Gpsd`]; the first is shared under `Keyed`.
    payloads: [Payload; 2],
    /// Assemblies dropped by timeout or for lack of room (keyed policy).
    pub expired: u64,
}

impl Assembler {
    /// An assembler with the given policy.
    pub fn new(policy: Policy) -> Self {
        let n = match policy {
            Policy::Gpsd => 2,
            Policy::Keyed { .. } => 16,
        };
        let mut slots = Vec::with_capacity(n);
        slots.resize_with(n, Slot::default);
        Assembler { policy, slots, payloads: [Payload::new(), Payload::new()], expired: 0 }
    }

    /// Feed one fragment; returns the payload when it completes a message.
    ///
    /// # Errors
    /// [`AssemblyError`] when the fragment is dropped.
    pub fn push(&mut self, f: &Fragment<'_>) -> Result<Option<&Payload>, AssemblyError> {
        match self.policy {
            Policy::Gpsd => self.push_gpsd(f),
            Policy::Keyed { timeout_s } => self.push_keyed(f, timeout_s),
        }
    }

    fn push_gpsd(&mut self, f: &Fragment<'_>) -> Result<Option<&Payload>, AssemblyError> {
        let slot = &mut self.slots[usize::from(f.channel.min(1))];
        if f.index != slot.have + 1 {
            if f.index != 1 {
                return Err(AssemblyError::Orphan);
            }
            slot.have = 0;
        }
        if f.index == 1 {
            self.payloads[usize::from(f.channel.min(1))].clear();
        }
        // gpsd appends each fragment as it arrives into one buffer per channel; so do we.
        let ch = usize::from(f.channel.min(1));
        if let Err(e) = self.payload_for(ch).append(f.data, f.fill) {
            self.slots[ch].have = 0;
            return Err(e.into());
        }
        let slot = &mut self.slots[ch];
        if f.index == f.total {
            slot.have = 0;
            return Ok(Some(self.payload_ref(ch)));
        }
        slot.have += 1;
        Ok(None)
    }

    fn payload_for(&mut self, ch: usize) -> &mut Payload {
        &mut self.payloads[ch]
    }

    fn payload_ref(&self, ch: usize) -> &Payload {
        &self.payloads[ch]
    }

    fn push_keyed(&mut self, f: &Fragment<'_>, timeout_s: f64) -> Result<Option<&Payload>, AssemblyError> {
        if f.total == 0 || f.index == 0 || f.index > f.total || f.total as usize > MAX_FRAGMENTS {
            return Err(AssemblyError::BadNumbering);
        }
        for s in self.slots.iter_mut().filter(|s| s.in_use && f.time_s - s.started_s > timeout_s) {
            s.in_use = false;
            self.expired += 1;
        }
        if f.total == 1 {
            self.payloads[0].clear();
            self.payloads[0].append(f.data, f.fill)?;
            return Ok(Some(&self.payloads[0]));
        }
        let found = self.slots.iter().position(|s| {
            s.in_use && s.channel == f.channel && s.seq_id == f.seq_id && s.source == f.source && s.total == f.total
        });
        let i = match found {
            Some(i) => i,
            None => {
                let i = match self.slots.iter().position(|s| !s.in_use) {
                    Some(i) => i,
                    None => {
                        // Evict the oldest assembly: the feed has outrun us.
                        self.expired += 1;
                        self.slots
                            .iter()
                            .enumerate()
                            .min_by(|a, b| a.1.started_s.total_cmp(&b.1.started_s))
                            .map_or(0, |(i, _)| i)
                    }
                };
                let s = &mut self.slots[i];
                s.in_use = true;
                s.channel = f.channel;
                s.seq_id = f.seq_id;
                s.source = f.source;
                s.total = f.total;
                s.have = 0;
                s.started_s = f.time_s;
                i
            }
        };
        let s = &mut self.slots[i];
        let k = (f.index - 1) as usize;
        s.chars[k].clear();
        s.chars[k].extend_from_slice(f.data);
        s.fill[k] = f.fill;
        s.have |= 1 << k;
        if s.have != (1u32 << s.total) - 1 {
            return Ok(None);
        }
        s.in_use = false;
        self.payloads[0].clear();
        for k in 0..s.total as usize {
            self.payloads[0].append(&s.chars[k], s.fill[k])?;
        }
        Ok(Some(&self.payloads[0]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(channel: u8, seq: u8, total: u32, index: u32, data: &'static [u8], t: f64) -> Fragment<'static> {
        Fragment { channel, seq_id: Some(seq), source: 0, total, index, data, fill: 0, time_s: t }
    }

    mod gpsd {
        use super::*;

        #[test]
        fn in_order_fragments_complete_the_message() {
            let mut a = Assembler::new(Policy::Gpsd);
            assert_eq!(a.push(&frag(0, 1, 2, 1, b"11", 0.0)).unwrap().map(|p| p.len_bits()), None);
            assert_eq!(a.push(&frag(0, 1, 2, 2, b"1", 0.0)).unwrap().map(|p| p.len_bits()), Some(18));
        }

        #[test]
        fn second_fragment_without_first_is_an_orphan() {
            let mut a = Assembler::new(Policy::Gpsd);
            assert_eq!(a.push(&frag(0, 1, 2, 2, b"1", 0.0)).unwrap_err(), AssemblyError::Orphan);
        }

        #[test]
        fn a_new_first_fragment_restarts_the_message() {
            let mut a = Assembler::new(Policy::Gpsd);
            a.push(&frag(0, 1, 2, 1, b"1111", 0.0)).unwrap();
            a.push(&frag(0, 2, 2, 1, b"11", 0.0)).unwrap();
            assert_eq!(a.push(&frag(0, 2, 2, 2, b"1", 0.0)).unwrap().map(|p| p.len_bits()), Some(18));
        }
    }

    mod keyed {
        use super::*;

        const KEYED: Policy = Policy::Keyed { timeout_s: 10.0 };

        #[test]
        fn out_of_order_fragments_still_assemble() {
            let mut a = Assembler::new(KEYED);
            assert!(a.push(&frag(0, 3, 2, 2, b"1", 0.0)).unwrap().is_none());
            assert_eq!(a.push(&frag(0, 3, 2, 1, b"11", 0.0)).unwrap().map(|p| p.len_bits()), Some(18));
        }

        #[test]
        fn interleaved_channels_do_not_mix() {
            let mut a = Assembler::new(KEYED);
            assert!(a.push(&frag(0, 3, 2, 1, b"11", 0.0)).unwrap().is_none());
            assert!(a.push(&frag(1, 3, 2, 1, b"1111", 0.0)).unwrap().is_none());
            assert_eq!(a.push(&frag(1, 3, 2, 2, b"1", 0.0)).unwrap().map(|p| p.len_bits()), Some(30));
            assert_eq!(a.push(&frag(0, 3, 2, 2, b"1", 0.0)).unwrap().map(|p| p.len_bits()), Some(18));
        }

        #[test]
        fn a_stale_half_times_out_and_a_missing_fragment_never_completes() {
            let mut a = Assembler::new(KEYED);
            assert!(a.push(&frag(0, 4, 2, 1, b"11", 0.0)).unwrap().is_none());
            assert!(a.push(&frag(0, 4, 2, 2, b"1", 30.0)).unwrap().is_none());
            assert_eq!(a.expired, 1);
        }
    }
}
