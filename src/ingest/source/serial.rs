//! `serial:///dev/ttyUSB0?baud=38400` sources: a sensor wired to the node (8N1, no flow control).

use super::reconnect::Connector;
use super::session::{Pumped, Session};
use std::io;
use tokio_serial::{SerialPortBuilderExt, SerialStream};

/// Opens `path` at `baud`; a USB adapter that is unplugged and replugged is picked up again.
pub(crate) struct Serial {
    pub(crate) path: String,
    pub(crate) baud: u32,
}

impl Connector for Serial {
    type Conn = SerialStream;

    async fn connect(&mut self) -> io::Result<SerialStream> {
        tokio_serial::new(&self.path, self.baud).open_native_async().map_err(|e| {
            let kind = match e.kind {
                tokio_serial::ErrorKind::Io(kind) => kind,
                tokio_serial::ErrorKind::NoDevice => io::ErrorKind::NotFound,
                tokio_serial::ErrorKind::InvalidInput => io::ErrorKind::InvalidInput,
                tokio_serial::ErrorKind::Unknown => io::ErrorKind::Other,
            };
            io::Error::new(kind, format!("opening {} at {} baud: {}", self.path, self.baud, e.description))
        })
    }

    async fn read(conn: &mut SerialStream, session: &mut Session<'_>) -> io::Result<Pumped> {
        session.pump(conn, None).await
    }
}
