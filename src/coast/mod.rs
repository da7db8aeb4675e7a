//! The real coastline: which points are land, whether a straight leg or line of sight crosses
//! land, how far the shore is, routes over water, and the monitoring sites.
//!
//! Everything downstream that reasons about geography leans on this module: the simulator keeps
//! vessels off land and masks sensors behind hills with it, and the patrol intercept planner will
//! route boats with [`WaterRouter`]. Inputs are the assets under `assets/` (OSM land polygons,
//! ±50 m; `sites.toml`), embedded with `include_str!` and loadable from files.
//!
//! - [`Coast`]: land polygons + a grid index: `is_land`, `crosses_land`, `distance_to_shore_m`.
//! - [`WaterRouter`]: A* over a water grid with a shore margin, string-pulled to few waypoints.
//! - [`Sites`]: the typed, checked `sites.toml`.
//! - [`Plane`]: the flat, invertible metric frame the three share.
//!
//! # References
//! - `assets/GEODATA-SOURCES.md` (sources, licences, known limitations: ±50 m coast, the
//!   Hengqin–mainland join, the narrow channel west of the runway).
//! - J. Amanatides, A. Woo, *A fast voxel traversal algorithm for ray tracing*, Eurographics 1987.
//! - P. E. Hart, N. J. Nilsson, B. Raphael, *A formal basis for the heuristic determination of
//!   minimum cost paths*, IEEE TSSC 4(2), 1968 (A*).

use std::path::PathBuf;

/// Land polygons and their spatial index.
pub mod land;
/// The shared flat metric frame.
pub mod plane;
/// Water distance fields: one Dijkstra pass per start, then lookups and routes without A*.
pub mod distance_field;
/// Routing over water.
pub mod router;
/// Monitoring sites.
pub mod sites;

pub use land::Coast;
pub use plane::Plane;
pub use router::{RouterOptions, WaterRouter};
pub use sites::{Camera, Sector, Site, Sites};

/// Why coastline data, sites or a route could not be had.
#[derive(Debug, thiserror::Error)]
pub enum CoastError {
    /// A file could not be read.
    #[error("reading {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Not a GeoJSON FeatureCollection.
    #[error("{what}: invalid GeoJSON: {message}")]
    GeoJson {
        /// The source (file name).
        what: String,
        /// The parser's message.
        message: String,
    },
    /// A feature that is not a Polygon or MultiPolygon.
    #[error("{what}: feature {index} is not a polygon")]
    NotPolygon {
        /// The source.
        what: String,
        /// Index of the feature.
        index: usize,
    },
    /// No land polygons at all.
    #[error("{what}: no land polygons")]
    Empty {
        /// The source.
        what: String,
    },
    /// sites.toml syntax, a missing or unknown key, or a wrong type (the message names the key).
    #[error("{what}: {message}")]
    Toml {
        /// The source.
        what: String,
        /// The parser's message, with key and line.
        message: String,
    },
    /// A site value out of range.
    #[error("{what}: site {site}: key `{key}`: {reason}")]
    InvalidSite {
        /// The source.
        what: String,
        /// Site id (or name when the id is empty).
        site: String,
        /// The offending key.
        key: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A route endpoint with no usable water within 2 km (or only across land).
    #[error("no usable water near {lat:.5}, {lon:.5}")]
    NoWaterNear {
        /// Latitude, degrees.
        lat: f64,
        /// Longitude, degrees.
        lon: f64,
    },
    /// The water around the two ends is not connected at the router's margin.
    #[error("no water route from {from_lat:.5}, {from_lon:.5} to {to_lat:.5}, {to_lon:.5}")]
    Unreachable {
        /// Start latitude.
        from_lat: f64,
        /// Start longitude.
        from_lon: f64,
        /// End latitude.
        to_lat: f64,
        /// End longitude.
        to_lon: f64,
    },
    /// A string-pulled leg touched land (a bug guard: the grid said clear, the polygons did not).
    #[error("route leg {leg} from {lat:.5}, {lon:.5} crosses land")]
    LegCrossesLand {
        /// Leg index.
        leg: usize,
        /// Leg start latitude.
        lat: f64,
        /// Leg start longitude.
        lon: f64,
    },
}
