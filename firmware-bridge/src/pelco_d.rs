//! Pelco-D, the PTZ control protocol most pan/tilt heads speak over RS-485 (and, through
//! serial servers, over TCP/UDP).
//!
//! This module is a pure codec: [`encode`] turns an address and a typed [`Command`] into the 7
//! bytes to send, [`decode`] turns 7 received bytes back, and a [`Deframer`] cuts a stream of
//! received bytes into checked [`Frame`]s. Nothing here does I/O; a transport writes what
//! [`encode`] returns and feeds whatever it reads into [`Deframer::feed`].
//!
//! # Frame
//! | byte | 1 | 2 | 3 | 4 | 5 | 6 | 7 |
//! |---|---|---|---|---|---|---|---|
//! | field | sync `0xFF` | address | command 1 | command 2 | data 1 | data 2 | checksum |
//!
//! The checksum is the sum of bytes 2 to 6 modulo 256 (the sync byte is not included).
//!
//! *Standard* commands are bit fields: command 1 carries focus near (bit 0), iris open (bit 1)
//! and iris close (bit 2); command 2 carries pan right (bit 1), pan left (bit 2), tilt up (bit 3),
//! tilt down (bit 4), zoom tele (bit 5), zoom wide (bit 6) and focus far (bit 7); data 1 is the
//! pan speed and data 2 the tilt speed. All bits clear means stop. Each frame states the whole
//! motion: an axis whose bits are clear stops. *Extended* commands have bit 0 of command 2 set
//! and command 1 clear, and command 2 is an opcode (presets, absolute positions, queries).
//!
//! # Angle conventions
//! - Pan positions are hundredths of a degree, `0..=35999`, clockwise seen from above, from the
//!   head's own mechanical zero (which the site calibration relates to true north).
//! - Tilt positions are held as **elevation**: hundredths of a degree, positive up, zero level.
//!   On the wire they are `0..=35999` with a downward angle `a` sent as `360° − a`, the
//!   convention of Pelco's Spectra heads and most heads copying its extended set: level is `0`,
//!   10° up is `1000`, 10° down is `35000`. Wire values map one-to-one onto elevations in
//!   `(-180°, +180°]` (values above `18000` are downward), see [`TiltPosition::from_wire`]. A
//!   head that counts downward tilt as positive needs its sign flipped by its site calibration.
//! - Zoom positions are a fraction of the lens's travel: `0` is fully wide, `0xFFFF` fully tele.
//!
//! # References
//! - Pelco, *Pelco D Protocol Manual* (C1300M-B): frame layout, checksum, standard command bits,
//!   pan speeds `0x00..=0x3F` and turbo `0xFF`, presets.
//! - Pelco, *Spectra IV/III extended command set*: set/query/report pan (`0x4B`/`0x51`/`0x59`),
//!   tilt (`0x4D`/`0x53`/`0x5B`) and zoom (`0x4F`/`0x55`/`0x5D`) positions.

use core::fmt;
use crate::start_framed::{StartFramed, Step};

/// The byte every Pelco-D frame starts with; the deframer resynchronises on it.
pub const SYNC: u8 = 0xFF;

/// Length in bytes of every Pelco-D command and position frame.
pub const FRAME_LEN: usize = 7;

// Command 1 bits (standard commands).
const FOCUS_NEAR: u8 = 1 << 0;
const IRIS_OPEN: u8 = 1 << 1;
const IRIS_CLOSE: u8 = 1 << 2;
const CMD1_KNOWN: u8 = FOCUS_NEAR | IRIS_OPEN | IRIS_CLOSE;

// Command 2 bits (standard commands). Bit 0 set marks an extended command instead.
const EXTENDED: u8 = 1 << 0;
const PAN_RIGHT: u8 = 1 << 1;
const PAN_LEFT: u8 = 1 << 2;
const TILT_UP: u8 = 1 << 3;
const TILT_DOWN: u8 = 1 << 4;
const ZOOM_TELE: u8 = 1 << 5;
const ZOOM_WIDE: u8 = 1 << 6;
const FOCUS_FAR: u8 = 1 << 7;

// Extended opcodes (command 2, command 1 = 0).
const OP_SET_PRESET: u8 = 0x03;
const OP_CLEAR_PRESET: u8 = 0x05;
const OP_GO_TO_PRESET: u8 = 0x07;
const OP_SET_PAN: u8 = 0x4B;
const OP_SET_TILT: u8 = 0x4D;
const OP_SET_ZOOM: u8 = 0x4F;
const OP_QUERY_PAN: u8 = 0x51;
const OP_QUERY_TILT: u8 = 0x53;
const OP_QUERY_ZOOM: u8 = 0x55;
const OP_PAN_REPORT: u8 = 0x59;
const OP_TILT_REPORT: u8 = 0x5B;
const OP_ZOOM_REPORT: u8 = 0x5D;

/// Hundredths of a degree in a full turn; pan and tilt wire values are below this.
const FULL_TURN_CDEG: u16 = 36_000;

/// Why bytes could not be read as a Pelco-D message, or a value cannot be sent as one.
///
/// Small and `Copy`, so the receive path never allocates to report a bad frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PelcoError {
    /// The slice given to [`decode`] is not exactly [`FRAME_LEN`] bytes long.
    #[error("a Pelco-D frame is 7 bytes, got {len}")]
    WrongLength {
        /// Length of the slice that was given.
        len: usize,
    },
    /// The first byte is not [`SYNC`].
    #[error("a Pelco-D frame starts with 0xFF, got {found:#04x}")]
    BadSync {
        /// The byte found where the sync byte belongs.
        found: u8,
    },
    /// The checksum byte does not match the sum of bytes 2 to 6.
    #[error("Pelco-D checksum is {found:#04x}, bytes 2-6 sum to {expected:#04x}")]
    BadChecksum {
        /// Checksum computed from the frame's bytes.
        expected: u8,
        /// Checksum byte carried by the frame.
        found: u8,
    },
    /// A well-formed frame whose command this codec does not model (camera on/off, scan,
    /// auxiliaries, vendor extensions).
    #[error("unsupported Pelco-D command: command 1 = {cmd1:#04x}, command 2 = {cmd2:#04x}")]
    Unsupported {
        /// Command byte 1 of the frame.
        cmd1: u8,
        /// Command byte 2 of the frame.
        cmd2: u8,
    },
    /// A standard command asks for both directions of one axis at once (left and right, up and
    /// down, tele and wide, near and far, or iris open and close).
    #[error(
        "Pelco-D command moves one axis both ways: command 1 = {cmd1:#04x}, command 2 = {cmd2:#04x}"
    )]
    ConflictingDirections {
        /// Command byte 1 of the frame.
        cmd1: u8,
        /// Command byte 2 of the frame.
        cmd2: u8,
    },
    /// A value is outside the range the protocol allows for its field.
    #[error("{field} {value} is out of range")]
    OutOfRange {
        /// Which field the value was meant for.
        field: Field,
        /// The offending value (wire units; angles in hundredths of a degree).
        value: i32,
    },
    /// An angle given in degrees is NaN or infinite.
    #[error("{field} in degrees is not a finite number")]
    NotFinite {
        /// Which field the value was meant for.
        field: Field,
    },
}

