//! Line sources against real files and sockets: replay timing, UDP datagrams, TCP reconnects,
//! serial failures. Sockets bind 127.0.0.1:0 and tests wait on readiness, never on sleeps.

use seawarden::ingest::source::{
    BackoffConfig, EndReason, Line, SourceError, SourceHandle, SourceOptions, SourceState, SourceStatus, SourceUrl,
    spawn,
};
use std::io::Write;
use std::net::SocketAddr;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::watch;
use tokio::time::{Duration, Instant};

/// Fast retries, so a reconnect test does not wait out the production schedule.
fn quick() -> SourceOptions {
    SourceOptions {
        backoff: BackoffConfig { initial_ms: 1, max_ms: 20, ..BackoffConfig::default() },
        jitter_seed: Some(7),
        ..SourceOptions::default()
    }
}

fn text(l: &Line) -> &str {
    std::str::from_utf8(&l.bytes).unwrap()
}

async fn recv_text(src: &mut SourceHandle) -> String {
    let l = src.lines.recv().await.expect("source ended early");
    String::from_utf8(l.bytes).unwrap()
}

/// Wait until the status satisfies `pred`, returning that status.
async fn wait_for(status: &mut watch::Receiver<SourceStatus>, pred: impl Fn(&SourceStatus) -> bool) -> SourceStatus {
    status.wait_for(|s| pred(s)).await.expect("source task gone").clone()
}

fn file_url(path: &std::path::Path, speed: f64) -> SourceUrl {
    format!("file://{}?speed={speed}", path.display()).parse().unwrap()
}

mod file {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn replay_keeps_order_and_recorded_timing_at_10x() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(
            b"\\c:1700000000\\$RATTM,1\r\n$HEHDT,90.0,T\r\n\\c:1700000020\\$RATTM,2\r\n\\c:1700000050\\$RATTM,3",
        )
        .unwrap();
        let mut src = spawn(file_url(f.path(), 10.0), SourceOptions::default());
        let first = src.lines.recv().await.unwrap();
        let start = Instant::now();
        let mut got = vec![(text(&first).to_owned(), Duration::ZERO)];
        while let Some(l) = src.lines.recv().await {
            got.push((text(&l).to_owned(), start.elapsed()));
        }
        let s = |l: &str, ms: u64| (l.to_owned(), Duration::from_millis(ms));
        assert_eq!(
            got,
            vec![
                s("\\c:1700000000\\$RATTM,1", 0),
                s("$HEHDT,90.0,T", 0),
                s("\\c:1700000020\\$RATTM,2", 2_000),
                s("\\c:1700000050\\$RATTM,3", 5_000),
            ]
        );
        src.task.await.unwrap().unwrap();
        let st = src.status.borrow();
        assert_eq!(st.state, SourceState::Ended(EndReason::Finished));
        assert_eq!(st.lines, 4);
    }

    #[tokio::test]
    async fn speed_zero_delivers_every_line_in_order_then_ends() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for i in 0..500 {
            writeln!(f, "\\c:{}\\$HEHDT,{i}.0,T", 1_700_000_000 + i * 3600).unwrap();
        }
        let mut src = spawn(file_url(f.path(), 0.0), SourceOptions { channel_capacity: 4, ..SourceOptions::default() });
        let mut n = 0;
        while let Some(l) = src.lines.recv().await {
            assert!(text(&l).ends_with(&format!("$HEHDT,{n}.0,T")), "{}", text(&l));
            n += 1;
        }
        assert_eq!(n, 500);
        src.task.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn a_missing_file_is_an_error_naming_the_path() {
        let url: SourceUrl = "file:///nonexistent/seawarden/feed.nmea?speed=0".parse().unwrap();
        let mut src = spawn(url, SourceOptions::default());
        assert!(src.lines.recv().await.is_none());
        let err = src.task.await.unwrap().unwrap_err();
        assert!(matches!(err, SourceError::Open { .. }));
        assert!(err.to_string().contains("/nonexistent/seawarden/feed.nmea"), "{err}");
        assert!(matches!(src.status.borrow().state, SourceState::Ended(EndReason::Failed(_))));
    }
}

mod udp {
    use super::*;

    async fn bound(src: &mut SourceHandle) -> SocketAddr {
        wait_for(&mut src.status, |s| s.state == SourceState::Connected).await.local_addr.unwrap()
    }

    #[tokio::test]
    async fn one_datagram_with_several_lines_gives_each_line() {
        let mut src = spawn("udp://127.0.0.1:0".parse().unwrap(), quick());
        let addr = bound(&mut src).await;
        let tx = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        tx.send_to(b"$HEHDT,1.0,T\r\n$HEHDT,2.0,T\r\n!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24", addr)
            .await
            .unwrap();
        tx.send_to(b"$HEHDT,3.0,T\r\n", addr).await.unwrap();
        let got = [
            recv_text(&mut src).await,
            recv_text(&mut src).await,
            recv_text(&mut src).await,
            recv_text(&mut src).await,
        ];
        assert_eq!(
            got,
            ["$HEHDT,1.0,T", "$HEHDT,2.0,T", "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24", "$HEHDT,3.0,T"]
        );
        let st = wait_for(&mut src.status, |s| s.lines == 4).await;
        assert_eq!(st.bytes, 89);
    }

