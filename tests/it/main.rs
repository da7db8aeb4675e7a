//! Integration tests, compiled as one binary (one link step): a module per area.
mod ais;
mod anomaly;
mod audit;
mod bus;
mod node;
mod eval;
mod source;
mod gpsd_diff;
mod ingest;
mod track;
mod tasking;
mod thermal;
mod onnx;
mod ptz;
mod recording;
mod sim;
mod util;
