//! Sensor-head protocols for Seawarden edge nodes.
//!
//! An edge node steers its pan/tilt/zoom (PTZ) camera heads and reads their positions back, so
//! that a pixel in the IR picture can be turned into a bearing (see the `calibration` crate).
//! This crate owns the bytes on the wire to and from those heads.
//!
//! # Layout
//! - [`pelco_d`]: the Pelco-D codec, pure functions over bytes: typed [`pelco_d::Command`]s to
//!   and from 7-byte frames, and a streaming [`pelco_d::Deframer`] for received bytes.
//! - [`pelco_p`]: the Pelco-P codec (8-byte frames, XOR checksum, the same command set), and
//!   [`protocol`]: the choice between the two and a deframer for either or both.
//! - [`head`]: a simulated PTZ head driven by Pelco-D or Pelco-P messages and a caller-stepped clock, for
//!   the simulator and for tests that need a head without hardware.
//! - [`cue`]: slew-to-cue, pure arithmetic: pan/tilt/zoom that centre a moving target with lead
//!   for the head's slew time, the Pelco-D commands for it, and [`cue::OnTarget`] from reports.
//! - [`transport`]: [`transport::PtzLink`], a thin async adapter over TCP or serial that writes
//!   encoded commands and reads replies through the [`pelco_d::Deframer`].
//! - [`sim_server`]: [`sim_server::SimHeadServer`], the simulated head served over TCP on a
//!   caller-stepped clock.
//!
//! Only `transport` and `sim_server` do I/O, and they hold no protocol logic, so every protocol
//! rule is tested without sockets (as rumqttc tests its `state.rs`).
#![deny(missing_docs)]

pub mod cue;
pub mod head;
pub mod pelco_d;
pub mod pelco_p;
pub mod protocol;
pub mod sim_server;
mod start_framed;
pub mod transport;
