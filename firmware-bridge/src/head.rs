//! A simulated Pelco-D pan/tilt/zoom head, for the simulator and for tests without hardware.
//!
//! [`Head`] is a pure state machine: [`Head::handle`] applies one decoded [`Message`] and
//! returns the reply a real head would send (only position queries get one), and
//! [`Head::step`] advances its motors by a caller-chosen time step. There is no clock and no
//! I/O inside, so a scenario is reproducible and a test can step through a slew exactly; a
//! simulator that wants bytes uses [`Head::receive`], which deframes, decodes and encodes
//! replies.
//!
//! # Behaviour
//! - Absolute moves (set pan/tilt/zoom, go to preset) slew at the configured top rates
//!   (60°/s pan, 30°/s tilt by default, typical of a heavy-duty thermal PTZ), pan the short way
//!   round, and stop on the target.
//! - Manual moves run at `speed / 0x3F` of the top rate (turbo pan at its own rate) until the
//!   next command. Each Pelco-D motion frame states every axis, so any motion frame (stop
//!   included) replaces every axis's drive and cancels slews in progress.
//! - Tilt stays within the configured limits; pan turns without end stops.
//! - Focus and iris are accepted and ignored: the simulator has no optics.
//! - Frames for other addresses, reports from other heads and undecodable frames are ignored
//!   (the latter counted by [`Head::receive`]).

use std::collections::BTreeMap;

use crate::pelco_d::{
    Command, Message, Motion, Pan, PanPosition, PanSpeed, Tilt, TiltPosition, TiltSpeed, Zoom, ZoomPosition,
};
use crate::protocol::{AnyDeframer, Received};

/// Why a head configuration was refused.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum HeadError {
    /// A rate, time or limit is not a usable number.
    #[error("head config {field} = {value} is invalid: expected {expected}")]
    InvalidConfig {
        /// The config field.
        field: &'static str,
        /// The value given.
        value: f64,
        /// What it should be, in words.
        expected: &'static str,
    },
}

/// How a simulated head moves, so a scenario can model the heads on its masts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadConfig {
    /// The Pelco-D address the head answers to.
    pub address: u8,
    /// Top pan rate, for speed `0x3F` and for absolute slews, degrees per second.
    pub pan_rate_dps: f64,
    /// Pan rate at turbo speed, degrees per second.
    pub turbo_pan_rate_dps: f64,
    /// Top tilt rate, for speed `0x3F` and for absolute slews, degrees per second.
    pub tilt_rate_dps: f64,
    /// Time to zoom from fully wide to fully tele, seconds.
    pub zoom_travel_s: f64,
    /// Lowest tilt, degrees of elevation (negative is down), at least -90.
    pub tilt_min_deg: f64,
    /// Highest tilt, degrees of elevation, at most 90.
    pub tilt_max_deg: f64,
}

impl Default for HeadConfig {
    /// Address 1, 60°/s pan (100°/s turbo), 30°/s tilt, 4 s zoom, tilt from -90° to +40°.
    fn default() -> HeadConfig {
        HeadConfig {
            address: 1,
            pan_rate_dps: 60.0,
            turbo_pan_rate_dps: 100.0,
            tilt_rate_dps: 30.0,
            zoom_travel_s: 4.0,
            tilt_min_deg: -90.0,
            tilt_max_deg: 40.0,
        }
    }
}

impl HeadConfig {
    fn validate(&self) -> Result<(), HeadError> {
        let invalid = |field, value, expected| Err(HeadError::InvalidConfig { field, value, expected });
        let rates = [
            ("pan_rate_dps", self.pan_rate_dps),
            ("turbo_pan_rate_dps", self.turbo_pan_rate_dps),
            ("tilt_rate_dps", self.tilt_rate_dps),
            ("zoom_travel_s", self.zoom_travel_s),
        ];
        for (field, value) in rates {
            if !(value.is_finite() && value > 0.0) {
                return invalid(field, value, "a positive finite number");
            }
        }
        if !(self.tilt_min_deg >= -90.0 && self.tilt_min_deg <= 90.0) {
            return invalid("tilt_min_deg", self.tilt_min_deg, "an elevation in [-90, 90]");
        }
        if !(self.tilt_max_deg >= self.tilt_min_deg && self.tilt_max_deg <= 90.0) {
            return invalid("tilt_max_deg", self.tilt_max_deg, "an elevation in [tilt_min_deg, 90]");
        }
        Ok(())
    }
}

