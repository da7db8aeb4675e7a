//! Traffic and sensor simulation on the real Macau coast, deterministic by seed.
//!
//! A [`Scenario`] places vessels (ferries, cargo ships, fishing and pleasure boats, dark fast
//! craft) with programs of [`Action`]s routed by the coast's
//! [`WaterRouter`](crate::coast::WaterRouter); a [`Simulation`] steps them with turn-rate and
//! acceleration limits and runs the sensor models of every site over them, emitting the same
//! bytes and records real inputs give:
//!
//! - AIS ([`ais`], [`ais_encode`]): Class A/B reporting rates, static data, drops, spoofers,
//!   as tag-blocked `!AIVDM` NMEA and `kind: "ais"` measurement lines.
//! - radar ([`radar`]): 2.5 s scans, σ 15 m / 0.5°, Pd by range and size, clutter, land masking,
//!   shadowing; `$RATTM` NMEA and measurement lines.
//! - IR ([`ir`]): 1 Hz, σ 0.05° in bearing and 15 % in range, sector and line of sight.
//!
//! Outputs ([`write`]): `measurements.jsonl` (the tracker batch contract of DESIGN.md),
//! `truth.jsonl`, `episodes.jsonl`, `ais.nmea`, `radar-<site>.nmea`.
//!
//! # References
//! - ITU-R M.1371-5, *Technical characteristics for an automatic identification system using
//!   time division multiple access in the VHF maritime mobile frequency band* (Annex 1 Tables 1
//!   and 2: reporting intervals; Annex 8: message layouts).
//! - IEC 61162-1 (NMEA 0183) for VDM and TTM; NMEA 4.10 for tag blocks.
//! - M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed., 2001 (detection range, clutter).

/// AIS sensor model: reporting schedules, spoofing, drops.
pub mod ais;
/// AIS message encoder (bit writer, armour, messages 1, 5, 18, 24).
pub mod ais_encode;
/// Thermal camera model.
pub mod ir;
/// Radar model.
pub mod radar;
/// Output records and their JSON lines.
pub mod record;
/// The simulation loop.
pub mod run;
/// Named scenarios.
pub mod scenario;
/// What radar and IR share.
pub mod sensor;
/// Thermal (IR) video frames rendered from truth, with exact labels, written as FFV1/MKV.
pub mod thermal;
/// Vessel classes, behaviours and motion.
pub mod vessel;
/// The fixed geography (coast, router, sites, hotspots).
pub mod world;
/// Writing a run to a directory.
pub mod write;

pub use ais::{AisClass, AisFit, Spoof};
pub use record::{Episode, Measurement, SensorInfo, TruthRecord};
pub use run::{Simulation, Sink, Stats};
pub use scenario::{Scenario, VesselPlan};
pub use vessel::{Action, Behaviour, Step, VesselClass};
pub use world::{Hotspot, World};
pub use write::{DirSink, MemorySink, write_dir};

/// Why a simulation could not be set up or written.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// No scenario by that name.
    #[error("unknown scenario {0:?} (known: {list})", list = scenario::NAMES.join(", "))]
    UnknownScenario(String),
    /// A place (hotspot id) the scenario refers to is missing from the assets.
    #[error("unknown place {0:?}")]
    UnknownPlace(String),
    /// Routing or coast data failed.
    #[error(transparent)]
    Coast(#[from] crate::coast::CoastError),
    /// An output file could not be written.
    #[error("writing {}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
