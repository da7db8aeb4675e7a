//! Pelco-P, Pelco's other RS-485 PTZ protocol: the same command set as Pelco-D in an 8-byte
//! frame, so heads that speak only P (many older domes and some thermal positioners) can be
//! cued too.
//!
//! A pure codec, like [`crate::pelco_d`]: [`encode`] and [`decode`] map between a typed
//! [`Command`] (the Pelco-D one: the command set is shared) and 8 bytes, and a [`Deframer`] cuts
//! received bytes into checked [`Frame`]s.
//!
//! # Frame
//! | byte | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 |
//! |---|---|---|---|---|---|---|---|---|
//! | field | STX `0xA0` | address | data 1 | data 2 | data 3 | data 4 | ETX `0xAF` | checksum |
//!
//! The checksum is the XOR of bytes 1 to 7. The address byte is sent as given (Pelco-P heads
//! count from 0 on the wire, so "camera 1" is often address 0: configure the wire value).
//!
//! *Standard* commands: data 1 carries focus far (bit 0), focus near (bit 1), iris open (bit 2)
//! and iris close (bit 3); data 2 carries pan right (bit 1), pan left (bit 2), tilt up (bit 3),
//! tilt down (bit 4), zoom tele (bit 5) and zoom wide (bit 6); data 3 is the pan speed and data
//! 4 the tilt speed. *Extended* commands (bit 0 of data 2 set) use Pelco-D's opcodes in data 2
//! and its data bytes in data 3 and 4: set pan/tilt/zoom `0x4B`/`0x4D`/`0x4F`, queries
//! `0x51`/`0x53`/`0x55`, reports `0x59`/`0x5B`/`0x5D`, presets `0x03`/`0x05`/`0x07`.
//!
//! # References
//! - Pelco, *Pelco P Protocol* (Spectra / Esprit documentation): frame, XOR checksum, command
//!   bits; the extended set is shared with Pelco-D.

use crate::pelco_d::{self, Command, Message, PelcoError};
use crate::start_framed::{StartFramed, Step};

/// Start-of-text: every Pelco-P frame starts with it.
pub const STX: u8 = 0xA0;
/// End-of-text: byte 7 of every Pelco-P frame.
pub const ETX: u8 = 0xAF;
/// Length in bytes of every Pelco-P frame.
pub const FRAME_LEN: usize = 8;

// Pelco-P data 1 bits.
const P_FOCUS_FAR: u8 = 1 << 0;
const P_FOCUS_NEAR: u8 = 1 << 1;
const P_IRIS_OPEN: u8 = 1 << 2;
const P_IRIS_CLOSE: u8 = 1 << 3;
const P_DATA1_KNOWN: u8 = P_FOCUS_FAR | P_FOCUS_NEAR | P_IRIS_OPEN | P_IRIS_CLOSE;
// Pelco-D bits the mapping moves (see `pelco_d`'s frame docs).
const D_FOCUS_NEAR: u8 = 1 << 0;
const D_IRIS_OPEN: u8 = 1 << 1;
const D_IRIS_CLOSE: u8 = 1 << 2;
const D_FOCUS_FAR: u8 = 1 << 7;
/// Data 2 bit 0 marks an extended command, as command 2 bit 0 does in Pelco-D.
const EXTENDED: u8 = 1 << 0;

/// Why 8 bytes are not a Pelco-P frame (before its command is read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Not exactly [`FRAME_LEN`] bytes.
    #[error("a Pelco-P frame is 8 bytes, got {len}")]
    WrongLength {
        /// Length given.
        len: usize,
    },
    /// Byte 1 is not [`STX`].
    #[error("a Pelco-P frame starts with 0xA0, got {found:#04x}")]
    BadStx {
        /// The byte found.
        found: u8,
    },
    /// Byte 7 is not [`ETX`].
    #[error("a Pelco-P frame has 0xAF in byte 7, got {found:#04x}")]
    BadEtx {
        /// The byte found.
        found: u8,
    },
    /// The checksum is not the XOR of bytes 1 to 7.
    #[error("Pelco-P checksum is {found:#04x}, bytes 1-7 XOR to {expected:#04x}")]
    BadChecksum {
        /// Computed.
        expected: u8,
        /// Carried.
        found: u8,
    },
}

/// Why bytes could not be read as a Pelco-P message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PelcoPError {
    /// The frame itself is malformed.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// A well-formed frame whose command is not modelled, conflicting or out of range (the
    /// Pelco-D codec's reasons, since the command set is shared).
    #[error("Pelco-P command: {0}")]
    Command(#[from] PelcoError),
}