/// Where a head points: what position queries report and presets store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadPose {
    /// Pan, degrees clockwise from the head's zero, `[0, 360)`.
    pub pan_deg: f64,
    /// Tilt, degrees of elevation, positive up.
    pub tilt_deg: f64,
    /// Zoom, fraction of the travel from wide (0) to tele (1).
    pub zoom: f64,
}

/// What one axis's motor is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Drive {
    Still,
    /// Signed rate, axis units per second.
    Rate(f64),
    /// Slewing to a target at the axis's top rate.
    To(f64),
}

/// A simulated PTZ head: applies Pelco-D commands, moves when stepped, answers queries.
///
/// # Examples
/// ```
/// # use firmware_bridge::head::{Head, HeadConfig};
/// # use firmware_bridge::pelco_d::{Command, Message, PanPosition};
/// let mut head = Head::try_new(HeadConfig::default())?;
/// head.handle(&Message { address: 1, command: Command::SetPan(PanPosition::new(9_000)?) });
/// head.step(1.0); // 60°/s
/// let reply = head.handle(&Message { address: 1, command: Command::QueryPan });
/// assert_eq!(reply.map(|m| m.command), Some(Command::PanReport(PanPosition::new(6_000)?)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Head {
    config: HeadConfig,
    pose: HeadPose,
    pan: Drive,
    tilt: Drive,
    zoom: Drive,
    presets: BTreeMap<u8, HeadPose>,
    deframer: AnyDeframer,
    received: Vec<Received>,
    undecodable: u64,
}

impl Head {
    /// A head at pan 0, level, fully wide, standing still.
    ///
    /// # Errors
    /// [`HeadError::InvalidConfig`] for a non-positive or non-finite rate or travel time, or
    /// tilt limits outside `[-90, 90]` or out of order.
    pub fn try_new(config: HeadConfig) -> Result<Head, HeadError> {
        config.validate()?;
        Ok(Head {
            config,
            pose: HeadPose {
                pan_deg: 0.0,
                tilt_deg: 0.0f64.clamp(config.tilt_min_deg, config.tilt_max_deg),
                zoom: 0.0,
            },
            pan: Drive::Still,
            tilt: Drive::Still,
            zoom: Drive::Still,
            presets: BTreeMap::new(),
            deframer: AnyDeframer::both(),
            received: Vec::new(),
            undecodable: 0,
        })
    }

    /// The head's configuration.
    pub fn config(&self) -> &HeadConfig {
        &self.config
    }

    /// Where the head points now.
    pub fn pose(&self) -> HeadPose {
        self.pose
    }

    /// Whether any axis is being driven (a manual move at speed 0 counts as driven).
    pub fn is_moving(&self) -> bool {
        [self.pan, self.tilt, self.zoom].iter().any(|d| *d != Drive::Still)
    }

    /// Frames received through [`Head::receive`] that were for this head but could not be
    /// decoded (unsupported or malformed commands).
    pub fn undecodable_frames(&self) -> u64 {
        self.undecodable
    }

    /// Applies one message; returns the head's reply, if the message was a query for it.
    pub fn handle(&mut self, message: &Message) -> Option<Message> {
        if message.address != self.config.address {
            return None;
        }
        let reply = |command| Some(Message { address: self.config.address, command });
        match message.command {
            Command::Move(motion) => self.apply_motion(motion),
            Command::SetPreset(n) => {
                self.presets.insert(n, self.pose);
            }
            Command::ClearPreset(n) => {
                self.presets.remove(&n);
            }
            Command::GoToPreset(n) => {
                // An unknown preset is ignored, as real heads do.
                if let Some(p) = self.presets.get(&n).copied() {
                    self.pan = Drive::To(p.pan_deg);
                    self.tilt = Drive::To(p.tilt_deg);
                    self.zoom = Drive::To(p.zoom);
                }
            }
            Command::SetPan(p) => self.pan = Drive::To(p.degrees()),
            Command::SetTilt(t) => {
                self.tilt = Drive::To(t.degrees().clamp(self.config.tilt_min_deg, self.config.tilt_max_deg));
            }
            Command::SetZoom(z) => self.zoom = Drive::To(z.fraction()),
            Command::QueryPan => return reply(Command::PanReport(self.pan_report())),
            Command::QueryTilt => return reply(Command::TiltReport(self.tilt_report())),
            Command::QueryZoom => {
                return reply(Command::ZoomReport(ZoomPosition::from_fraction(self.pose.zoom)));
            }
            // Another head's answers on a shared bus.
            Command::PanReport(_) | Command::TiltReport(_) | Command::ZoomReport(_) => {}
        }
        None
    }