    #[tokio::test]
    async fn an_over_long_line_is_counted_and_the_rest_of_the_datagram_survives() {
        let mut src = spawn("udp://127.0.0.1:0".parse().unwrap(), quick());
        let addr = bound(&mut src).await;
        let mut dgram = vec![b'A'; 2_000];
        dgram.extend_from_slice(b"\n$HEHDT,4.0,T\n");
        UdpSocket::bind("127.0.0.1:0").await.unwrap().send_to(&dgram, addr).await.unwrap();
        assert_eq!(recv_text(&mut src).await, "$HEHDT,4.0,T");
        wait_for(&mut src.status, |s| s.overlong_lines == 1 && s.lines == 1).await;
    }

    #[tokio::test]
    async fn dropping_the_receiver_ends_an_idle_source() {
        let mut src = spawn("udp://127.0.0.1:0".parse().unwrap(), quick());
        bound(&mut src).await;
        drop(src.lines);
        src.task.await.unwrap().unwrap();
        assert_eq!(src.status.borrow().state, SourceState::Ended(EndReason::ReceiverDropped));
    }
}

mod tcp {
    use super::*;

    #[tokio::test]
    async fn a_dropped_connection_is_redialled_and_no_later_line_is_lost() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut src = spawn(format!("tcp://127.0.0.1:{port}").parse().unwrap(), quick());

        // First connection: two lines, then half a line, then the server hangs up.
        let (mut c1, _) = listener.accept().await.unwrap();
        c1.write_all(b"$HEHDT,1.0,T\r\n$HEHDT,2.0,T\r\n$HEHDT,3.").await.unwrap();
        assert_eq!(recv_text(&mut src).await, "$HEHDT,1.0,T");
        assert_eq!(recv_text(&mut src).await, "$HEHDT,2.0,T");
        drop(c1);

        // The source comes back by itself; everything sent on the new connection arrives, and
        // the torn half line is not glued to it.
        let (mut c2, _) = listener.accept().await.unwrap();
        let lines: Vec<String> = (3..=50).map(|i| format!("$HEHDT,{i}.0,T\r\n")).collect();
        for chunk in lines.chunks(7) {
            c2.write_all(chunk.concat().as_bytes()).await.unwrap();
        }
        for i in 3..=50 {
            assert_eq!(recv_text(&mut src).await, format!("$HEHDT,{i}.0,T"));
        }
        let st = wait_for(&mut src.status, |s| s.lines == 50).await;
        assert_eq!(st.state, SourceState::Connected);
        assert!(st.reconnects >= 1, "{st:?}");
        assert_eq!(st.last_error.as_deref(), Some("connection closed by peer"));

        drop(src.lines);
        src.task.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn a_server_that_hangs_up_at_once_is_redialled() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut src = spawn(format!("tcp://127.0.0.1:{port}").parse().unwrap(), quick());
        for _ in 0..4 {
            drop(listener.accept().await.unwrap());
        }
        // Counters only grow, so this cannot miss its moment; the backoff schedule itself is
        // unit-tested in `backoff.rs`.
        let st = wait_for(&mut src.status, |s| s.reconnects >= 3).await;
        assert_eq!(st.last_error.as_deref(), Some("connection closed by peer"));
        assert_eq!(st.lines, 0);
        drop(src.lines);
        src.task.await.unwrap().unwrap();
    }
}

mod serial {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_missing_device_backs_off_on_schedule_with_a_clear_error() {
        let url: SourceUrl = "serial:///dev/seawarden-no-such-tty?baud=38400".parse().unwrap();
        assert_eq!(url, SourceUrl::Serial { path: "/dev/seawarden-no-such-tty".into(), baud: 38_400 });
        let opts = SourceOptions {
            backoff: BackoffConfig { initial_ms: 100, max_ms: 400, multiplier: 2.0, jitter: 0.0 },
            ..SourceOptions::default()
        };
        let mut src = spawn(url, opts);
        let mut delays = Vec::new();
        while delays.len() < 4 {
            let st = wait_for(
                &mut src.status,
                |s| matches!(s.state, SourceState::BackingOff { failures, .. } if failures as usize > delays.len()),
            )
            .await;
            let SourceState::BackingOff { delay_ms, .. } = st.state else { unreachable!() };
            delays.push(delay_ms);
            let err = st.last_error.unwrap();
            assert!(err.contains("/dev/seawarden-no-such-tty") && err.contains("38400"), "{err}");
        }
        assert_eq!(delays, vec![100, 200, 400, 400]);
        drop(src.lines);
        src.task.await.unwrap().unwrap();
        assert_eq!(src.status.borrow().state, SourceState::Ended(EndReason::ReceiverDropped));
    }
}
