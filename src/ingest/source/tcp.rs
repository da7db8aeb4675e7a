//! `tcp://host:port` sources: a client of an NMEA server (AIS-catcher, aisdispatcher, radar).

use super::reconnect::Connector;
use super::session::{Pumped, Session};
use std::io;
use tokio::net::TcpStream;

/// Connects to `host:port`, resolving the name on every attempt (a server may move).
pub(crate) struct Tcp {
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Connector for Tcp {
    type Conn = TcpStream;

    async fn connect(&mut self) -> io::Result<TcpStream> {
        let stream = TcpStream::connect((self.host.as_str(), self.port)).await?;
        // Lines are small and read-only; nothing to gain from Nagle, but nothing lost either.
        let _ = stream.set_nodelay(true);
        Ok(stream)
    }

    async fn read(conn: &mut TcpStream, session: &mut Session<'_>) -> io::Result<Pumped> {
        session.pump(conn, None).await
    }
}