/// A checked Pelco-P frame whose command has not been interpreted yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Frame {
    /// Wire address of the head.
    pub address: u8,
    /// The four data bytes.
    pub data: [u8; 4],
}

impl Frame {
    /// The XOR checksum over STX, address, data and ETX.
    pub const fn checksum(&self) -> u8 {
        STX ^ self.address ^ self.data[0] ^ self.data[1] ^ self.data[2] ^ self.data[3] ^ ETX
    }

    /// The 8 bytes to send.
    pub const fn to_bytes(&self) -> [u8; FRAME_LEN] {
        let [d1, d2, d3, d4] = self.data;
        [STX, self.address, d1, d2, d3, d4, ETX, self.checksum()]
    }

    /// Checks and splits exactly one frame's bytes.
    ///
    /// # Errors
    /// [`FrameError`].
    pub const fn from_bytes(bytes: &[u8]) -> Result<Frame, FrameError> {
        let [stx, address, d1, d2, d3, d4, etx, checksum] = match bytes {
            [a, b, c, d, e, f, g, h] => [*a, *b, *c, *d, *e, *f, *g, *h],
            _ => return Err(FrameError::WrongLength { len: bytes.len() }),
        };
        if stx != STX {
            return Err(FrameError::BadStx { found: stx });
        }
        if etx != ETX {
            return Err(FrameError::BadEtx { found: etx });
        }
        let frame = Frame { address, data: [d1, d2, d3, d4] };
        let expected = frame.checksum();
        if checksum != expected {
            return Err(FrameError::BadChecksum { expected, found: checksum });
        }
        Ok(frame)
    }

    /// The frame carrying `command` for (or from) the head at `address`.
    pub const fn from_command(address: u8, command: Command) -> Frame {
        let d = command.to_frame(address);
        let data = if d.cmd2 & EXTENDED != 0 {
            [d.cmd1, d.cmd2, d.data1, d.data2]
        } else {
            let mut p1 = 0;
            if d.cmd1 & D_FOCUS_NEAR != 0 {
                p1 |= P_FOCUS_NEAR;
            }
            if d.cmd2 & D_FOCUS_FAR != 0 {
                p1 |= P_FOCUS_FAR;
            }
            if d.cmd1 & D_IRIS_OPEN != 0 {
                p1 |= P_IRIS_OPEN;
            }
            if d.cmd1 & D_IRIS_CLOSE != 0 {
                p1 |= P_IRIS_CLOSE;
            }
            [p1, d.cmd2 & !D_FOCUS_FAR, d.data1, d.data2]
        };
        Frame { address, data }
    }

    /// Reads the command this frame carries.
    ///
    /// # Errors
    /// [`PelcoError`] as [`pelco_d::Command::from_frame`], plus [`PelcoError::Unsupported`] for
    /// data bits this codec does not model (camera on/off, auto-scan).
    pub const fn command(&self) -> Result<Command, PelcoError> {
        let [p1, p2, p3, p4] = self.data;
        let d = if p2 & EXTENDED != 0 {
            pelco_d::Frame { address: self.address, cmd1: p1, cmd2: p2, data1: p3, data2: p4 }
        } else {
            if p1 & !P_DATA1_KNOWN != 0 || p2 & D_FOCUS_FAR != 0 {
                return Err(PelcoError::Unsupported { cmd1: p1, cmd2: p2 });
            }
            let mut cmd1 = 0;
            let mut cmd2 = p2;
            if p1 & P_FOCUS_NEAR != 0 {
                cmd1 |= D_FOCUS_NEAR;
            }
            if p1 & P_FOCUS_FAR != 0 {
                cmd2 |= D_FOCUS_FAR;
            }
            if p1 & P_IRIS_OPEN != 0 {
                cmd1 |= D_IRIS_OPEN;
            }
            if p1 & P_IRIS_CLOSE != 0 {
                cmd1 |= D_IRIS_CLOSE;
            }
            pelco_d::Frame { address: self.address, cmd1, cmd2, data1: p3, data2: p4 }
        };
        Command::from_frame(&d)
    }
}

