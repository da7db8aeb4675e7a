//! `udp://addr:port` sources: NMEA broadcast on a LAN, one or more lines per datagram.

use super::reconnect::Connector;
use super::session::{Pumped, Session};
use std::io;
use std::net::SocketAddr;
use tokio::net::UdpSocket;

/// Largest UDP payload, bytes; a datagram is read whole or not at all.
const MAX_DATAGRAM: usize = 65_535;

/// Binds `bind` and reads datagrams; a bind failure (port taken) is retried like a connect.
pub(crate) struct Udp {
    pub(crate) bind: SocketAddr,
}

impl Connector for Udp {
    type Conn = UdpSocket;

    async fn connect(&mut self) -> io::Result<UdpSocket> {
        UdpSocket::bind(self.bind).await
    }

    fn local_addr(sock: &UdpSocket) -> Option<SocketAddr> {
        sock.local_addr().ok()
    }

    async fn read(sock: &mut UdpSocket, session: &mut Session<'_>) -> io::Result<Pumped> {
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            let n = tokio::select! {
                // Cancel-safe (tokio docs): no datagram is consumed unless this arm completes.
                r = sock.recv_from(&mut buf) => r?.0,
                // Cancel-safe: observes only.
                () = session.closed() => return Ok(Pumped::Closed),
            };
            // A datagram ends its last line even without a newline: senders differ on that.
            if session.push(&buf[..n], None).await == Pumped::Closed || session.finish(None).await == Pumped::Closed {
                return Ok(Pumped::Closed);
            }
        }
    }
}