/// Names the field an out-of-range value was meant for, so errors say which one without
/// allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Pan speed, data byte 1 of a standard command.
    PanSpeed,
    /// Tilt speed, data byte 2 of a standard command.
    TiltSpeed,
    /// Pan position in hundredths of a degree.
    PanPosition,
    /// Tilt position in hundredths of a degree.
    TiltPosition,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::PanSpeed => "pan speed",
            Field::TiltSpeed => "tilt speed",
            Field::PanPosition => "pan position",
            Field::TiltPosition => "tilt position",
        })
    }
}

/// Pan speed of a manual pan command: `0x00..=0x3F` from slowest to fastest, or turbo.
///
/// A newtype so a raw byte outside the protocol's range cannot reach the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PanSpeed(u8);

impl PanSpeed {
    /// The slowest pan speed (many heads treat it as a creep, some as stopped).
    pub const MIN: PanSpeed = PanSpeed(0x00);
    /// The fastest regular pan speed.
    pub const MAX: PanSpeed = PanSpeed(0x3F);
    /// Turbo: the head's top pan speed, above [`PanSpeed::MAX`].
    pub const TURBO: PanSpeed = PanSpeed(0xFF);

    /// Checks a raw data-1 byte.
    ///
    /// # Errors
    /// [`PelcoError::OutOfRange`] for `0x40..=0xFE`.
    pub const fn new(raw: u8) -> Result<PanSpeed, PelcoError> {
        if raw <= Self::MAX.0 || raw == Self::TURBO.0 {
            Ok(PanSpeed(raw))
        } else {
            Err(PelcoError::OutOfRange {
                field: Field::PanSpeed,
                value: raw as i32,
            })
        }
    }

    /// The byte sent as data 1.
    pub const fn raw(self) -> u8 {
        self.0
    }

    /// Whether this is the turbo speed.
    pub const fn is_turbo(self) -> bool {
        self.0 == Self::TURBO.0
    }
}

/// Tilt speed of a manual tilt command: `0x00..=0x3F` from slowest to fastest (no turbo).
///
/// A newtype so a raw byte outside the protocol's range cannot reach the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TiltSpeed(u8);

impl TiltSpeed {
    /// The slowest tilt speed.
    pub const MIN: TiltSpeed = TiltSpeed(0x00);
    /// The fastest tilt speed.
    pub const MAX: TiltSpeed = TiltSpeed(0x3F);

    /// Checks a raw data-2 byte.
    ///
    /// # Errors
    /// [`PelcoError::OutOfRange`] above `0x3F`.
    pub const fn new(raw: u8) -> Result<TiltSpeed, PelcoError> {
        if raw <= Self::MAX.0 {
            Ok(TiltSpeed(raw))
        } else {
            Err(PelcoError::OutOfRange {
                field: Field::TiltSpeed,
                value: raw as i32,
            })
        }
    }

    /// The byte sent as data 2.
    pub const fn raw(self) -> u8 {
        self.0
    }
}

/// An absolute pan angle as the head counts it, for the set-pan command and pan reports.
///
/// # Units
/// Hundredths of a degree, `0..=35999`, clockwise seen from above, from the head's mechanical
/// zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PanPosition(u16);

impl PanPosition {
    /// The head's mechanical zero.
    pub const ZERO: PanPosition = PanPosition(0);

    /// Checks a pan angle in hundredths of a degree.
    ///
    /// # Errors
    /// [`PelcoError::OutOfRange`] for `36000` and above.
    pub const fn new(centidegrees: u16) -> Result<PanPosition, PelcoError> {
        if centidegrees < FULL_TURN_CDEG {
            Ok(PanPosition(centidegrees))
        } else {
            Err(PelcoError::OutOfRange {
                field: Field::PanPosition,
                value: centidegrees as i32,
            })
        }
    }

    /// The nearest pan position to an angle in degrees; any finite angle is wrapped into a
    /// full turn first, so `-90.0` is `270.00°` and `359.999` is `0.00°`.
    ///
    /// # Errors
    /// [`PelcoError::NotFinite`] for NaN or an infinity.
    ///
    /// # Examples
    /// ```
    /// # use firmware_bridge::pelco_d::PanPosition;
    /// assert_eq!(PanPosition::from_degrees(-90.0)?.centidegrees(), 27_000);
    /// assert_eq!(PanPosition::from_degrees(359.999)?.centidegrees(), 0);
    /// # Ok::<(), firmware_bridge::pelco_d::PelcoError>(())
    /// ```
    pub fn from_degrees(degrees: f64) -> Result<PanPosition, PelcoError> {
        if !degrees.is_finite() {
            return Err(PelcoError::NotFinite {
                field: Field::PanPosition,
            });
        }
        let cdeg = (degrees * 100.0)
            .round()
            .rem_euclid(f64::from(FULL_TURN_CDEG));
        // rem_euclid of a finite value lands in [0, 36000); the cast cannot truncate, and the
        // `% FULL_TURN` guards the one rounding case where rem_euclid returns 36000.0 exactly.
        Ok(PanPosition((cdeg as u16) % FULL_TURN_CDEG))
    }

    /// The angle in hundredths of a degree, `0..=35999`.
    pub const fn centidegrees(self) -> u16 {
        self.0
    }

