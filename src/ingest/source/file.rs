//! `file://` sources: replay a recorded log, at its original pace or faster.

use super::error::SourceError;
use super::session::{Output, Pacer, Pumped, Session};
use super::status::{EndReason, SourceState};
use std::path::Path;
use tokio::io::AsyncRead;

/// Replay `path` at `speed` (see [`SourceUrl::File`](super::SourceUrl::File)). A file is not
/// retried: a missing or unreadable file is a configuration error, and reaching its end is how
/// a batch replay finishes.
pub(crate) async fn run(path: &Path, speed: f64, out: &Output) -> Result<(), SourceError> {
    let mut file = match tokio::fs::File::open(path).await {
        Ok(f) => f,
        Err(source) => {
            let e = SourceError::Open { path: path.to_owned(), source };
            fail(out, &e);
            return Err(e);
        }
    };
    out.update(|s| s.state = SourceState::Connected);
    match replay(&mut file, speed, out).await {
        Ok(reason) => {
            out.update(|s| s.state = SourceState::Ended(reason));
            Ok(())
        }
        Err(source) => {
            let e = SourceError::Read { path: path.to_owned(), source };
            fail(out, &e);
            Err(e)
        }
    }
}

fn fail(out: &Output, e: &SourceError) {
    tracing::warn!(error = %e, "file source failed");
    let msg = e.to_string();
    out.update(|s| {
        s.last_error = Some(msg.clone());
        s.state = SourceState::Ended(EndReason::Failed(msg));
    });
}

/// Send every line of `reader`, paced by tag-block times; the replay engine behind `file://`,
/// separate so tests can drive it from memory.
pub(crate) async fn replay<R: AsyncRead + Unpin>(
    reader: &mut R,
    speed: f64,
    out: &Output,
) -> std::io::Result<EndReason> {
    let mut pacer = Pacer::new(speed);
    let mut session = Session::new(out);
    if session.pump(reader, Some(&mut pacer)).await? == Pumped::Closed {
        return Ok(EndReason::ReceiverDropped);
    }
    Ok(match session.finish(Some(&mut pacer)).await {
        Pumped::Closed => EndReason::ReceiverDropped,
        Pumped::Eof => EndReason::Finished,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::source::status::SourceStatus;
    use tokio::sync::{mpsc, watch};
    use tokio::time::{Duration, Instant};

    fn output(cap: usize) -> (Output, mpsc::Receiver<crate::ingest::source::Line>, watch::Receiver<SourceStatus>) {
        let (tx, rx) = mpsc::channel(cap);
        let (status, status_rx) = watch::channel(SourceStatus::default());
        (Output { tx, status }, rx, status_rx)
    }

    mod replay {
        use super::*;

        const LOG: &[u8] = b"\\c:1000\\$RATTM,1\r\n$GPHDT,1,T\n\\c:1004\\$RATTM,2\n\n\\c:1010\\$RATTM,3";

        /// Receive everything, noting the paused clock's offset from `start` at each line.
        async fn timeline(
            mut rx: mpsc::Receiver<crate::ingest::source::Line>,
            start: Instant,
        ) -> Vec<(String, Duration)> {
            let mut got = Vec::new();
            while let Some(l) = rx.recv().await {
                got.push((String::from_utf8(l.bytes).unwrap(), start.elapsed()));
            }
            got
        }

        #[tokio::test(start_paused = true)]
        async fn lines_come_in_order_at_the_recorded_pace_divided_by_speed() {
            let (out, rx, status) = output(8);
            let start = Instant::now();
            let consumer = tokio::spawn(timeline(rx, start));
            let reason = replay(&mut &LOG[..], 2.0, &out).await.unwrap();
            drop(out);
            let got = consumer.await.unwrap();
            assert_eq!(reason, EndReason::Finished);
            let s = |x: &str, secs: u64| (x.to_owned(), Duration::from_secs(secs));
            assert_eq!(
                got,
                vec![
                    s("\\c:1000\\$RATTM,1", 0),
                    s("$GPHDT,1,T", 0),
                    s("\\c:1004\\$RATTM,2", 2),
                    s("\\c:1010\\$RATTM,3", 5),
                ]
            );
            let st = status.borrow();
            assert_eq!((st.lines, st.bytes), (4, LOG.len() as u64));
        }

        #[tokio::test(start_paused = true)]
        async fn speed_zero_replays_without_waiting() {
            let (out, rx, _status) = output(8);
            let start = Instant::now();
            let consumer = tokio::spawn(timeline(rx, start));
            replay(&mut &LOG[..], 0.0, &out).await.unwrap();
            drop(out);
            let got = consumer.await.unwrap();
            assert_eq!(got.len(), 4);
            assert!(got.iter().all(|(_, t)| *t == Duration::ZERO), "{got:?}");
        }

        #[tokio::test(start_paused = true)]
        async fn a_full_channel_holds_the_replay_back_without_losing_lines() {
            let (out, mut rx, _status) = output(1);
            let log: Vec<u8> = (0..50).flat_map(|i| format!("$GPHDT,{i},T\n").into_bytes()).collect();
            let producer = async { replay(&mut &log[..], 0.0, &out).await.unwrap() };
            let consumer = async {
                let mut n = 0;
                while n < 50 {
                    let l = rx.recv().await.unwrap();
                    assert_eq!(l.bytes, format!("$GPHDT,{n},T").into_bytes());
                    n += 1;
                }
            };
            let (reason, ()) = tokio::join!(producer, consumer);
            assert_eq!(reason, EndReason::Finished);
        }

        #[tokio::test(start_paused = true)]
        async fn dropping_the_receiver_stops_a_waiting_replay() {
            let (out, rx, _status) = output(8);
            drop(rx);
            let log = b"\\c:0\\a\n\\c:1000000\\b\n";
            assert_eq!(replay(&mut &log[..], 1.0, &out).await.unwrap(), EndReason::ReceiverDropped);
        }
    }
}