/// The 8 bytes that send `command` to the head at `address` (or, for reports, from it).
///
/// # Examples
/// Query pan, head 0:
/// ```
/// # use firmware_bridge::pelco_p::encode;
/// # use firmware_bridge::pelco_d::Command;
/// assert_eq!(encode(0, Command::QueryPan), [0xA0, 0x00, 0x00, 0x51, 0x00, 0x00, 0xAF, 0xA0 ^ 0x51 ^ 0xAF]);
/// ```
pub const fn encode(address: u8, command: Command) -> [u8; FRAME_LEN] {
    Frame::from_command(address, command).to_bytes()
}

/// Reads exactly one frame's bytes as a typed message.
///
/// # Errors
/// [`PelcoPError`].
pub const fn decode(bytes: &[u8]) -> Result<Message, PelcoPError> {
    let frame = match Frame::from_bytes(bytes) {
        Ok(f) => f,
        Err(e) => return Err(PelcoPError::Frame(e)),
    };
    match frame.command() {
        Ok(command) => Ok(Message { address: frame.address, command }),
        Err(e) => Err(PelcoPError::Command(e)),
    }
}

/// Counters kept by a [`Deframer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeframerStats {
    /// Frames yielded.
    pub frames: u64,
    /// 8-byte candidates from an STX whose ETX or checksum did not match.
    pub bad_frames: u64,
    /// Bytes thrown away while looking for the next STX.
    pub skipped_bytes: u64,
}

/// Cuts received bytes into checked Pelco-P [`Frame`]s, resynchronising on the next `0xA0`
/// inside a rejected candidate (as [`pelco_d::Deframer`] does on `0xFF`). Never fails, never
/// allocates.
#[derive(Debug, Clone)]
pub struct Deframer {
    candidate: StartFramed<FRAME_LEN>,
    stats: DeframerStats,
}

impl Default for Deframer {
    fn default() -> Self {
        Deframer::new()
    }
}

impl Deframer {
    /// An empty deframer waiting for STX.
    pub const fn new() -> Deframer {
        Deframer {
            candidate: StartFramed::new(STX),
            stats: DeframerStats { frames: 0, bad_frames: 0, skipped_bytes: 0 },
        }
    }

    /// Takes one received byte; returns a frame when this byte completes one.
    pub fn push(&mut self, byte: u8) -> Option<Frame> {
        let checked = match self.candidate.push(byte) {
            Step::Skipped => {
                self.stats.skipped_bytes += 1;
                return None;
            }
            Step::Partial => return None,
            Step::Candidate(bytes) => Frame::from_bytes(bytes),
        };
        match checked {
            Ok(frame) => {
                self.candidate.accept();
                self.stats.frames += 1;
                Some(frame)
            }
            Err(_) => {
                self.stats.bad_frames += 1;
                self.stats.skipped_bytes += self.candidate.reject();
                None
            }
        }
    }

    /// Every frame completed by `bytes`, in order.
    pub fn feed_all(&mut self, bytes: &[u8], out: &mut Vec<Frame>) {
        out.extend(bytes.iter().filter_map(|&b| self.push(b)));
    }

    /// Counters since this deframer was made.
    pub const fn stats(&self) -> DeframerStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::pelco_d::{
        Focus, Iris, Motion, Pan, PanPosition, PanSpeed, Tilt, TiltPosition, TiltSpeed, Zoom, ZoomPosition,
    };

    #[test]
    fn set_pan_is_the_documented_bytes() {
        // Set pan 180.00° (18000 = 0x4650) on head 1.
        let b = encode(1, Command::SetPan(PanPosition::new(18_000).unwrap()));
        assert_eq!(&b[..7], &[0xA0, 0x01, 0x00, 0x4B, 0x46, 0x50, 0xAF]);
        assert_eq!(b[7], 0xA0 ^ 0x01 ^ 0x4B ^ 0x46 ^ 0x50 ^ 0xAF);
    }

    #[test]
    fn pan_left_and_focus_far_use_p_bits_not_d_bits() {
        let c = Command::Move(Motion {
            pan: Some(Pan::Left(PanSpeed::new(0x20).unwrap())),
            focus: Some(Focus::Far),
            ..Motion::STOP
        });
        let b = encode(2, c);
        assert_eq!(&b[2..6], &[P_FOCUS_FAR, 1 << 2, 0x20, 0x00]);
        assert_eq!(decode(&b), Ok(Message { address: 2, command: c }));
    }

