//! Sensor ingest: raw bytes in, [`Detection`](crate::Detection)s out.
//!
//! The first stage of the pipeline. Nothing here knows about tracks or alerts.

/// NMEA 0183 / IEC 61162-1 sentence framing, checksums and tag blocks, shared by AIS and radar.
pub mod nmea;
/// AIS (ITU-R M.1371): 6-bit armour, multipart assembly, all 27 message types, gpsd-style JSON.
pub mod ais;
/// Radar target sentences (TTM, TLL) plus own-ship position (OSD, GGA, RMC, HDT) → detections.
pub mod radar;
/// Async line sources: file replay, UDP, TCP client and serial, each reconnecting with backoff.
pub mod source;
/// Infrared thermal video: capture (GStreamer), hot-spot detection, image tracking, geolocation.
pub mod thermal;
