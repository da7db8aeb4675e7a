//! Pelco-D or Pelco-P: the one choice a link or a head makes about the wire, and a deframer
//! for either.
//!
//! The command set is shared ([`crate::pelco_d::Command`]); only the frame differs.

use std::str::FromStr;

use crate::pelco_d::{self, Command, PelcoError};
use crate::pelco_p;

/// Which framing a head speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Protocol {
    /// 7-byte frames from `0xFF`, additive checksum.
    #[default]
    PelcoD,
    /// 8-byte frames from `0xA0` to `0xAF`, XOR checksum.
    PelcoP,
}

impl Protocol {
    /// Its name in config files: `pelco-d` or `pelco-p`.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::PelcoD => "pelco-d",
            Protocol::PelcoP => "pelco-p",
        }
    }

    /// Appends the bytes that send `command` to the head at `address`.
    pub fn encode_into(self, address: u8, command: Command, out: &mut Vec<u8>) {
        match self {
            Protocol::PelcoD => out.extend_from_slice(&pelco_d::encode(address, command)),
            Protocol::PelcoP => out.extend_from_slice(&pelco_p::encode(address, command)),
        }
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Protocol {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "pelco-d" | "pelco_d" | "d" => Ok(Protocol::PelcoD),
            "pelco-p" | "pelco_p" | "p" => Ok(Protocol::PelcoP),
            _ => Err(format!("unknown PTZ protocol {s:?}: expected pelco-d or pelco-p")),
        }
    }
}

/// One received, checked frame of either protocol: its address and its command (or why the
/// command could not be read).
pub type Received = (Protocol, u8, Result<Command, PelcoError>);

/// A deframer for one protocol, or for both at once (a head that answers whichever it hears).
#[derive(Debug, Clone, Default)]
pub struct AnyDeframer {
    d: Option<pelco_d::Deframer>,
    p: Option<pelco_p::Deframer>,
    scratch: Vec<pelco_p::Frame>,
}

impl AnyDeframer {
    /// Deframes `protocol` only.
    pub fn new(protocol: Protocol) -> AnyDeframer {
        match protocol {
            Protocol::PelcoD => AnyDeframer { d: Some(pelco_d::Deframer::new()), p: None, scratch: Vec::new() },
            Protocol::PelcoP => AnyDeframer { d: None, p: Some(pelco_p::Deframer::new()), scratch: Vec::new() },
        }
    }

    /// Deframes both (each frame is found by its own sync byte and checksum; a false frame
    /// needs a matching checksum, 1 in 256 for D and 1 in 65 536 for P, and is then dropped
    /// by address or command checks as any bad frame is).
    pub fn both() -> AnyDeframer {
        AnyDeframer { d: Some(pelco_d::Deframer::new()), p: Some(pelco_p::Deframer::new()), scratch: Vec::new() }
    }

    /// Appends every frame completed by `bytes` to `out`: Pelco-D frames first, then Pelco-P
    /// ones (a stream speaks one protocol, so their relative order does not matter).
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Received>) {
        if let Some(d) = &mut self.d {
            out.extend(d.feed(bytes).map(|f| (Protocol::PelcoD, f.address, f.command())));
        }
        if let Some(p) = &mut self.p {
            self.scratch.clear();
            p.feed_all(bytes, &mut self.scratch);
            out.extend(self.scratch.iter().map(|f| (Protocol::PelcoP, f.address, f.command())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in [Protocol::PelcoD, Protocol::PelcoP] {
            assert_eq!(p.name().parse::<Protocol>(), Ok(p));
        }
        assert!("visca".parse::<Protocol>().unwrap_err().contains("pelco-d or pelco-p"));
    }

    #[test]
    fn both_hears_either_protocol() {
        let mut bytes = Vec::new();
        Protocol::PelcoD.encode_into(1, Command::QueryPan, &mut bytes);
        Protocol::PelcoP.encode_into(1, Command::QueryTilt, &mut bytes);
        let mut out = Vec::new();
        AnyDeframer::both().feed(&bytes, &mut out);
        assert_eq!(out, [(Protocol::PelcoD, 1, Ok(Command::QueryPan)), (Protocol::PelcoP, 1, Ok(Command::QueryTilt))]);
        let mut only_d = Vec::new();
        AnyDeframer::new(Protocol::PelcoD).feed(&bytes, &mut only_d);
        assert_eq!(only_d.len(), 1);
    }
}
