//! One connection's worth of reading: bytes → framed lines → the channel, with counters.

use super::Line;
use super::status::SourceStatus;
use crate::ingest::nmea::{Framer, TagBlock};
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// Read buffer per connection, bytes: a few dozen sentences per read.
const READ_BUF_BYTES: usize = 8 * 1024;

/// How a read loop stopped without an I/O error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pumped {
    /// End of stream: file end, or the peer closed the connection.
    Eof,
    /// The line receiver was dropped; the source must stop.
    Closed,
}

/// The channel and status a source writes to, shared by all its connections.
pub(crate) struct Output {
    pub(crate) tx: mpsc::Sender<Line>,
    pub(crate) status: watch::Sender<SourceStatus>,
}

impl Output {
    /// Change the status (and wake watchers).
    pub(crate) fn update(&self, f: impl FnOnce(&mut SourceStatus)) {
        self.status.send_modify(f);
    }
}

/// Paces a file replay by its tag-block `c:` times.
#[derive(Debug)]
pub(crate) struct Pacer {
    speed: f64,
    /// The first stamped line's log time and the instant it was released.
    origin: Option<(f64, Instant)>,
}

impl Pacer {
    /// `speed` is the replay factor; 0 (or less) releases every line at once.
    pub(crate) fn new(speed: f64) -> Self {
        Pacer { speed, origin: None }
    }

    /// When `line` is due, or `None` for "now". The first stamped line anchors the replay;
    /// each later stamped line is due at `anchor + (t − t₀) / speed`. Unstamped lines, lines
    /// stamped earlier than the anchor and an absurd gap (one that overflows `Instant`) are due now.
    pub(crate) fn due(&mut self, line: &[u8], now: Instant) -> Option<Instant> {
        if self.speed <= 0.0 {
            return None;
        }
        let t = tag_time_s(line)?;
        let (t0, i0) = *self.origin.get_or_insert((t, now));
        let wait = Duration::try_from_secs_f64((t - t0) / self.speed).ok()?;
        i0.checked_add(wait)
    }
}

/// The `c:` time of a line's tag block, if it has one.
fn tag_time_s(line: &[u8]) -> Option<f64> {
    let rest = line.trim_ascii_start().strip_prefix(b"\\")?;
    let end = memchr::memchr(b'\\', rest)?;
    TagBlock::parse(&rest[..end]).ok()?.unix_time_s
}

/// Seconds since the Unix epoch now, the `received_s` stamped on each line.
pub(crate) fn unix_now_s() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Counts not yet published to the status channel.
#[derive(Debug, Default)]
struct Pending {
    lines: u64,
    bytes: u64,
    overlong: u64,
}

/// The framer and counters of one connection (a fresh one per reconnect, so half a line from a
/// dropped connection is never glued to the first line of the next).
pub(crate) struct Session<'a> {
    out: &'a Output,
    framer: Framer,
    pending: Pending,
    /// True once any line went out; a connection that delivered resets the backoff.
    pub(crate) delivered: bool,
}

impl<'a> Session<'a> {
    pub(crate) fn new(out: &'a Output) -> Self {
        Session { out, framer: Framer::new(), pending: Pending::default(), delivered: false }
    }

    /// Read `reader` to its end, sending every line; `pacer` delays lines for file replays.
    pub(crate) async fn pump<R: AsyncRead + Unpin>(
        &mut self,
        reader: &mut R,
        mut pacer: Option<&mut Pacer>,
    ) -> io::Result<Pumped> {
        let mut buf = vec![0u8; READ_BUF_BYTES];
        loop {
            let n = tokio::select! {
                // Cancel-safe: if the other arm wins, `read` has consumed nothing.
                r = reader.read(&mut buf) => r?,
                // Cancel-safe: `closed` only observes the channel. It lets an idle source stop
                // as soon as the node drops the receiver, instead of at the next byte.
                () = self.out.tx.closed() => return Ok(Pumped::Closed),
            };
            if n == 0 {
                self.flush();
                return Ok(Pumped::Eof);
            }
            if self.push(&buf[..n], pacer.as_deref_mut()).await == Pumped::Closed {
                return Ok(Pumped::Closed);
            }
        }
    }