    /// The angle in degrees, `[0, 360)`.
    pub fn degrees(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

/// An absolute tilt angle as elevation, for the set-tilt command and tilt reports.
///
/// # Units
/// Hundredths of a degree of elevation, positive up, zero level, `-17999..=18000`. On the wire
/// it is `0..=35999` with downward angles as `36000 − depression` (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TiltPosition(i16);

impl TiltPosition {
    /// Level: the tilt zero.
    pub const LEVEL: TiltPosition = TiltPosition(0);

    /// Checks an elevation in hundredths of a degree.
    ///
    /// # Errors
    /// [`PelcoError::OutOfRange`] outside `-17999..=18000`.
    pub const fn new(elevation_centidegrees: i16) -> Result<TiltPosition, PelcoError> {
        if elevation_centidegrees > -18_000 && elevation_centidegrees <= 18_000 {
            Ok(TiltPosition(elevation_centidegrees))
        } else {
            Err(PelcoError::OutOfRange {
                field: Field::TiltPosition,
                value: elevation_centidegrees as i32,
            })
        }
    }

    /// The nearest tilt position to an elevation in degrees, wrapped into `(-180°, 180°]`.
    ///
    /// # Errors
    /// [`PelcoError::NotFinite`] for NaN or an infinity.
    pub fn from_degrees(elevation_degrees: f64) -> Result<TiltPosition, PelcoError> {
        if !elevation_degrees.is_finite() {
            return Err(PelcoError::NotFinite {
                field: Field::TiltPosition,
            });
        }
        let wire = (elevation_degrees * 100.0)
            .round()
            .rem_euclid(f64::from(FULL_TURN_CDEG));
        // As in PanPosition::from_degrees: in [0, 36000], and 36000 wraps to 0.
        Self::from_wire((wire as u16) % FULL_TURN_CDEG)
    }

    /// Reads a wire value: `0..=18000` are level or up, `18001..=35999` are down
    /// (`36000 − value` hundredths of a degree below level).
    ///
    /// # Errors
    /// [`PelcoError::OutOfRange`] for `36000` and above.
    ///
    /// # Examples
    /// ```
    /// # use firmware_bridge::pelco_d::TiltPosition;
    /// assert_eq!(TiltPosition::from_wire(1_000)?.centidegrees(), 1_000); // 10° up
    /// assert_eq!(TiltPosition::from_wire(35_000)?.centidegrees(), -1_000); // 10° down
    /// # Ok::<(), firmware_bridge::pelco_d::PelcoError>(())
    /// ```
    pub const fn from_wire(wire: u16) -> Result<TiltPosition, PelcoError> {
        if wire >= FULL_TURN_CDEG {
            Err(PelcoError::OutOfRange {
                field: Field::TiltPosition,
                value: wire as i32,
            })
        } else if wire <= 18_000 {
            Ok(TiltPosition(wire as i16))
        } else {
            // 18001..=35999 − 36000 is -17999..=-1, which fits an i16.
            Ok(TiltPosition((wire as i32 - FULL_TURN_CDEG as i32) as i16))
        }
    }

    /// The wire value, `0..=35999`.
    pub const fn to_wire(self) -> u16 {
        if self.0 >= 0 {
            self.0 as u16
        } else {
            (self.0 as i32 + FULL_TURN_CDEG as i32) as u16
        }
    }

    /// The elevation in hundredths of a degree, positive up.
    pub const fn centidegrees(self) -> i16 {
        self.0
    }

    /// The elevation in degrees, positive up.
    pub fn degrees(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

/// An absolute zoom position, for the set-zoom command and zoom reports.
///
/// # Units
/// A fraction of the lens's zoom travel scaled to 16 bits: `0` fully wide, `0xFFFF` fully tele.
/// Mapping it to a focal length or field of view is the camera calibration's job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZoomPosition(pub u16);

impl ZoomPosition {
    /// Fully wide.
    pub const WIDE: ZoomPosition = ZoomPosition(0);
    /// Fully tele.
    pub const TELE: ZoomPosition = ZoomPosition(u16::MAX);

    /// The nearest zoom position to a fraction of the travel; values outside `[0, 1]` (and NaN,
    /// as wide) are clamped, since a zoom beyond its end stop is its end stop.
    pub fn from_fraction(fraction: f64) -> ZoomPosition {
        // The clamped product is in [0, 65535], so the saturating float-to-int cast is exact.
        ZoomPosition((fraction.clamp(0.0, 1.0) * f64::from(u16::MAX)).round() as u16)
    }

    /// The position as a fraction of the zoom travel, `[0, 1]`.
    pub fn fraction(self) -> f64 {
        f64::from(self.0) / f64::from(u16::MAX)
    }
}

/// Manual pan: which way, how fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pan {
    /// Counter-clockwise seen from above.
    Left(PanSpeed),
    /// Clockwise seen from above.
    Right(PanSpeed),
}

/// Manual tilt: which way, how fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tilt {
    /// Towards the sky.
    Up(TiltSpeed),
    /// Towards the ground.
    Down(TiltSpeed),
}

/// Manual zoom direction (Pelco-D has no zoom speed in the frame; heads use a separate setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zoom {
    /// Towards tele: narrower field of view ("zoom tele" bit).
    In,
    /// Towards wide: wider field of view ("zoom wide" bit).
    Out,
}

/// Manual focus direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    /// Focus closer to the camera.
    Near,
    /// Focus further away.
    Far,
}

/// Manual iris direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Iris {
    /// Let more light in.
    Open,
    /// Let less light in.
    Close,
}

/// What a standard (manual-motion) command asks of every axis at once.
///
/// Pelco-D states the whole motion in each frame, so an axis left `None` stops; an all-`None`
/// motion is the stop command, [`Motion::STOP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Motion {
    /// Pan direction and speed, or `None` to stop panning.
    pub pan: Option<Pan>,
    /// Tilt direction and speed, or `None` to stop tilting.
    pub tilt: Option<Tilt>,
    /// Zoom direction, or `None` to stop zooming.
    pub zoom: Option<Zoom>,
    /// Focus direction, or `None` to stop focusing.
    pub focus: Option<Focus>,
    /// Iris direction, or `None` to leave the iris alone.
    pub iris: Option<Iris>,
}

impl Motion {
    /// Every axis stopped.
    pub const STOP: Motion = Motion {
        pan: None,
        tilt: None,
        zoom: None,
        focus: None,
        iris: None,
    };

    /// Whether this motion stops everything.
    pub const fn is_stop(&self) -> bool {
        self.pan.is_none()
            && self.tilt.is_none()
            && self.zoom.is_none()
            && self.focus.is_none()
            && self.iris.is_none()
    }
}

/// One Pelco-D command or report, typed: what a frame means once its bits are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// Manual motion of any axes, including stop ([`Command::STOP`]).
    Move(Motion),
    /// Store the current position as preset `n`.
    SetPreset(u8),
    /// Forget preset `n`.
    ClearPreset(u8),
    /// Slew to preset `n`. Some heads reserve presets (e.g. 95 opens the on-screen menu); this
    /// codec passes every number through unchanged.
    GoToPreset(u8),
    /// Slew to an absolute pan angle (`0x4B`).
    SetPan(PanPosition),
    /// Slew to an absolute tilt angle (`0x4D`).
    SetTilt(TiltPosition),
    /// Zoom to an absolute position (`0x4F`).
    SetZoom(ZoomPosition),
    /// Ask the head for its pan angle (`0x51`); it answers with [`Command::PanReport`].
    QueryPan,
    /// Ask the head for its tilt angle (`0x53`); it answers with [`Command::TiltReport`].
    QueryTilt,
    /// Ask the head for its zoom position (`0x55`); it answers with [`Command::ZoomReport`].
    QueryZoom,
    /// The head's answer to [`Command::QueryPan`] (`0x59`).
    PanReport(PanPosition),
    /// The head's answer to [`Command::QueryTilt`] (`0x5B`).
    TiltReport(TiltPosition),
    /// The head's answer to [`Command::QueryZoom`] (`0x5D`).
    ZoomReport(ZoomPosition),
}

impl Command {
    /// Stop every axis.
    pub const STOP: Command = Command::Move(Motion::STOP);

    /// Pan left (counter-clockwise) at `speed`, every other axis stopped.
    pub const fn pan_left(speed: PanSpeed) -> Command {
        Command::Move(Motion {
            pan: Some(Pan::Left(speed)),
            ..Motion::STOP
        })
    }

    /// Pan right (clockwise) at `speed`, every other axis stopped.
    pub const fn pan_right(speed: PanSpeed) -> Command {
        Command::Move(Motion {
            pan: Some(Pan::Right(speed)),
            ..Motion::STOP
        })
    }

    /// Tilt up at `speed`, every other axis stopped.
    pub const fn tilt_up(speed: TiltSpeed) -> Command {
        Command::Move(Motion {
            tilt: Some(Tilt::Up(speed)),
            ..Motion::STOP
        })
    }

