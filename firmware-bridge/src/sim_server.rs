//! A simulated head served over TCP, as a serial-to-TCP server in front of a real head would
//! be: for the simulator and for tests of the transports and slew-to-cue.
//!
//! The served [`Head`] moves only when its owner calls [`SimHeadServer::step`]; its clock is
//! simulated, so a test steps through a slew exactly and never waits on wall time. Each
//! connection's bytes go through [`Head::receive`] and the replies are written back in order,
//! so a reply to a query also proves every earlier command on that connection was applied.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::task::JoinHandle;

use crate::head::{Head, HeadPose};

#[derive(Debug)]
struct Shared {
    head: Head,
    time_s: f64,
}

/// A [`Head`] listening on TCP. Dropping it stops the server.
#[derive(Debug)]
pub struct SimHeadServer {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: JoinHandle<()>,
}

impl SimHeadServer {
    /// Binds `addr` (use `127.0.0.1:0` in tests) and serves `head` on it; connections are
    /// accepted one after another and each is served until it closes. Must be called within a
    /// tokio runtime.
    ///
    /// # Errors
    /// The bind error. Once this returns the listener is bound, so a client may connect at once.
    pub async fn bind(addr: impl ToSocketAddrs, head: Head) -> std::io::Result<SimHeadServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Mutex::new(Shared { head, time_s: 0.0 }));
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(SimHeadServer { addr, shared, task })
    }

    /// Where the head listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Advances the head's simulated clock and motors by `dt_s` seconds.
    pub fn step(&self, dt_s: f64) {
        let mut s = lock(&self.shared);
        s.head.step(dt_s);
        if dt_s.is_finite() && dt_s > 0.0 {
            s.time_s += dt_s;
        }
    }

    /// Simulated seconds since the server started.
    pub fn time_s(&self) -> f64 {
        lock(&self.shared).time_s
    }

    /// Where the head points now (what a query would report, before rounding).
    pub fn pose(&self) -> HeadPose {
        lock(&self.shared).head.pose()
    }

    /// Whether any axis is moving.
    pub fn is_moving(&self) -> bool {
        lock(&self.shared).head.is_moving()
    }
}

impl Drop for SimHeadServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The lock is never held across an await and nothing panics while holding it, but a poisoned
/// head is still a consistent head (every method leaves it valid), so poisoning is ignored.
fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

async fn accept_loop(listener: TcpListener, shared: Arc<Mutex<Shared>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue; // a failed accept (say, a reset during the handshake) leaves the listener usable
        };
        // One connection at a time, as on an RS-485 serial server port.
        serve(stream, &shared).await;
    }
}

async fn serve(mut stream: TcpStream, shared: &Mutex<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut buf = [0u8; 256];
    let mut replies = Vec::new();
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        replies.clear();
        lock(shared).head.receive(&buf[..n], &mut replies);
        if !replies.is_empty() && stream.write_all(&replies).await.is_err() {
            return;
        }
    }
}
