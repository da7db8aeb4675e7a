//! Fixed-length frames that open with a known start byte (Pelco-D's `0xFF`, Pelco-P's `0xA0`):
//! the buffering and resynchronisation both codecs' deframers share, so a fix to one is a fix
//! to both. The codecs judge a full candidate; this only collects and resyncs.

/// What one received byte did.
pub(crate) enum Step<'a, const N: usize> {
    /// Not inside a frame and not a start byte: thrown away.
    Skipped,
    /// Part of a frame still being collected.
    Partial,
    /// It completed an `N`-byte candidate that begins with the start byte: the caller checks it
    /// and then calls [`StartFramed::accept`] or [`StartFramed::reject`].
    Candidate(&'a [u8; N]),
}

/// Collects bytes into `N`-byte candidates that begin with `start`. Never allocates.
#[derive(Debug, Clone)]
pub(crate) struct StartFramed<const N: usize> {
    buf: [u8; N],
    len: usize,
    start: u8,
}

impl<const N: usize> StartFramed<N> {
    /// Empty, waiting for `start`.
    pub(crate) const fn new(start: u8) -> Self {
        StartFramed { buf: [0; N], len: 0, start }
    }

    /// Bytes held of a candidate not yet complete.
    pub(crate) const fn pending(&self) -> usize {
        self.len
    }

    /// Takes one received byte.
    pub(crate) fn push(&mut self, byte: u8) -> Step<'_, N> {
        if self.len == 0 && byte != self.start {
            return Step::Skipped;
        }
        // `len < N` here: a full buffer is always accepted or rejected before the next push.
        self.buf[self.len] = byte;
        self.len += 1;
        if self.len < N { Step::Partial } else { Step::Candidate(&self.buf) }
    }

    /// The candidate was a good frame: start afresh.
    pub(crate) fn accept(&mut self) {
        self.len = 0;
    }

    /// The candidate was bad: drop its start byte and keep everything from the next start byte
    /// inside it, which may open a real frame. Returns the bytes thrown away.
    pub(crate) fn reject(&mut self) -> u64 {
        match self.buf[1..self.len].iter().position(|&b| b == self.start) {
            Some(i) => {
                let skipped = i + 1;
                self.buf.copy_within(skipped..self.len, 0);
                self.len -= skipped;
                skipped as u64
            }
            None => std::mem::replace(&mut self.len, 0) as u64,
        }
    }
}
