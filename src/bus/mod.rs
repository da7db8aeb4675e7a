//! The message bus: typed messages, topics, the MQTT client with its on-disk alert outbox, the
//! embedded broker and the test PKI.
//!
//! # Layout
//! In the data flow this is the edge node's exit and the console's entrance:
//! `Track/Alert/Status → bus (MQTT) → console → tasking`. Nothing here knows about sensors or
//! trackers; the node hands over [`TracksMsg`]/[`StatusMsg`] payloads and [`Alert`](crate::alert::Alert)s.
//!
//! - [`msg`]: one serde struct per topic kind with its `schema` tag; [`msg::parse`] validates
//!   every received payload; [`msg::json_schemas`] generates `assets/schemas/`.
//! - [`topic`]: every topic string of the contract, built by functions.
//! - [`client`]: [`bus`]`(opts, cap) -> (`[`BusHandle`]`, `[`BusLoop`]`)` over rumqttc.
//! - [`inflight`]: packet id ↔ outbox row bookkeeping, no I/O.
//! - [`outbox`]: the SQLite (WAL) outbox: committed before publish, deleted on PUBACK, bounded.
//! - [`options`]: broker URL, credentials, TLS (rustls), session settings.
//! - [`listen`]: the headless subscriber behind `seawarden listen`.
//! - [`broker`]: the embedded rumqttd broker behind `seawarden broker`.
//! - [`certs`]: a test CA and per-node certificates (rcgen).
//! - [`record`]: the console's recorder (rotating JSONL, documented fsync policy) and its reader.
//! - [`replay`]: a recorded window at x1-x60, paced on an injectable clock, marked as replay.

/// `seawarden broker`: embedded rumqttd.
pub mod broker;
/// `seawarden certs`: test CA and node certificates.
pub mod certs;
/// The MQTT client: handle and loop.
pub mod client;
mod error;
/// Packet id ↔ outbox row bookkeeping for QoS 1 alerts; pure, unit-tested.
pub mod inflight;
/// `seawarden listen`: subscribe and write JSON lines.
pub mod listen;
/// Message types, validation and JSON Schemas.
pub mod msg;
/// Broker URL, credentials and TLS options.
pub mod options;
/// The SQLite alert outbox with its overflow policy.
pub mod outbox;
/// Topic builders and parser.
pub mod topic;
pub mod record;
pub mod replay;

/// Create a client; the handle hands messages over, the loop talks to the broker.
pub use client::{BusHandle, BusLoop, Publish, Received, bus};
/// The bus's error type.
pub use error::BusError;
/// Which alert rides which packet id.
pub use inflight::{Inflight, Tag};
/// Message types.
pub use msg::{AlertMsg, BusMessage, Message, Reject, StatusMsg, TracksMsg};
/// Options.
pub use options::{BrokerUrl, BusOptions, TlsFiles};
/// The outbox.
pub use outbox::Outbox;