    /// Frame `bytes` and send every complete line. Returns [`Pumped::Closed`] if the receiver
    /// went away, else [`Pumped::Eof`] meaning "all sent, give me more".
    pub(crate) async fn push(&mut self, bytes: &[u8], pacer: Option<&mut Pacer>) -> Pumped {
        self.pending.bytes += bytes.len() as u64;
        self.framer.push(bytes);
        self.drain(pacer).await
    }

    /// Send every complete line the framer holds.
    async fn drain(&mut self, mut pacer: Option<&mut Pacer>) -> Pumped {
        loop {
            let line = match self.framer.next_line() {
                None => break,
                Some(Err(_too_long)) => {
                    self.pending.overlong += 1;
                    continue;
                }
                Some(Ok(l)) if l.trim_ascii().is_empty() => continue,
                Some(Ok(l)) => l.to_vec(),
            };
            if let Some(deadline) = pacer.as_deref_mut().and_then(|p| p.due(&line, Instant::now())) {
                // Publish counts before a pause, so a slow replay's status is not stale.
                self.flush();
                tokio::select! {
                    // Cancel-safe: dropping a sleep loses nothing.
                    () = tokio::time::sleep_until(deadline) => {}
                    // Cancel-safe: observes only.
                    () = self.out.tx.closed() => return Pumped::Closed,
                }
            }
            // Backpressure: when the channel is full this waits for the consumer, and the
            // source stops reading; the kernel buffers, then TCP flow control (or, for UDP and
            // serial, the kernel's drop policy) pushes back further. A dropped receiver makes
            // `send` fail at once, even mid-wait.
            if self.out.tx.send(Line { bytes: line, received_s: unix_now_s() }).await.is_err() {
                self.flush();
                return Pumped::Closed;
            }
            self.pending.lines += 1;
            self.delivered = true;
        }
        self.flush();
        Pumped::Eof
    }

    /// Frame what is left at end of stream as a last line (a file without a final newline,
    /// a datagram's last sentence).
    pub(crate) async fn finish(&mut self, pacer: Option<&mut Pacer>) -> Pumped {
        if self.framer.pending().is_empty() {
            return Pumped::Eof;
        }
        // A made-up newline, not counted as a received byte.
        self.framer.push(b"\n");
        self.drain(pacer).await
    }

    /// Resolves when the line receiver has been dropped.
    pub(crate) async fn closed(&self) {
        self.out.tx.closed().await;
    }

    /// Publish pending counts.
    pub(crate) fn flush(&mut self) {
        let p = std::mem::take(&mut self.pending);
        if p.lines + p.bytes + p.overlong > 0 {
            self.out.update(|s| {
                s.lines += p.lines;
                s.bytes += p.bytes;
                s.overlong_lines += p.overlong;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod pacer {
        use super::*;

        #[test]
        fn stamped_lines_are_due_at_scaled_offsets_from_the_first() {
            let t0 = Instant::now();
            let mut p = Pacer::new(4.0);
            assert_eq!(p.due(b"\\c:1000\\$GPHDT,1,T", t0), Some(t0));
            let later = t0 + Duration::from_secs(100); // the anchor does not move
            assert_eq!(p.due(b"\\c:1008\\$GPHDT,1,T", later), Some(t0 + Duration::from_secs(2)));
            assert_eq!(p.due(b"$GPHDT,1,T", later), None);
            assert_eq!(p.due(b"\\c:999\\$GPHDT,1,T", later), None);
        }

        #[test]
        fn speed_zero_never_waits() {
            let mut p = Pacer::new(0.0);
            assert_eq!(p.due(b"\\c:1000\\x", Instant::now()), None);
            assert_eq!(p.due(b"\\c:5000\\x", Instant::now()), None);
        }

        #[test]
        fn an_absurd_gap_does_not_panic() {
            let t0 = Instant::now();
            let mut p = Pacer::new(1e-300);
            p.due(b"\\c:1\\x", t0);
            assert_eq!(p.due(b"\\c:9999999999\\x", t0), None);
        }
    }
}