    /// Tilt down at `speed`, every other axis stopped.
    pub const fn tilt_down(speed: TiltSpeed) -> Command {
        Command::Move(Motion {
            tilt: Some(Tilt::Down(speed)),
            ..Motion::STOP
        })
    }

    /// Zoom in (towards tele), every other axis stopped.
    pub const fn zoom_in() -> Command {
        Command::Move(Motion {
            zoom: Some(Zoom::In),
            ..Motion::STOP
        })
    }

    /// Zoom out (towards wide), every other axis stopped.
    pub const fn zoom_out() -> Command {
        Command::Move(Motion {
            zoom: Some(Zoom::Out),
            ..Motion::STOP
        })
    }

    /// Focus nearer, every other axis stopped.
    pub const fn focus_near() -> Command {
        Command::Move(Motion {
            focus: Some(Focus::Near),
            ..Motion::STOP
        })
    }

    /// Focus further, every other axis stopped.
    pub const fn focus_far() -> Command {
        Command::Move(Motion {
            focus: Some(Focus::Far),
            ..Motion::STOP
        })
    }

    /// The frame that carries this command to (or, for reports, from) the head at `address`.
    ///
    /// Data bytes a command does not use are sent as zero.
    pub const fn to_frame(self, address: u8) -> Frame {
        let (cmd1, cmd2, data1, data2) = match self {
            Command::Move(m) => {
                let mut cmd1 = 0;
                let mut cmd2 = 0;
                let mut data1 = 0;
                let mut data2 = 0;
                match m.pan {
                    Some(Pan::Left(s)) => {
                        cmd2 |= PAN_LEFT;
                        data1 = s.0;
                    }
                    Some(Pan::Right(s)) => {
                        cmd2 |= PAN_RIGHT;
                        data1 = s.0;
                    }
                    None => {}
                }
                match m.tilt {
                    Some(Tilt::Up(s)) => {
                        cmd2 |= TILT_UP;
                        data2 = s.0;
                    }
                    Some(Tilt::Down(s)) => {
                        cmd2 |= TILT_DOWN;
                        data2 = s.0;
                    }
                    None => {}
                }
                match m.zoom {
                    Some(Zoom::In) => cmd2 |= ZOOM_TELE,
                    Some(Zoom::Out) => cmd2 |= ZOOM_WIDE,
                    None => {}
                }
                match m.focus {
                    Some(Focus::Near) => cmd1 |= FOCUS_NEAR,
                    Some(Focus::Far) => cmd2 |= FOCUS_FAR,
                    None => {}
                }
                match m.iris {
                    Some(Iris::Open) => cmd1 |= IRIS_OPEN,
                    Some(Iris::Close) => cmd1 |= IRIS_CLOSE,
                    None => {}
                }
                (cmd1, cmd2, data1, data2)
            }
            Command::SetPreset(n) => (0, OP_SET_PRESET, 0, n),
            Command::ClearPreset(n) => (0, OP_CLEAR_PRESET, 0, n),
            Command::GoToPreset(n) => (0, OP_GO_TO_PRESET, 0, n),
            Command::SetPan(p) => word(OP_SET_PAN, p.0),
            Command::SetTilt(t) => word(OP_SET_TILT, t.to_wire()),
            Command::SetZoom(z) => word(OP_SET_ZOOM, z.0),
            Command::QueryPan => (0, OP_QUERY_PAN, 0, 0),
            Command::QueryTilt => (0, OP_QUERY_TILT, 0, 0),
            Command::QueryZoom => (0, OP_QUERY_ZOOM, 0, 0),
            Command::PanReport(p) => word(OP_PAN_REPORT, p.0),
            Command::TiltReport(t) => word(OP_TILT_REPORT, t.to_wire()),
            Command::ZoomReport(z) => word(OP_ZOOM_REPORT, z.0),
        };
        Frame {
            address,
            cmd1,
            cmd2,
            data1,
            data2,
        }
    }

    /// Reads the command a checked frame carries.
    ///
    /// Data bytes a command does not use are ignored, as heads do.
    ///
    /// # Errors
    /// [`PelcoError::Unsupported`] for commands this codec does not model,
    /// [`PelcoError::ConflictingDirections`] for a standard command that moves an axis both
    /// ways, [`PelcoError::OutOfRange`] for a speed or angle outside the protocol's range.
    pub const fn from_frame(frame: &Frame) -> Result<Command, PelcoError> {
        let Frame {
            cmd1,
            cmd2,
            data1,
            data2,
            ..
        } = *frame;
        let unsupported = PelcoError::Unsupported { cmd1, cmd2 };
        if cmd2 & EXTENDED != 0 {
            if cmd1 != 0 {
                return Err(unsupported);
            }
            let value = u16::from_be_bytes([data1, data2]);
            return match cmd2 {
                OP_SET_PRESET => Ok(Command::SetPreset(data2)),
                OP_CLEAR_PRESET => Ok(Command::ClearPreset(data2)),
                OP_GO_TO_PRESET => Ok(Command::GoToPreset(data2)),
                OP_SET_PAN => match PanPosition::new(value) {
                    Ok(p) => Ok(Command::SetPan(p)),
                    Err(e) => Err(e),
                },
                OP_SET_TILT => match TiltPosition::from_wire(value) {
                    Ok(t) => Ok(Command::SetTilt(t)),
                    Err(e) => Err(e),
                },
                OP_SET_ZOOM => Ok(Command::SetZoom(ZoomPosition(value))),
                OP_QUERY_PAN => Ok(Command::QueryPan),
                OP_QUERY_TILT => Ok(Command::QueryTilt),
                OP_QUERY_ZOOM => Ok(Command::QueryZoom),
                OP_PAN_REPORT => match PanPosition::new(value) {
                    Ok(p) => Ok(Command::PanReport(p)),
                    Err(e) => Err(e),
                },
                OP_TILT_REPORT => match TiltPosition::from_wire(value) {
                    Ok(t) => Ok(Command::TiltReport(t)),
                    Err(e) => Err(e),
                },
                OP_ZOOM_REPORT => Ok(Command::ZoomReport(ZoomPosition(value))),
                _ => Err(unsupported),
            };
        }
        // Standard command: camera on/off, auto-scan and the sense bit are not modelled.
        if cmd1 & !CMD1_KNOWN != 0 {
            return Err(unsupported);
        }
        let conflict = PelcoError::ConflictingDirections { cmd1, cmd2 };
        if both(PAN_LEFT, PAN_RIGHT, cmd2)
            || both(TILT_UP, TILT_DOWN, cmd2)
            || both(ZOOM_TELE, ZOOM_WIDE, cmd2)
            || both(IRIS_OPEN, IRIS_CLOSE, cmd1)
            || (cmd1 & FOCUS_NEAR != 0 && cmd2 & FOCUS_FAR != 0)
        {
            return Err(conflict);
        }
        let pan = if cmd2 & (PAN_LEFT | PAN_RIGHT) == 0 {
            None
        } else {
            let speed = match PanSpeed::new(data1) {
                Ok(s) => s,
                Err(e) => return Err(e),
            };
            Some(if cmd2 & PAN_LEFT != 0 {
                Pan::Left(speed)
            } else {
                Pan::Right(speed)
            })
        };
        let tilt = if cmd2 & (TILT_UP | TILT_DOWN) == 0 {
            None
        } else {
            let speed = match TiltSpeed::new(data2) {
                Ok(s) => s,
                Err(e) => return Err(e),
            };
            Some(if cmd2 & TILT_UP != 0 {
                Tilt::Up(speed)
            } else {
                Tilt::Down(speed)
            })
        };
        let zoom = if cmd2 & ZOOM_TELE != 0 {
            Some(Zoom::In)
        } else if cmd2 & ZOOM_WIDE != 0 {
            Some(Zoom::Out)
        } else {
            None
        };
        let focus = if cmd1 & FOCUS_NEAR != 0 {
            Some(Focus::Near)
        } else if cmd2 & FOCUS_FAR != 0 {
            Some(Focus::Far)
        } else {
            None
        };
        let iris = if cmd1 & IRIS_OPEN != 0 {
            Some(Iris::Open)
        } else if cmd1 & IRIS_CLOSE != 0 {
            Some(Iris::Close)
        } else {
            None
        };
        Ok(Command::Move(Motion {
            pan,
            tilt,
            zoom,
            focus,
            iris,
        }))
    }
}