    #[test]
    fn a_bad_checksum_etx_or_length_is_an_error_not_a_panic() {
        let mut b = encode(1, Command::QueryTilt);
        b[7] ^= 1;
        assert!(matches!(decode(&b), Err(PelcoPError::Frame(FrameError::BadChecksum { .. }))));
        let mut b = encode(1, Command::QueryTilt);
        b[6] = 0;
        assert!(matches!(decode(&b), Err(PelcoPError::Frame(FrameError::BadEtx { .. }))));
        assert!(matches!(decode(&b[..7]), Err(PelcoPError::Frame(FrameError::WrongLength { len: 7 }))));
        // Camera-on bit: well formed, not modelled.
        let f = Frame { address: 1, data: [1 << 6, 0, 0, 0] };
        assert!(matches!(decode(&f.to_bytes()), Err(PelcoPError::Command(PelcoError::Unsupported { .. }))));
    }

    #[test]
    fn the_deframer_finds_frames_in_noise_and_counts_it() {
        let mut bytes = vec![0x13, STX, 0x37];
        bytes.extend_from_slice(&encode(1, Command::QueryPan));
        bytes.push(0x00);
        bytes.extend_from_slice(&encode(1, Command::STOP));
        let mut d = Deframer::new();
        let mut frames = Vec::new();
        d.feed_all(&bytes, &mut frames);
        let cmds: Vec<_> = frames.iter().map(|f| f.command().unwrap()).collect();
        assert_eq!(cmds, [Command::QueryPan, Command::STOP]);
        assert!(d.stats().bad_frames >= 1);
    }

    fn command() -> impl Strategy<Value = Command> {
        let pan_speed = prop_oneof![(0u8..=0x3F).prop_map(|s| PanSpeed::new(s).unwrap()), Just(PanSpeed::TURBO)];
        let tilt_speed = (0u8..=0x3F).prop_map(|s| TiltSpeed::new(s).unwrap());
        let motion = (
            proptest::option::of(prop_oneof![pan_speed.clone().prop_map(Pan::Left), pan_speed.prop_map(Pan::Right)]),
            proptest::option::of(prop_oneof![tilt_speed.clone().prop_map(Tilt::Up), tilt_speed.prop_map(Tilt::Down)]),
            proptest::option::of(prop_oneof![Just(Zoom::In), Just(Zoom::Out)]),
            proptest::option::of(prop_oneof![Just(Focus::Near), Just(Focus::Far)]),
            proptest::option::of(prop_oneof![Just(Iris::Open), Just(Iris::Close)]),
        )
            .prop_map(|(pan, tilt, zoom, focus, iris)| Command::Move(Motion { pan, tilt, zoom, focus, iris }));
        prop_oneof![
            motion,
            any::<u8>().prop_map(Command::SetPreset),
            any::<u8>().prop_map(Command::ClearPreset),
            any::<u8>().prop_map(Command::GoToPreset),
            (0u16..36_000).prop_map(|p| Command::SetPan(PanPosition::new(p).unwrap())),
            (-17_999i16..=18_000).prop_map(|t| Command::SetTilt(TiltPosition::new(t).unwrap())),
            any::<u16>().prop_map(|z| Command::SetZoom(ZoomPosition(z))),
            Just(Command::QueryPan),
            Just(Command::QueryTilt),
            Just(Command::QueryZoom),
            (0u16..36_000).prop_map(|p| Command::PanReport(PanPosition::new(p).unwrap())),
            (-17_999i16..=18_000).prop_map(|t| Command::TiltReport(TiltPosition::new(t).unwrap())),
            any::<u16>().prop_map(|z| Command::ZoomReport(ZoomPosition(z))),
        ]
    }

    proptest! {
        #[test]
        fn every_command_round_trips(address in any::<u8>(), c in command()) {
            prop_assert_eq!(decode(&encode(address, c)), Ok(Message { address, command: c }));
        }

        #[test]
        fn any_bytes_decode_or_fail_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = decode(&bytes);
            let mut d = Deframer::new();
            let mut frames = Vec::new();
            d.feed_all(&bytes, &mut frames);
            for f in frames {
                let _ = f.command();
            }
        }

        #[test]
        fn frames_survive_noise_between_them(
            address in any::<u8>(), a in command(), b in command(), noise in proptest::collection::vec(0u8..0xA0, 0..10)
        ) {
            let mut bytes = encode(address, a).to_vec();
            bytes.extend_from_slice(&noise);
            bytes.extend_from_slice(&encode(address, b));
            let mut d = Deframer::new();
            let mut frames = Vec::new();
            d.feed_all(&bytes, &mut frames);
            let got: Vec<_> = frames.iter().map(|f| f.command().unwrap()).collect();
            prop_assert_eq!(got, vec![a, b]);
        }
    }
}
