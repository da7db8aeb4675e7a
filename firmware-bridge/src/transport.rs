//! Thin async transports for Pelco-D and Pelco-P heads: TCP (a serial server or a simulated head) and
//! serial (RS-485 adapters).
//!
//! [`PtzLink`] writes what the chosen [`Protocol`] encodes and feeds what it reads into an
//! [`AnyDeframer`]; every protocol rule stays in [`crate::pelco_d`] and [`crate::pelco_p`].
//! Pelco heads speak only when asked, so position tracking is polling: [`PtzLink::query_pose`] sends the three position queries and waits for
//! the three reports.

use std::collections::VecDeque;
use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, ToSocketAddrs};

use crate::head::HeadPose;
use crate::pelco_d::{Command, Message};
use crate::protocol::{AnyDeframer, Protocol, Received};

/// Why a transport operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The socket or serial port failed.
    #[error("PTZ link I/O: {0}")]
    Io(#[from] io::Error),
    /// The peer closed the connection.
    #[error("PTZ link closed by the head")]
    Closed,
}

/// A Pelco-D (or Pelco-P) conversation with one head over any byte stream.
#[derive(Debug)]
pub struct PtzLink<S> {
    stream: S,
    address: u8,
    protocol: Protocol,
    deframer: AnyDeframer,
    frames: Vec<Received>,
    received: VecDeque<Message>,
    undecodable: u64,
}

/// Connects to a head (or a serial-to-TCP server in front of one) over TCP.
///
/// # Errors
/// [`TransportError::Io`] if the connection fails.
pub async fn connect_tcp(addr: impl ToSocketAddrs, address: u8) -> Result<PtzLink<TcpStream>, TransportError> {
    let stream = TcpStream::connect(addr).await?;
    // Frames are 7 bytes; Nagle would hold a command back waiting for the previous ACK.
    stream.set_nodelay(true)?;
    Ok(PtzLink::new(stream, address))
}

/// Connects to a head speaking `protocol` over TCP.
///
/// # Errors
/// [`TransportError::Io`] if the connection fails.
pub async fn connect_tcp_with(
    addr: impl ToSocketAddrs,
    address: u8,
    protocol: Protocol,
) -> Result<PtzLink<TcpStream>, TransportError> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(PtzLink::with_protocol(stream, address, protocol))
}

/// Opens a head speaking `protocol` on a serial port (8N1).
///
/// # Errors
/// [`TransportError::Io`] if the port cannot be opened.
pub fn open_serial_with(
    path: &str,
    baud: u32,
    address: u8,
    protocol: Protocol,
) -> Result<PtzLink<tokio_serial::SerialStream>, TransportError> {
    let link = open_serial(path, baud, address)?;
    Ok(PtzLink::with_protocol(link.stream, address, protocol))
}

/// Opens a head on a serial port (8N1, as Pelco-D specifies; 2400, 4800 or 9600 baud).
///
/// # Errors
/// [`TransportError::Io`] if the port cannot be opened.
pub fn open_serial(path: &str, baud: u32, address: u8) -> Result<PtzLink<tokio_serial::SerialStream>, TransportError> {
    use tokio_serial::SerialPortBuilderExt;
    let port = tokio_serial::new(path, baud)
        .data_bits(tokio_serial::DataBits::Eight)
        .parity(tokio_serial::Parity::None)
        .stop_bits(tokio_serial::StopBits::One)
        .open_native_async()
        .map_err(io::Error::from)?;
    Ok(PtzLink::new(port, address))
}

impl<S: AsyncRead + AsyncWrite + Unpin> PtzLink<S> {
    /// Talks to the head at Pelco-D `address` over `stream`.
    pub fn new(stream: S, address: u8) -> PtzLink<S> {
        PtzLink::with_protocol(stream, address, Protocol::PelcoD)
    }

    /// Talks to the head at `address` over `stream` in `protocol`.
    pub fn with_protocol(stream: S, address: u8, protocol: Protocol) -> PtzLink<S> {
        PtzLink {
            stream,
            address,
            protocol,
            deframer: AnyDeframer::new(protocol),
            frames: Vec::new(),
            received: VecDeque::new(),
            undecodable: 0,
        }
    }

    /// The protocol spoken.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The head's Pelco-D address.
    pub fn address(&self) -> u8 {
        self.address
    }

    /// Frames from this head that could not be decoded, so far.
    pub fn undecodable_frames(&self) -> u64 {
        self.undecodable
    }