/// Whether `byte` has both bit `a` and bit `b` set.
const fn both(a: u8, b: u8, byte: u8) -> bool {
    byte & a != 0 && byte & b != 0
}

/// An extended command carrying a 16-bit big-endian value in data 1 (high) and data 2 (low).
const fn word(opcode: u8, value: u16) -> (u8, u8, u8, u8) {
    let [hi, lo] = value.to_be_bytes();
    (0, opcode, hi, lo)
}

/// A checked Pelco-D frame whose command has not been interpreted yet: what the [`Deframer`]
/// yields, so a frame with an unsupported command is still seen (and can be logged) rather than
/// lost in the byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Frame {
    /// Address of the head the frame is for (commands) or from (reports).
    pub address: u8,
    /// Command byte 1.
    pub cmd1: u8,
    /// Command byte 2.
    pub cmd2: u8,
    /// Data byte 1 (pan speed, or the high byte of a position).
    pub data1: u8,
    /// Data byte 2 (tilt speed, a preset number, or the low byte of a position).
    pub data2: u8,
}

impl Frame {
    /// The checksum byte: the sum of address, both command bytes and both data bytes, modulo
    /// 256.
    pub const fn checksum(&self) -> u8 {
        self.address
            .wrapping_add(self.cmd1)
            .wrapping_add(self.cmd2)
            .wrapping_add(self.data1)
            .wrapping_add(self.data2)
    }

    /// The 7 bytes to send, sync and checksum included.
    pub const fn to_bytes(&self) -> [u8; FRAME_LEN] {
        [
            SYNC,
            self.address,
            self.cmd1,
            self.cmd2,
            self.data1,
            self.data2,
            self.checksum(),
        ]
    }

    /// Checks and splits exactly one frame's bytes.
    ///
    /// # Errors
    /// [`PelcoError::WrongLength`], [`PelcoError::BadSync`] or [`PelcoError::BadChecksum`].
    pub const fn from_bytes(bytes: &[u8]) -> Result<Frame, PelcoError> {
        let [sync, address, cmd1, cmd2, data1, data2, checksum] = match bytes {
            [a, b, c, d, e, f, g] => [*a, *b, *c, *d, *e, *f, *g],
            _ => return Err(PelcoError::WrongLength { len: bytes.len() }),
        };
        if sync != SYNC {
            return Err(PelcoError::BadSync { found: sync });
        }
        let frame = Frame {
            address,
            cmd1,
            cmd2,
            data1,
            data2,
        };
        let expected = frame.checksum();
        if checksum != expected {
            return Err(PelcoError::BadChecksum {
                expected,
                found: checksum,
            });
        }
        Ok(frame)
    }

    /// Reads the command this frame carries; see [`Command::from_frame`].
    ///
    /// # Errors
    /// As [`Command::from_frame`].
    pub const fn command(&self) -> Result<Command, PelcoError> {
        Command::from_frame(self)
    }
}

/// A decoded frame: who it is for (or from) and what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Message {
    /// Address of the head.
    pub address: u8,
    /// The command or report.
    pub command: Command,
}

/// The bytes that send `command` to the head at `address` (or, for reports, from it).
///
/// # Examples
/// Pan right at speed `0x20`, head 1:
/// ```
/// # use firmware_bridge::pelco_d::{encode, Command, PanSpeed};
/// let bytes = encode(1, Command::pan_right(PanSpeed::new(0x20)?));
/// assert_eq!(bytes, [0xFF, 0x01, 0x00, 0x02, 0x20, 0x00, 0x23]);
/// # Ok::<(), firmware_bridge::pelco_d::PelcoError>(())
/// ```
pub const fn encode(address: u8, command: Command) -> [u8; FRAME_LEN] {
    command.to_frame(address).to_bytes()
}

/// Reads exactly one frame's bytes as a typed message.
///
/// # Errors
/// Any of [`Frame::from_bytes`]'s errors, then any of [`Command::from_frame`]'s.
///
/// # Examples
/// ```
/// # use firmware_bridge::pelco_d::{decode, Command, PanPosition};
/// let msg = decode(&[0xFF, 0x01, 0x00, 0x59, 0x46, 0x50, 0xF0])?;
/// assert_eq!(msg.address, 1);
/// assert_eq!(msg.command, Command::PanReport(PanPosition::new(18_000)?));
/// # Ok::<(), firmware_bridge::pelco_d::PelcoError>(())
/// ```
pub const fn decode(bytes: &[u8]) -> Result<Message, PelcoError> {
    let frame = match Frame::from_bytes(bytes) {
        Ok(f) => f,
        Err(e) => return Err(e),
    };
    match frame.command() {
        Ok(command) => Ok(Message {
            address: frame.address,
            command,
        }),
        Err(e) => Err(e),
    }
}

/// Counters kept by a [`Deframer`], for a transport's health report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeframerStats {
    /// Frames yielded with a good checksum.
    pub frames: u64,
    /// 7-byte candidates starting with `0xFF` whose checksum did not match. Garbage that happens
    /// to contain `0xFF` counts here too, as does a 4-byte Pelco "general response".
    pub bad_checksums: u64,
    /// Bytes thrown away while looking for the next `0xFF`.
    pub skipped_bytes: u64,
}

