//! The reconnect loop shared by UDP, TCP and serial sources: connect, read until it breaks,
//! back off, repeat, until the receiver is dropped.

use super::SourceOptions;
use super::backoff::Backoff;
use super::session::{Output, Pumped, Session};
use super::status::{EndReason, SourceState};
use std::future::Future;
use std::io;
use std::time::Duration;

/// One kind of connection: how to open it and how to read it dry.
pub(crate) trait Connector {
    /// An open connection.
    type Conn: Send;

    /// Open a connection (bind, connect, open the port).
    fn connect(&mut self) -> impl Future<Output = io::Result<Self::Conn>> + Send;

    /// The local address worth reporting, if any (a bound UDP socket).
    fn local_addr(_conn: &Self::Conn) -> Option<std::net::SocketAddr> {
        None
    }

    /// Read from `conn` until it ends or fails, sending lines through `session`.
    fn read(conn: &mut Self::Conn, session: &mut Session<'_>) -> impl Future<Output = io::Result<Pumped>> + Send;
}

/// Run `c` until the receiver is dropped. Never returns an I/O error: every failure is
/// reported in the status and retried after [`Backoff::next_delay`].
pub(crate) async fn run<C: Connector>(mut c: C, label: &str, opts: &SourceOptions, out: &Output) {
    let mut backoff = Backoff::new(opts.backoff, opts.jitter_seed.unwrap_or_else(random_seed));
    let connect_timeout = Duration::from_millis(opts.connect_timeout_ms);
    let mut first = true;
    loop {
        out.update(|s| {
            s.state = SourceState::Connecting;
            s.reconnects += u64::from(!first);
        });
        first = false;
        let connected = tokio::select! {
            // Cancel-safe: an abandoned connect attempt leaves nothing behind but a closed socket.
            r = tokio::time::timeout(connect_timeout, c.connect()) => r,
            // Cancel-safe: observes only; stops a source stuck connecting to a black hole.
            () = out.tx.closed() => break,
        };
        let error = match connected {
            Ok(Ok(mut conn)) => {
                tracing::info!(source = label, "source connected");
                let local_addr = C::local_addr(&conn);
                out.update(|s| {
                    s.state = SourceState::Connected;
                    s.local_addr = local_addr;
                });
                let mut session = Session::new(out);
                let r = C::read(&mut conn, &mut session).await;
                session.flush();
                if session.delivered {
                    backoff.reset();
                }
                match r {
                    Ok(Pumped::Closed) => break,
                    Ok(Pumped::Eof) => "connection closed by peer".to_owned(),
                    Err(e) => e.to_string(),
                }
            }
            Ok(Err(e)) => e.to_string(),
            Err(_elapsed) => format!("connect timed out after {} ms", opts.connect_timeout_ms),
        };
        let delay = backoff.next_delay();
        let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        tracing::warn!(source = label, error = %error, delay_ms, "source down; backing off");
        let failures = backoff.failures();
        out.update(|s| {
            s.last_error = Some(error);
            s.state = SourceState::BackingOff { delay_ms, failures };
        });
        tokio::select! {
            // Cancel-safe: dropping a sleep loses nothing.
            () = tokio::time::sleep(delay) => {}
            // Cancel-safe: observes only; a node shutting down does not wait out a 30 s backoff.
            () = out.tx.closed() => break,
        }
    }
    out.update(|s| s.state = SourceState::Ended(EndReason::ReceiverDropped));
}

/// A per-process random seed for backoff jitter, so sources restarted together drift apart.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // `RandomState` is seeded from the OS once per process and varied per instance.
    std::collections::hash_map::RandomState::new().build_hasher().finish()
}