    /// Takes received bytes (Pelco-D or Pelco-P: the head answers in the protocol it was asked
    /// in), applies every frame addressed to this head, and appends the encoded replies to
    /// `replies`.
    pub fn receive(&mut self, bytes: &[u8], replies: &mut Vec<u8>) {
        let mut received = std::mem::take(&mut self.received);
        received.clear();
        self.deframer.feed(bytes, &mut received);
        for (protocol, address, command) in received.drain(..) {
            if address != self.config.address {
                continue;
            }
            match command {
                Ok(command) => {
                    if let Some(reply) = self.handle(&Message { address, command }) {
                        protocol.encode_into(reply.address, reply.command, replies);
                    }
                }
                Err(_) => self.undecodable += 1,
            }
        }
        self.received = received;
    }

    /// Advances the motors by `dt_s` seconds. A negative, zero or non-finite step does nothing.
    pub fn step(&mut self, dt_s: f64) {
        if !(dt_s.is_finite() && dt_s > 0.0) {
            return;
        }
        let c = self.config;
        // Pan: endless, so positions wrap and slews take the short way round.
        match self.pan {
            Drive::Still => {}
            Drive::Rate(r) => self.pose.pan_deg = wrap_deg(self.pose.pan_deg + r * dt_s),
            Drive::To(target) => {
                let diff = (target - self.pose.pan_deg + 540.0).rem_euclid(360.0) - 180.0;
                let max = c.pan_rate_dps * dt_s;
                if diff.abs() <= max {
                    self.pose.pan_deg = wrap_deg(target);
                    self.pan = Drive::Still;
                } else {
                    self.pose.pan_deg = wrap_deg(self.pose.pan_deg + max.copysign(diff));
                }
            }
        }
        let (tilt, tilt_drive) = advance(self.pose.tilt_deg, self.tilt, c.tilt_rate_dps * dt_s, dt_s);
        self.pose.tilt_deg = tilt.clamp(c.tilt_min_deg, c.tilt_max_deg);
        self.tilt = tilt_drive;
        let (zoom, zoom_drive) = advance(self.pose.zoom, self.zoom, dt_s / c.zoom_travel_s, dt_s);
        self.pose.zoom = zoom.clamp(0.0, 1.0);
        self.zoom = zoom_drive;
    }

    fn apply_motion(&mut self, motion: Motion) {
        let c = self.config;
        let pan_rate = |s: PanSpeed| {
            if s.is_turbo() {
                c.turbo_pan_rate_dps
            } else {
                c.pan_rate_dps * f64::from(s.raw()) / f64::from(PanSpeed::MAX.raw())
            }
        };
        let tilt_rate = |s: TiltSpeed| c.tilt_rate_dps * f64::from(s.raw()) / f64::from(TiltSpeed::MAX.raw());
        let zoom_rate = 1.0 / c.zoom_travel_s;
        self.pan = match motion.pan {
            Some(Pan::Right(s)) => Drive::Rate(pan_rate(s)),
            Some(Pan::Left(s)) => Drive::Rate(-pan_rate(s)),
            None => Drive::Still,
        };
        self.tilt = match motion.tilt {
            Some(Tilt::Up(s)) => Drive::Rate(tilt_rate(s)),
            Some(Tilt::Down(s)) => Drive::Rate(-tilt_rate(s)),
            None => Drive::Still,
        };
        self.zoom = match motion.zoom {
            Some(Zoom::In) => Drive::Rate(zoom_rate),
            Some(Zoom::Out) => Drive::Rate(-zoom_rate),
            None => Drive::Still,
        };
    }

