//! Tasking: the end of the data flow (`… → Alert → bus → console → tasking`). A track or alert
//! chosen by the operator goes in; out come drone missions in the files ground-control software
//! loads, and patrol-boat tasks with an intercept point and ETA.
//!
//! # Layout
//! - [`target`]: what a task aims at: a position with course and speed.
//! - [`patterns`]: drone flight patterns as pure functions (orbit, follow, inspect, IAMSAR
//!   expanding square and parallel track, shore sector).
//! - [`mission`]: a pattern's waypoints checked against limits and the geofence into a [`Mission`].
//! - [`geofence`]: no-fly zones (`assets/no-fly.geojson`) and leg/zone geometry.
//! - [`items`]: a mission as MAVLink mission items, shared by the `.plan`, WPL and live upload.
//! - [`export`]: one [`MissionWriter`] per file format (QGC `.plan`, WPL, KML, CoT).
//! - [`units`]: patrol boats and drone teams (`assets/units.toml`) and their live positions.
//! - [`patrol`]: patrol task/answer payloads and the console's task board (revisions on manoeuvres).
//! - [`client`]: the boat's side of a task (what `seawarden patrol` shows, its answers, `--simulate`).
//! - [`intercept`]: earliest intercept of a moving target per unit, routed around land; ranking by ETA.
//! - [`propose`]: the fastest unit for many targets at once, through per-boat water distance fields.
//! - [`drone`]: the console's drone tasking: an alert's track to a checked mission and its bus message.

pub mod client;
pub mod drone;
pub mod export;
pub mod geofence;
pub mod intercept;
pub mod items;
pub mod mission;
pub mod patrol;
pub mod patterns;
pub mod propose;
pub mod target;
pub mod units;

pub use export::{ExportError, Format, MissionWriter};
pub use geofence::{Geofence, NoFlyZone};
pub use mission::{plan, Limits, Mission, MissionError, MissionSpec, Waypoint};
pub use target::Target;
pub use intercept::{intercept, rank_units, Candidate, FleetPlanner, Intercept};
pub use propose::{FieldPlanner, Proposal};
pub use units::{Unit, UnitKind, Units};
