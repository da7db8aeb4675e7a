//! The IR pipeline's one error type.

use std::path::PathBuf;

/// Why video could not be opened, read or written.
///
/// Every variant names the URI or path, so a node running several cameras logs which one failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ThermalError {
    /// The URI's scheme is not one capture knows.
    #[error("unsupported video URI {uri:?}: expected a file path, file://, rtsp://, v4l2:// or videotestsrc://")]
    UnsupportedUri {
        /// The URI as given.
        uri: String,
    },
    /// A GStreamer element the pipeline needs is not installed (a missing plugin package).
    #[error("GStreamer element {element:?} is not installed (install the GStreamer plugin packages)")]
    MissingElement {
        /// Element factory name, such as `avenc_ffv1`.
        element: String,
    },
    /// GStreamer could not be initialised or the pipeline not built.
    #[error("cannot build the video pipeline for {uri}: {message}")]
    Pipeline {
        /// The source URI.
        uri: String,
        /// GStreamer's reason.
        message: String,
    },
    /// The stream failed: unreadable or corrupt file, unreachable camera, decoder error.
    #[error("{uri}: {message}")]
    Stream {
        /// The source URI.
        uri: String,
        /// GStreamer's error message, with the element that posted it.
        message: String,
    },
    /// The source delivered a pixel format the detectors cannot read.
    #[error("{uri}: unsupported video format {format}: expected GRAY16_LE, GRAY8, I420 or NV12")]
    Format {
        /// The source URI.
        uri: String,
        /// The negotiated format or caps.
        format: String,
    },
    /// A live source gave no frame in time, after every reconnect attempt.
    #[error("{uri}: no frame for {waited_ms} ms after {reconnects} reconnect attempts")]
    Timeout {
        /// The source URI.
        uri: String,
        /// How long the last attempt waited, milliseconds.
        waited_ms: u64,
        /// Reconnect attempts made.
        reconnects: u32,
    },
    /// Writing a video file failed.
    #[error("writing {}: {message}", path.display())]
    Write {
        /// The output file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}