    fn pan_report(&self) -> PanPosition {
        // The pose is always finite (steps and targets are checked), so this cannot fail; zero
        // is a harmless answer if it ever did.
        PanPosition::from_degrees(self.pose.pan_deg).unwrap_or(PanPosition::ZERO)
    }

    fn tilt_report(&self) -> TiltPosition {
        TiltPosition::from_degrees(self.pose.tilt_deg).unwrap_or(TiltPosition::LEVEL)
    }
}

/// Wraps an angle into `[0, 360)`.
fn wrap_deg(deg: f64) -> f64 {
    let w = deg.rem_euclid(360.0);
    if w >= 360.0 { 0.0 } else { w }
}

/// Moves a bounded axis one step under `drive`, at most `max_step` towards a target.
fn advance(pos: f64, drive: Drive, max_step: f64, dt_s: f64) -> (f64, Drive) {
    match drive {
        Drive::Still => (pos, drive),
        Drive::Rate(r) => (pos + r * dt_s, drive),
        Drive::To(target) => {
            let diff = target - pos;
            if diff.abs() <= max_step { (target, Drive::Still) } else { (pos + max_step.copysign(diff), drive) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pelco_d::encode;
    use proptest::prelude::*;

    fn head() -> Head {
        Head::try_new(HeadConfig::default()).unwrap()
    }

    fn send(head: &mut Head, command: Command) -> Option<Command> {
        head.handle(&Message { address: 1, command }).map(|m| m.command)
    }

    fn pan_to(deg: f64) -> Command {
        Command::SetPan(PanPosition::from_degrees(deg).unwrap())
    }

    fn tilt_to(deg: f64) -> Command {
        Command::SetTilt(TiltPosition::from_degrees(deg).unwrap())
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    mod try_new {
        use super::*;

        #[test]
        fn starts_level_at_pan_zero_fully_wide_and_still() {
            let h = head();
            assert_eq!(h.pose(), HeadPose { pan_deg: 0.0, tilt_deg: 0.0, zoom: 0.0 });
            assert!(!h.is_moving());
        }

        #[test]
        fn refuses_a_zero_pan_rate() {
            let config = HeadConfig { pan_rate_dps: 0.0, ..HeadConfig::default() };
            assert!(matches!(Head::try_new(config), Err(HeadError::InvalidConfig { field: "pan_rate_dps", .. })));
        }

        #[test]
        fn refuses_tilt_limits_out_of_order() {
            let config = HeadConfig { tilt_min_deg: 10.0, tilt_max_deg: 0.0, ..HeadConfig::default() };
            assert!(matches!(Head::try_new(config), Err(HeadError::InvalidConfig { field: "tilt_max_deg", .. })));
        }

        #[test]
        fn starts_inside_tilt_limits_that_exclude_level() {
            let config = HeadConfig { tilt_min_deg: -90.0, tilt_max_deg: -5.0, ..HeadConfig::default() };
            assert_eq!(Head::try_new(config).unwrap().pose().tilt_deg, -5.0);
        }
    }

    mod absolute_moves {
        use super::*;

        #[test]
        fn pan_slews_at_60_degrees_per_second_and_stops_on_target() {
            let mut h = head();
            send(&mut h, pan_to(90.0));
            h.step(1.0);
            assert!(close(h.pose().pan_deg, 60.0));
            assert!(h.is_moving());
            h.step(1.0);
            assert!(close(h.pose().pan_deg, 90.0));
            assert!(!h.is_moving());
        }

        #[test]
        fn pan_takes_the_short_way_across_zero() {
            let mut h = head();
            send(&mut h, pan_to(350.0));
            h.step(0.1);
            assert!(close(h.pose().pan_deg, 354.0), "{:?}", h.pose());
            h.step(1.0);
            assert!(close(h.pose().pan_deg, 350.0));
        }

        #[test]
        fn tilt_slews_at_30_degrees_per_second() {
            let mut h = head();
            send(&mut h, tilt_to(-45.0));
            h.step(1.0);
            assert!(close(h.pose().tilt_deg, -30.0));
            h.step(1.0);
            assert!(close(h.pose().tilt_deg, -45.0));
        }

        #[test]
        fn tilt_targets_beyond_the_limits_stop_at_the_limit() {
            let mut h = head();
            send(&mut h, tilt_to(80.0));
            h.step(10.0);
            assert!(close(h.pose().tilt_deg, 40.0));
        }

        #[test]
        fn zoom_crosses_its_travel_in_the_configured_time() {
            let mut h = head();
            send(&mut h, Command::SetZoom(ZoomPosition::TELE));
            h.step(2.0);
            assert!(close(h.pose().zoom, 0.5));
            h.step(2.0);
            assert!(close(h.pose().zoom, 1.0));
        }

        #[test]
        fn a_stop_cancels_a_slew() {
            let mut h = head();
            send(&mut h, pan_to(90.0));
            h.step(0.5);
            send(&mut h, Command::STOP);
            h.step(1.0);
            assert!(close(h.pose().pan_deg, 30.0));
        }
    }

    mod manual_moves {
        use super::*;

        #[test]
        fn pan_right_at_top_speed_runs_at_the_pan_rate_until_stopped() {
            let mut h = head();
            send(&mut h, Command::pan_right(PanSpeed::MAX));
            h.step(0.5);
            assert!(close(h.pose().pan_deg, 30.0));
            send(&mut h, Command::STOP);
            h.step(1.0);
            assert!(close(h.pose().pan_deg, 30.0));
        }

        #[test]
        fn pan_left_wraps_below_zero() {
            let mut h = head();
            send(&mut h, Command::pan_left(PanSpeed::new(0x3F).unwrap()));
            h.step(0.5);
            assert!(close(h.pose().pan_deg, 330.0));
        }

        #[test]
        fn turbo_pans_faster_than_top_speed() {
            let mut h = head();
            send(&mut h, Command::pan_right(PanSpeed::TURBO));
            h.step(1.0);
            assert!(close(h.pose().pan_deg, 100.0));
        }

        #[test]
        fn half_speed_tilts_at_about_half_the_rate() {
            let mut h = head();
            send(&mut h, Command::tilt_down(TiltSpeed::new(0x20).unwrap()));
            h.step(1.0);
            assert!(close(h.pose().tilt_deg, -30.0 * 32.0 / 63.0));
        }

        #[test]
        fn tilting_down_stops_at_the_lower_limit() {
            let mut h = head();
            send(&mut h, Command::tilt_down(TiltSpeed::MAX));
            h.step(10.0);
            assert_eq!(h.pose().tilt_deg, -90.0);
        }

        #[test]
        fn a_tilt_only_frame_stops_the_pan() {
            let mut h = head();
            send(&mut h, Command::pan_right(PanSpeed::MAX));
            h.step(0.5);
            send(&mut h, Command::tilt_up(TiltSpeed::MAX));
            h.step(0.5);
            assert!(close(h.pose().pan_deg, 30.0));
            assert!(close(h.pose().tilt_deg, 15.0));
        }
    }

    mod presets {
        use super::*;

        #[test]
        fn go_to_returns_to_a_stored_pose() {
            let mut h = head();
            send(&mut h, pan_to(120.0));
            send(&mut h, tilt_to(-5.0));
            h.step(10.0);
            send(&mut h, Command::SetPreset(7));
            send(&mut h, pan_to(0.0));
            h.step(10.0);
            send(&mut h, Command::GoToPreset(7));
            h.step(10.0);
            assert!(close(h.pose().pan_deg, 120.0) && close(h.pose().tilt_deg, -5.0));
        }

        #[test]
        fn a_cleared_or_unknown_preset_is_ignored() {
            let mut h = head();
            send(&mut h, Command::SetPreset(3));
            send(&mut h, Command::ClearPreset(3));
            send(&mut h, Command::GoToPreset(3));
            send(&mut h, Command::GoToPreset(99));
            assert!(!h.is_moving());
        }
    }

    mod queries {
        use super::*;

        #[test]
        fn report_the_current_position_in_wire_units() {
            let mut h = head();
            send(&mut h, pan_to(45.5));
            send(&mut h, tilt_to(-10.0));
            send(&mut h, Command::SetZoom(ZoomPosition::TELE));
            h.step(10.0);
            assert_eq!(send(&mut h, Command::QueryPan), Some(Command::PanReport(PanPosition::new(4_550).unwrap())));
            assert_eq!(send(&mut h, Command::QueryTilt), Some(Command::TiltReport(TiltPosition::new(-1_000).unwrap())));
            assert_eq!(send(&mut h, Command::QueryZoom), Some(Command::ZoomReport(ZoomPosition::TELE)));
        }

        #[test]
        fn are_ignored_when_addressed_to_another_head() {
            let mut h = head();
            assert_eq!(h.handle(&Message { address: 2, command: Command::QueryPan }), None);
        }

        #[test]
        fn commands_get_no_reply() {
            let mut h = head();
            assert_eq!(send(&mut h, pan_to(10.0)), None);
        }
    }

    mod receive {
        use super::*;

        #[test]
        fn answers_a_query_sent_as_bytes_through_garbage() {
            let mut h = head();
            let mut bytes = vec![0x00, 0xFF, 0x42];
            bytes.extend_from_slice(&encode(1, Command::QueryTilt));
            let mut replies = Vec::new();
            h.receive(&bytes, &mut replies);
            assert_eq!(replies, encode(1, Command::TiltReport(TiltPosition::LEVEL)));
        }

        #[test]
        fn counts_unsupported_frames_for_this_head_only() {
            let mut h = head();
            let camera_on = crate::pelco_d::Frame { address: 1, cmd1: 0x88, cmd2: 0, data1: 0, data2: 0 };
            let other = crate::pelco_d::Frame { address: 2, ..camera_on };
            let mut bytes = camera_on.to_bytes().to_vec();
            bytes.extend_from_slice(&other.to_bytes());
            h.receive(&bytes, &mut Vec::new());
            assert_eq!(h.undecodable_frames(), 1);
        }

        #[test]
        fn answers_pelco_p_in_pelco_p_and_obeys_its_set_pan() {
            use crate::pelco_p;
            let mut h = head();
            let mut replies = Vec::new();
            h.receive(&pelco_p::encode(1, Command::SetPan(PanPosition::new(9_000).unwrap())), &mut replies);
            h.step(10.0);
            h.receive(&pelco_p::encode(1, Command::QueryPan), &mut replies);
            assert_eq!(replies, pelco_p::encode(1, Command::PanReport(PanPosition::new(9_000).unwrap())));
        }

        #[test]
        fn keeps_a_frame_split_across_reads() {
            let mut h = head();
            let bytes = encode(1, Command::QueryPan);
            let mut replies = Vec::new();
            h.receive(&bytes[..4], &mut replies);
            h.receive(&bytes[4..], &mut replies);
            assert_eq!(replies.len(), crate::pelco_d::FRAME_LEN);
        }
    }

    mod step {
        use super::*;

        #[test]
        fn ignores_negative_and_nan_time_steps() {
            let mut h = head();
            send(&mut h, Command::pan_right(PanSpeed::MAX));
            h.step(-1.0);
            h.step(f64::NAN);
            h.step(f64::INFINITY);
            assert_eq!(h.pose().pan_deg, 0.0);
        }
    }

    proptest! {
        #[test]
        fn any_absolute_target_is_reached_and_reported_exactly(
            pan_cdeg in 0u16..36_000,
            tilt_cdeg in -9_000i16..=4_000,
            zoom in any::<u16>(),
            dt_s in 0.01f64..0.5,
        ) {
            let mut h = head();
            let pan = PanPosition::new(pan_cdeg).unwrap();
            let tilt = TiltPosition::new(tilt_cdeg).unwrap();
            send(&mut h, Command::SetPan(pan));
            send(&mut h, Command::SetTilt(tilt));
            send(&mut h, Command::SetZoom(ZoomPosition(zoom)));
            // The longest move: 180° of pan at 60°/s, 130° of tilt at 30°/s, 4 s of zoom.
            for _ in 0..((5.0 / dt_s) as usize + 1) {
                h.step(dt_s);
            }
            prop_assert!(!h.is_moving());
            prop_assert_eq!(send(&mut h, Command::QueryPan), Some(Command::PanReport(pan)));
            prop_assert_eq!(send(&mut h, Command::QueryTilt), Some(Command::TiltReport(tilt)));
            prop_assert_eq!(send(&mut h, Command::QueryZoom), Some(Command::ZoomReport(ZoomPosition(zoom))));
        }
    }
}