    /// Sends commands to the head, in order, in one write.
    ///
    /// # Errors
    /// [`TransportError::Io`] if the write fails.
    pub async fn send(&mut self, commands: &[Command]) -> Result<(), TransportError> {
        let mut bytes = Vec::with_capacity(8 * commands.len());
        for c in commands {
            self.protocol.encode_into(self.address, *c, &mut bytes);
        }
        self.stream.write_all(&bytes).await?;
        self.stream.flush().await?;
        Ok(())
    }

    /// The next message this head sends. Frames for other addresses are skipped.
    ///
    /// Cancel-safe: a cancelled call loses no bytes (they wait in the deframer or the queue).
    ///
    /// # Errors
    /// [`TransportError::Closed`] at end of stream, [`TransportError::Io`] on a read error.
    pub async fn recv(&mut self) -> Result<Message, TransportError> {
        let mut buf = [0u8; 256];
        loop {
            if let Some(m) = self.received.pop_front() {
                return Ok(m);
            }
            let n = self.stream.read(&mut buf).await?;
            if n == 0 {
                return Err(TransportError::Closed);
            }
            self.frames.clear();
            self.deframer.feed(&buf[..n], &mut self.frames);
            for (_, address, command) in self.frames.drain(..) {
                if address != self.address {
                    continue;
                }
                match command {
                    Ok(command) => self.received.push_back(Message { address, command }),
                    Err(_) => self.undecodable += 1,
                }
            }
        }
    }

    /// Asks the head where it points and waits for the pan, tilt and zoom reports. Every
    /// message received meanwhile, reports included, is also passed to `observe` (say, an
    /// [`crate::cue::OnTarget`]).
    ///
    /// # Errors
    /// As [`PtzLink::send`] and [`PtzLink::recv`].
    pub async fn query_pose_with(&mut self, mut observe: impl FnMut(&Command)) -> Result<HeadPose, TransportError> {
        self.send(&[Command::QueryPan, Command::QueryTilt, Command::QueryZoom]).await?;
        let (mut pan, mut tilt, mut zoom) = (None, None, None);
        while pan.is_none() || tilt.is_none() || zoom.is_none() {
            let m = self.recv().await?;
            observe(&m.command);
            match m.command {
                Command::PanReport(p) => pan = Some(p.degrees()),
                Command::TiltReport(t) => tilt = Some(t.degrees()),
                Command::ZoomReport(z) => zoom = Some(z.fraction()),
                _ => {}
            }
        }
        // The loop only ends once all three are Some.
        Ok(HeadPose {
            pan_deg: pan.unwrap_or_default(),
            tilt_deg: tilt.unwrap_or_default(),
            zoom: zoom.unwrap_or_default(),
        })
    }

    /// [`PtzLink::query_pose_with`] without an observer.
    ///
    /// # Errors
    /// As [`PtzLink::query_pose_with`].
    pub async fn query_pose(&mut self) -> Result<HeadPose, TransportError> {
        self.query_pose_with(|_| {}).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::{Head, HeadConfig};
    use crate::pelco_d::PanPosition;

    /// Serves `head` on the far end of an in-memory pipe until it closes.
    async fn serve(mut far: tokio::io::DuplexStream, mut head: Head) {
        let mut buf = [0u8; 64];
        let mut replies = Vec::new();
        while let Ok(n @ 1..) = far.read(&mut buf).await {
            replies.clear();
            head.receive(&buf[..n], &mut replies);
            if far.write_all(&replies).await.is_err() {
                return;
            }
        }
    }

    mod query_pose {
        use super::*;

        #[tokio::test]
        async fn reads_the_three_reports_through_the_deframer() {
            let (near, far) = tokio::io::duplex(64);
            let mut head = Head::try_new(HeadConfig::default()).unwrap();
            head.handle(&Message { address: 1, command: Command::SetPan(PanPosition::new(4_500).unwrap()) });
            head.step(10.0);
            let server = tokio::spawn(serve(far, head));
            let mut link = PtzLink::new(near, 1);
            let mut seen = 0;
            let pose = link.query_pose_with(|_| seen += 1).await.unwrap();
            assert_eq!(seen, 3);
            assert!((pose.pan_deg - 45.0).abs() < 1e-9);
            assert_eq!((pose.tilt_deg, pose.zoom), (0.0, 0.0));
            drop(link);
            server.await.unwrap();
        }

        #[tokio::test]
        async fn a_closed_peer_is_reported() {
            let (near, far) = tokio::io::duplex(64);
            drop(far);
            let mut link = PtzLink::new(near, 1);
            assert!(matches!(link.recv().await, Err(TransportError::Closed)));
        }
    }
}