/// Cuts a received byte stream into checked [`Frame`]s, resynchronising through noise.
///
/// Bytes before a `0xFF` are skipped; seven bytes from a `0xFF` are a candidate frame; if its
/// checksum fails, only the leading `0xFF` is dropped and the search restarts at the next `0xFF`
/// *inside* the candidate, so a real frame that starts within garbage is still found. Holds at
/// most one partial frame, never allocates, and never fails: bad input is counted in
/// [`DeframerStats`].
///
/// # Examples
/// ```
/// # use firmware_bridge::pelco_d::{Deframer, Command};
/// let mut deframer = Deframer::new();
/// let noisy = [0x13, 0xFF, 0x37, 0xFF, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01];
/// let frames: Vec<_> = deframer.feed(&noisy).collect();
/// assert_eq!(frames.len(), 1);
/// assert_eq!(frames[0].command(), Ok(Command::STOP));
/// assert_eq!(deframer.stats().bad_checksums, 1);
/// ```
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
    /// An empty deframer waiting for a sync byte.
    pub const fn new() -> Deframer {
        Deframer {
            candidate: StartFramed::new(SYNC),
            stats: DeframerStats {
                frames: 0,
                bad_checksums: 0,
                skipped_bytes: 0,
            },
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
                // Only a checksum can fail here: the candidate is full and starts with SYNC.
                self.stats.bad_checksums += 1;
                self.stats.skipped_bytes += self.candidate.reject();
                None
            }
        }
    }

    /// The frames completed by `bytes`, lazily.
    ///
    /// Drain the iterator: bytes it has not reached when dropped are not buffered.
    pub fn feed<'d, 'b>(&'d mut self, bytes: &'b [u8]) -> Frames<'d, 'b> {
        Frames {
            deframer: self,
            bytes: bytes.iter(),
        }
    }

    /// Counters since this deframer was made.
    pub const fn stats(&self) -> DeframerStats {
        self.stats
    }

    /// Bytes held of a frame not yet complete (0 to 6).
    pub const fn pending(&self) -> usize {
        self.candidate.pending()
    }
}

/// Iterator over the frames completed by a slice of received bytes; see [`Deframer::feed`].
#[derive(Debug)]
pub struct Frames<'d, 'b> {
    deframer: &'d mut Deframer,
    bytes: core::slice::Iter<'b, u8>,
}

impl Iterator for Frames<'_, '_> {
    type Item = Frame;

