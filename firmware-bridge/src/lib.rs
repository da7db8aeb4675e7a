//! Sensor-head protocols for Seawarden edge nodes.
//!
//! An edge node steers its pan/tilt/zoom (PTZ) camera heads and reads their positions back, so
//! that a pixel in the IR picture can be turned into a bearing (see the `calibration` crate).
//! This crate owns the bytes on the wire to and from those heads.
//!
//! # Layout
//! - [`pelco_d`]: the Pelco-D codec, pure functions over bytes: typed [`pelco_d::Command`]s to
//!   and from 7-byte frames, and a streaming [`pelco_d::Deframer`] for received bytes.
//! - [`head`]: a simulated PTZ head driven by Pelco-D messages and a caller-stepped clock, for
//!   the simulator and for tests that need a head without hardware.
//!
//! Transports (serial, TCP, UDP) are thin adapters that move bytes in and out of these types;
//! nothing here does I/O, so every protocol rule is tested without sockets (as rumqttc tests its
//! `state.rs`).
#![deny(missing_docs)]

pub mod head;
pub mod pelco_d;
