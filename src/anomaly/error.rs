//! [`ZoneError`]: why a zone set could not be loaded, naming the file and the feature.

/// A zone file that could not be read or failed validation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZoneError {
    /// The file could not be read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The text is not GeoJSON, or not a FeatureCollection.
    #[error("{file}: not a GeoJSON FeatureCollection: {why}")]
    NotGeoJson {
        /// The file.
        file: String,
        /// What the parser said.
        why: String,
    },
    /// A feature is invalid (no geometry, not a polygon, too few vertices, out-of-range or
    /// non-finite coordinates, unknown risk level).
    #[error("{file}: feature {feature}: {why}")]
    BadFeature {
        /// The file.
        file: String,
        /// The feature's `id` property, or `#<index>` when it has none.
        feature: String,
        /// What is wrong.
        why: &'static str,
    },
}