    fn next(&mut self) -> Option<Frame> {
        self.bytes.by_ref().find_map(|&b| self.deframer.push(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pan_speed(raw: u8) -> PanSpeed {
        PanSpeed::new(raw).unwrap()
    }

    fn tilt_speed(raw: u8) -> TiltSpeed {
        TiltSpeed::new(raw).unwrap()
    }

    mod encode {
        use super::*;

        #[test]
        fn pan_right_at_speed_0x20_to_address_1_matches_the_manual() {
            assert_eq!(
                encode(1, Command::pan_right(pan_speed(0x20))),
                [0xFF, 0x01, 0x00, 0x02, 0x20, 0x00, 0x23]
            );
        }

        #[test]
        fn stop_is_all_zero_with_the_address_as_checksum() {
            assert_eq!(
                encode(1, Command::STOP),
                [0xFF, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01]
            );
        }

        #[test]
        fn pan_left_puts_the_speed_in_data_1() {
            assert_eq!(
                encode(2, Command::pan_left(PanSpeed::TURBO)),
                [0xFF, 0x02, 0x00, 0x04, 0xFF, 0x00, 0x05]
            );
        }

        #[test]
        fn tilt_up_and_down_put_the_speed_in_data_2() {
            assert_eq!(
                encode(1, Command::tilt_up(tilt_speed(0x3F))),
                [0xFF, 0x01, 0x00, 0x08, 0x00, 0x3F, 0x48]
            );
            assert_eq!(
                encode(1, Command::tilt_down(tilt_speed(0x10))),
                [0xFF, 0x01, 0x00, 0x10, 0x00, 0x10, 0x21]
            );
        }

        #[test]
        fn zoom_and_focus_set_their_bits() {
            assert_eq!(
                encode(1, Command::zoom_in()),
                [0xFF, 0x01, 0x00, 0x20, 0x00, 0x00, 0x21]
            );
            assert_eq!(
                encode(1, Command::zoom_out()),
                [0xFF, 0x01, 0x00, 0x40, 0x00, 0x00, 0x41]
            );
            assert_eq!(
                encode(1, Command::focus_near()),
                [0xFF, 0x01, 0x01, 0x00, 0x00, 0x00, 0x02]
            );
            assert_eq!(
                encode(1, Command::focus_far()),
                [0xFF, 0x01, 0x00, 0x80, 0x00, 0x00, 0x81]
            );
        }

        #[test]
        fn diagonal_moves_combine_pan_and_tilt() {
            let up_right = Command::Move(Motion {
                pan: Some(Pan::Right(pan_speed(0x20))),
                tilt: Some(Tilt::Up(tilt_speed(0x10))),
                ..Motion::STOP
            });
            assert_eq!(
                encode(1, up_right),
                [0xFF, 0x01, 0x00, 0x0A, 0x20, 0x10, 0x3B]
            );
        }

        #[test]
        fn presets_put_the_number_in_data_2() {
            assert_eq!(
                encode(1, Command::SetPreset(5)),
                [0xFF, 0x01, 0x00, 0x03, 0x00, 0x05, 0x09]
            );
            assert_eq!(
                encode(1, Command::ClearPreset(5)),
                [0xFF, 0x01, 0x00, 0x05, 0x00, 0x05, 0x0B]
            );
            assert_eq!(
                encode(1, Command::GoToPreset(5)),
                [0xFF, 0x01, 0x00, 0x07, 0x00, 0x05, 0x0D]
            );
        }

        #[test]
        fn set_pan_sends_hundredths_of_a_degree_big_endian() {
            // 180.00° = 18000 = 0x4650.
            let pan = PanPosition::new(18_000).unwrap();
            assert_eq!(
                encode(1, Command::SetPan(pan)),
                [0xFF, 0x01, 0x00, 0x4B, 0x46, 0x50, 0xE2]
            );
        }

        #[test]
        fn set_tilt_sends_downward_angles_as_360_minus_the_angle() {
            // 10° down is 350.00° = 35000 = 0x88B8.
            let tilt = TiltPosition::from_degrees(-10.0).unwrap();
            assert_eq!(
                encode(1, Command::SetTilt(tilt)),
                [0xFF, 0x01, 0x00, 0x4D, 0x88, 0xB8, 0x8E]
            );
        }

        #[test]
        fn queries_and_reports_use_their_opcodes() {
            assert_eq!(encode(1, Command::QueryPan)[3], 0x51);
            assert_eq!(encode(1, Command::QueryTilt)[3], 0x53);
            assert_eq!(encode(1, Command::QueryZoom)[3], 0x55);
            assert_eq!(
                encode(1, Command::PanReport(PanPosition::new(0).unwrap()))[3],
                0x59
            );
            assert_eq!(encode(1, Command::TiltReport(TiltPosition::LEVEL))[3], 0x5B);
            assert_eq!(encode(1, Command::ZoomReport(ZoomPosition::TELE))[3], 0x5D);
            assert_eq!(
                encode(1, Command::SetZoom(ZoomPosition(0x1234))),
                [0xFF, 0x01, 0x00, 0x4F, 0x12, 0x34, 0x96]
            );
        }

        #[test]
        fn checksum_wraps_modulo_256() {
            let bytes = encode(0xFF, Command::pan_left(PanSpeed::TURBO));
            assert_eq!(bytes[6], 0xFFu8.wrapping_add(0x04).wrapping_add(0xFF));
        }
    }

    mod decode {
        use super::*;

        #[test]
        fn reads_the_manual_pan_right_example() {
            let msg = decode(&[0xFF, 0x01, 0x00, 0x02, 0x20, 0x00, 0x23]).unwrap();
            assert_eq!(
                msg,
                Message {
                    address: 1,
                    command: Command::pan_right(pan_speed(0x20))
                }
            );
        }

        #[test]
        fn rejects_a_bad_checksum_naming_both_values() {
            assert_eq!(
                decode(&[0xFF, 0x01, 0x00, 0x02, 0x20, 0x00, 0x24]),
                Err(PelcoError::BadChecksum {
                    expected: 0x23,
                    found: 0x24
                })
            );
        }

        #[test]
        fn rejects_a_missing_sync_byte() {
            assert_eq!(
                decode(&[0xFE, 0x01, 0x00, 0x02, 0x20, 0x00, 0x23]),
                Err(PelcoError::BadSync { found: 0xFE })
            );
        }

        #[test]
        fn rejects_short_and_long_slices() {
            assert_eq!(
                decode(&[0xFF, 0x01]),
                Err(PelcoError::WrongLength { len: 2 })
            );
            assert_eq!(decode(&[0; 8]), Err(PelcoError::WrongLength { len: 8 }));
            assert_eq!(decode(&[]), Err(PelcoError::WrongLength { len: 0 }));
        }

        #[test]
        fn rejects_panning_left_and_right_at_once() {
            let frame = Frame {
                address: 1,
                cmd1: 0,
                cmd2: PAN_LEFT | PAN_RIGHT,
                data1: 1,
                data2: 0,
            };
            assert!(matches!(
                decode(&frame.to_bytes()),
                Err(PelcoError::ConflictingDirections { .. })
            ));
        }

        #[test]
        fn rejects_focusing_near_and_far_at_once() {
            let frame = Frame {
                address: 1,
                cmd1: FOCUS_NEAR,
                cmd2: FOCUS_FAR,
                data1: 0,
                data2: 0,
            };
            assert!(matches!(
                frame.command(),
                Err(PelcoError::ConflictingDirections { .. })
            ));
        }

        #[test]
        fn rejects_a_pan_speed_between_0x40_and_0xfe() {
            let frame = Frame {
                address: 1,
                cmd1: 0,
                cmd2: PAN_RIGHT,
                data1: 0x40,
                data2: 0,
            };
            assert_eq!(
                frame.command(),
                Err(PelcoError::OutOfRange {
                    field: Field::PanSpeed,
                    value: 0x40
                })
            );
        }

        #[test]
        fn rejects_a_tilt_speed_above_0x3f() {
            let frame = Frame {
                address: 1,
                cmd1: 0,
                cmd2: TILT_UP,
                data1: 0,
                data2: 0x40,
            };
            assert_eq!(
                frame.command(),
                Err(PelcoError::OutOfRange {
                    field: Field::TiltSpeed,
                    value: 0x40
                })
            );
        }

        #[test]
        fn rejects_a_pan_report_of_360_degrees() {
            let frame = Frame {
                address: 1,
                cmd1: 0,
                cmd2: 0x59,
                data1: 0x8C,
                data2: 0xA0,
            };
            assert_eq!(
                frame.command(),
                Err(PelcoError::OutOfRange {
                    field: Field::PanPosition,
                    value: 36_000
                })
            );
        }

        #[test]
        fn reads_a_tilt_report_above_18000_as_looking_down() {
            let frame = Frame {
                address: 1,
                cmd1: 0,
                cmd2: 0x5B,
                data1: 0x88,
                data2: 0xB8,
            };
            assert_eq!(
                frame.command(),
                Ok(Command::TiltReport(TiltPosition::new(-1_000).unwrap()))
            );
        }

        #[test]
        fn ignores_the_speed_byte_of_an_axis_that_is_not_moving() {
            let frame = Frame {
                address: 1,
                cmd1: 0,
                cmd2: ZOOM_TELE,
                data1: 0x77,
                data2: 0x99,
            };
            assert_eq!(frame.command(), Ok(Command::zoom_in()));
        }

        #[test]
        fn reports_camera_on_off_and_unknown_opcodes_as_unsupported() {
            let camera_on = Frame {
                address: 1,
                cmd1: 0x88,
                cmd2: 0,
                data1: 0,
                data2: 0,
            };
            assert_eq!(
                camera_on.command(),
                Err(PelcoError::Unsupported {
                    cmd1: 0x88,
                    cmd2: 0
                })
            );
            let aux = Frame {
                address: 1,
                cmd1: 0,
                cmd2: 0x09,
                data1: 0,
                data2: 1,
            };
            assert_eq!(
                aux.command(),
                Err(PelcoError::Unsupported {
                    cmd1: 0,
                    cmd2: 0x09
                })
            );
        }
    }

    mod pan_position {
        use super::*;

        #[test]
        fn wraps_negative_and_overflowing_degrees() {
            assert_eq!(
                PanPosition::from_degrees(-0.01).unwrap().centidegrees(),
                35_999
            );
            assert_eq!(PanPosition::from_degrees(720.5).unwrap().centidegrees(), 50);
        }

        #[test]
        fn refuses_nan() {
            assert_eq!(
                PanPosition::from_degrees(f64::NAN),
                Err(PelcoError::NotFinite {
                    field: Field::PanPosition
                })
            );
        }

        #[test]
        fn refuses_a_full_turn() {
            assert!(PanPosition::new(36_000).is_err());
            assert!(PanPosition::new(35_999).is_ok());
        }
    }

    mod tilt_position {
        use super::*;

        #[test]
        fn level_is_wire_zero() {
            assert_eq!(TiltPosition::from_degrees(0.0).unwrap().to_wire(), 0);
        }

        #[test]
        fn ninety_degrees_down_is_wire_27000() {
            let down = TiltPosition::from_degrees(-90.0).unwrap();
            assert_eq!(down.to_wire(), 27_000);
            assert_eq!(down.degrees(), -90.0);
        }

        #[test]
        fn the_wire_value_18000_is_straight_back_up_and_over() {
            assert_eq!(
                TiltPosition::from_wire(18_000).unwrap().centidegrees(),
                18_000
            );
            assert_eq!(
                TiltPosition::from_wire(18_001).unwrap().centidegrees(),
                -17_999
            );
        }

        #[test]
        fn refuses_elevations_outside_a_half_turn_either_way() {
            assert!(TiltPosition::new(-18_000).is_err());
            assert!(TiltPosition::new(18_001).is_err());
            assert!(TiltPosition::from_wire(36_000).is_err());
        }

        #[test]
        fn every_wire_value_round_trips() {
            for wire in 0..FULL_TURN_CDEG {
                assert_eq!(TiltPosition::from_wire(wire).unwrap().to_wire(), wire);
            }
        }
    }

    mod zoom_position {
        use super::*;

        #[test]
        fn clamps_fractions_beyond_the_end_stops() {
            assert_eq!(ZoomPosition::from_fraction(-1.0), ZoomPosition::WIDE);
            assert_eq!(ZoomPosition::from_fraction(2.0), ZoomPosition::TELE);
            assert_eq!(ZoomPosition::from_fraction(f64::NAN), ZoomPosition::WIDE);
        }
    }

    mod deframer {
        use super::*;

        fn frames(deframer: &mut Deframer, bytes: &[u8]) -> Vec<Frame> {
            deframer.feed(bytes).collect()
        }

        #[test]
        fn yields_back_to_back_frames() {
            let mut d = Deframer::new();
            let mut bytes = encode(1, Command::STOP).to_vec();
            bytes.extend_from_slice(&encode(2, Command::QueryPan));
            let got = frames(&mut d, &bytes);
            assert_eq!(got.len(), 2);
            assert_eq!(got[1].command(), Ok(Command::QueryPan));
            assert_eq!(
                d.stats(),
                DeframerStats {
                    frames: 2,
                    bad_checksums: 0,
                    skipped_bytes: 0
                }
            );
        }

        #[test]
        fn joins_a_frame_split_across_reads() {
            let mut d = Deframer::new();
            let bytes = encode(1, Command::zoom_in());
            assert!(frames(&mut d, &bytes[..3]).is_empty());
            assert_eq!(d.pending(), 3);
            assert_eq!(frames(&mut d, &bytes[3..]).len(), 1);
            assert_eq!(d.pending(), 0);
        }

        #[test]
        fn skips_leading_garbage_without_a_sync_byte() {
            let mut d = Deframer::new();
            let mut bytes = vec![0x00, 0x12, 0x34];
            bytes.extend_from_slice(&encode(1, Command::STOP));
            assert_eq!(frames(&mut d, &bytes).len(), 1);
            assert_eq!(d.stats().skipped_bytes, 3);
        }

        #[test]
        fn counts_a_bad_checksum_and_finds_the_next_frame() {
            let mut d = Deframer::new();
            let mut bytes = encode(1, Command::STOP).to_vec();
            bytes[6] ^= 0x55;
            bytes.extend_from_slice(&encode(1, Command::QueryTilt));
            let got = frames(&mut d, &bytes);
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].command(), Ok(Command::QueryTilt));
            assert_eq!(d.stats().bad_checksums, 1);
            assert_eq!(d.stats().frames, 1);
        }

        #[test]
        fn resyncs_on_a_sync_byte_inside_a_rejected_candidate() {
            // A stray 0xFF two bytes before a real frame makes the first candidate span both.
            let mut d = Deframer::new();
            let mut bytes = vec![0xFF, 0x00];
            bytes.extend_from_slice(&encode(1, Command::pan_right(pan_speed(0x20))));
            let got = frames(&mut d, &bytes);
            assert_eq!(got, vec![Command::pan_right(pan_speed(0x20)).to_frame(1)]);
            assert_eq!(d.stats().bad_checksums, 1);
            assert_eq!(d.stats().skipped_bytes, 2);
        }

        #[test]
        fn finds_a_frame_for_address_0xff() {
            let mut d = Deframer::new();
            let got = frames(&mut d, &encode(0xFF, Command::QueryZoom));
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].address, 0xFF);
        }

