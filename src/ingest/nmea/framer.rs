//! Streaming framer: arbitrary byte chunks from a socket or serial port → complete lines.

use super::{MAX_LINE_LEN, NmeaError};

/// Turns a byte stream into lines, so a sentence split across two reads is never parsed half.
///
/// A line longer than [`MAX_LINE_LEN`] is discarded up to its newline and reported once as
/// [`NmeaError::TooLong`]; the buffer never grows past the cap, whatever the peer sends.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Start of the unread part of `buf`.
    read: usize,
    /// True while discarding the tail of an over-long line.
    skipping: bool,
}

impl Framer {
    /// An empty framer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append bytes as they arrive.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.read > 0 && self.read == self.buf.len() {
            self.buf.clear();
            self.read = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete line (without `\r\n`), an over-length report, or `None` until more bytes
    /// arrive.
    pub fn next_line(&mut self) -> Option<Result<&[u8], NmeaError>> {
        loop {
            let pending = &self.buf[self.read..];
            match memchr::memchr(b'\n', pending) {
                Some(nl) => {
                    let start = self.read;
                    self.read += nl + 1;
                    if std::mem::take(&mut self.skipping) {
                        continue;
                    }
                    if nl > MAX_LINE_LEN {
                        return Some(Err(NmeaError::TooLong));
                    }
                    let line = &self.buf[start..start + nl];
                    return Some(Ok(line.strip_suffix(b"\r").unwrap_or(line)));
                }
                None => {
                    self.compact();
                    if self.buf.len() > MAX_LINE_LEN {
                        self.buf.clear();
                        let report = !self.skipping;
                        self.skipping = true;
                        return report.then_some(Err(NmeaError::TooLong));
                    }
                    return None;
                }
            }
        }
    }

    /// Bytes of an incomplete line still held (a partial last line at end of stream).
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.read..]
    }

    fn compact(&mut self) {
        if self.read > 0 {
            self.buf.drain(..self.read);
            self.read = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(f: &mut Framer) -> Vec<Result<Vec<u8>, NmeaError>> {
        std::iter::from_fn(|| f.next_line().map(|r| r.map(<[u8]>::to_vec))).collect()
    }

    #[test]
    fn a_line_split_across_pushes_comes_out_whole() {
        let mut f = Framer::new();
        f.push(b"$GPHDT,90");
        assert!(lines(&mut f).is_empty());
        f.push(b".0,T\r\n$GPHDT,9");
        assert_eq!(lines(&mut f), vec![Ok(b"$GPHDT,90.0,T".to_vec())]);
        assert_eq!(f.pending(), b"$GPHDT,9");
    }

    #[test]
    fn an_endless_line_is_reported_once_and_the_buffer_stays_bounded() {
        let mut f = Framer::new();
        for _ in 0..100 {
            f.push(&[b'A'; 100]);
            let _ = lines(&mut f);
            assert!(f.buf.len() <= MAX_LINE_LEN + 100);
        }
        f.push(b"tail\n$GPHDT,1.0,T\n");
        assert_eq!(lines(&mut f), vec![Ok(b"$GPHDT,1.0,T".to_vec())]);
    }

    #[test]
    fn too_long_line_is_reported() {
        let mut f = Framer::new();
        let mut chunk = vec![b'A'; MAX_LINE_LEN + 10];
        chunk.push(b'\n');
        f.push(&chunk);
        f.push(b"ok\n");
        assert_eq!(lines(&mut f), vec![Err(NmeaError::TooLong), Ok(b"ok".to_vec())]);
    }

    proptest::proptest! {
        #[test]
        fn chunking_never_changes_the_lines(
            text in proptest::collection::vec("[ -~]{0,40}", 0..10),
            cuts in proptest::collection::vec(1usize..30, 1..10),
        ) {
            let stream: Vec<u8> = text.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect();
            let mut whole = Framer::new();
            whole.push(&stream);
            let expected = lines(&mut whole);
            let mut f = Framer::new();
            let mut got = Vec::new();
            let mut rest = &stream[..];
            for c in cuts.iter().cycle() {
                if rest.is_empty() { break; }
                let (a, b) = rest.split_at((*c).min(rest.len()));
                f.push(a);
                got.extend(lines(&mut f));
                rest = b;
            }
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