        #[test]
        fn survives_a_stream_of_only_sync_bytes() {
            let mut d = Deframer::new();
            assert!(frames(&mut d, &[0xFF; 100]).is_empty());
            assert!(d.pending() < FRAME_LEN);
        }
    }

    fn pan_speeds() -> impl Strategy<Value = PanSpeed> {
        prop_oneof![(0u8..=0x3F).prop_map(PanSpeed), Just(PanSpeed::TURBO)]
    }

    fn tilt_speeds() -> impl Strategy<Value = TiltSpeed> {
        (0u8..=0x3F).prop_map(TiltSpeed)
    }

    fn motions() -> impl Strategy<Value = Motion> {
        let pan = prop::option::of(prop_oneof![
            pan_speeds().prop_map(Pan::Left),
            pan_speeds().prop_map(Pan::Right)
        ]);
        let tilt = prop::option::of(prop_oneof![
            tilt_speeds().prop_map(Tilt::Up),
            tilt_speeds().prop_map(Tilt::Down)
        ]);
        let zoom = prop::option::of(prop_oneof![Just(Zoom::In), Just(Zoom::Out)]);
        let focus = prop::option::of(prop_oneof![Just(Focus::Near), Just(Focus::Far)]);
        let iris = prop::option::of(prop_oneof![Just(Iris::Open), Just(Iris::Close)]);
        (pan, tilt, zoom, focus, iris).prop_map(|(pan, tilt, zoom, focus, iris)| Motion {
            pan,
            tilt,
            zoom,
            focus,
            iris,
        })
    }

    /// Every command the codec models, with every legal field value.
    fn commands() -> impl Strategy<Value = Command> {
        let pan = (0u16..FULL_TURN_CDEG).prop_map(PanPosition);
        let tilt = (-17_999i16..=18_000).prop_map(TiltPosition);
        let zoom = any::<u16>().prop_map(ZoomPosition);
        prop_oneof![
            motions().prop_map(Command::Move),
            any::<u8>().prop_map(Command::SetPreset),
            any::<u8>().prop_map(Command::ClearPreset),
            any::<u8>().prop_map(Command::GoToPreset),
            pan.clone().prop_map(Command::SetPan),
            tilt.clone().prop_map(Command::SetTilt),
            zoom.clone().prop_map(Command::SetZoom),
            Just(Command::QueryPan),
            Just(Command::QueryTilt),
            Just(Command::QueryZoom),
            pan.prop_map(Command::PanReport),
            tilt.prop_map(Command::TiltReport),
            zoom.prop_map(Command::ZoomReport),
        ]
    }

    mod round_trip {
        use super::*;

        proptest! {
            #[test]
            fn every_command_decodes_to_itself(address in any::<u8>(), command in commands()) {
                let bytes = encode(address, command);
                prop_assert_eq!(decode(&bytes), Ok(Message { address, command }));
            }

            #[test]
            fn every_command_survives_the_deframer_amid_garbage(
                garbage in prop::collection::vec(any::<u8>(), 0..32),
                address in any::<u8>(),
                command in commands(),
            ) {
                // Garbage may fake a frame by chance; the real one must still come out last
                // once garbage ends with a byte the deframer cannot mistake for a partial frame.
                let mut d = Deframer::new();
                let _ = d.feed(&garbage).count();
                // Flush any partial candidate the garbage left with non-sync bytes.
                let _ = d.feed(&[0u8; FRAME_LEN]).count();
                prop_assert_eq!(d.pending(), 0);
                let got: Vec<_> = d.feed(&encode(address, command)).collect();
                prop_assert_eq!(got.len(), 1);
                prop_assert_eq!(got[0].command(), Ok(command));
            }

            #[test]
            fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..16)) {
                let _ = decode(&bytes);
                let mut d = Deframer::new();
                for frame in d.feed(&bytes) {
                    let _ = frame.command();
                }
            }

            #[test]
            fn every_decodable_frame_encodes_back_to_a_frame_with_the_same_meaning(
                body in any::<[u8; 5]>(),
            ) {
                let frame = Frame { address: body[0], cmd1: body[1], cmd2: body[2], data1: body[3], data2: body[4] };
                if let Ok(command) = frame.command() {
                    prop_assert_eq!(command.to_frame(frame.address).command(), Ok(command));
                }
            }
        }
    }
}
