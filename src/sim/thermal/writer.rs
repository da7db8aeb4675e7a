//! Writes 16-bit frames to a lossless FFV1/Matroska file through GStreamer.
//!
//! `appsrc (GRAY16_LE) → avenc_ffv1 → matroskamux → filesink`: FFV1 keeps every count, so a
//! clip read back by [`Capture`](crate::ingest::thermal::Capture) gives the detector exactly the
//! synthesised frames.

use std::path::{Path, PathBuf};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use crate::ingest::thermal::{Frame16, ThermalError};

/// An open FFV1/MKV file being written, one frame at a time.
pub struct Ffv1Writer {
    path: PathBuf,
    pipeline: gst::Pipeline,
    src: gst_app::AppSrc,
    width: usize,
    height: usize,
    fps: u32,
    count: u64,
}

impl std::fmt::Debug for Ffv1Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ffv1Writer").field("path", &self.path).field("count", &self.count).finish_non_exhaustive()
    }
}

impl Ffv1Writer {
    /// Creates `path` for `width × height` frames at `fps` frames a second.
    ///
    /// # Errors
    /// [`ThermalError::MissingElement`] without the libav/matroska plugins,
    /// [`ThermalError::Write`] when the pipeline cannot start (an unwritable path).
    pub fn create(path: &Path, width: usize, height: usize, fps: u32) -> Result<Ffv1Writer, ThermalError> {
        let err = |message: String| ThermalError::Write { path: path.to_path_buf(), message };
        gst::init().map_err(|e| err(e.to_string()))?;
        let make = |name: &str| {
            gst::ElementFactory::make(name)
                .build()
                .map_err(|_| ThermalError::MissingElement { element: name.to_owned() })
        };
        let caps = gst::Caps::builder("video/x-raw")
            .field("format", "GRAY16_LE")
            .field("width", i32::try_from(width).map_err(|e| err(e.to_string()))?)
            .field("height", i32::try_from(height).map_err(|e| err(e.to_string()))?)
            .field("framerate", gst::Fraction::new(fps.max(1) as i32, 1))
            .build();
        let frame_bytes = (width * height * 2) as u64;
        let src = gst_app::AppSrc::builder()
            .caps(&caps)
            .format(gst::Format::Time)
            .block(true)
            .max_bytes(4 * frame_bytes)
            .build();
        let encode = make("avenc_ffv1")?;
        let mux = make("matroskamux")?;
        // Matroska stores block times in units of `timecodescale` ns, 1 ms by default: frame
        // times at 30 fps (33.333… ms) would come back rounded to the millisecond. Nanosecond
        // units keep every timestamp exact; the muxer then opens a cluster per frame (FFV1 is
        // intra-only, so it would start one at every keyframe anyway).
        mux.set_property("timecodescale", 1i64);
        let sink = make("filesink")?;
        sink.set_property("location", path.to_string_lossy().as_ref());
        let pipeline = gst::Pipeline::new();
        pipeline.add_many([src.upcast_ref(), &encode, &mux, &sink]).map_err(|e| err(e.to_string()))?;
        gst::Element::link_many([src.upcast_ref(), &encode, &mux, &sink]).map_err(|e| err(e.to_string()))?;
        if pipeline.set_state(gst::State::Playing).is_err() {
            let _ = pipeline.set_state(gst::State::Null);
            return Err(err(bus_error(&pipeline).unwrap_or_else(|| "cannot start the encoder".to_owned())));
        }
        Ok(Ffv1Writer { path: path.to_path_buf(), pipeline, src, width, height, fps: fps.max(1), count: 0 })
    }

    /// Appends `frame` (its time is its index over the frame rate).
    ///
    /// # Errors
    /// [`ThermalError::Write`] for a frame of another size or a failed pipeline.
    pub fn write(&mut self, frame: &Frame16) -> Result<(), ThermalError> {
        let err = |message: String| ThermalError::Write { path: self.path.clone(), message };
        if frame.width != self.width || frame.height != self.height || frame.data.len() != self.width * self.height {
            return Err(err(format!(
                "frame is {}×{}, the file is {}×{}",
                frame.width, frame.height, self.width, self.height
            )));
        }
        let bytes: Vec<u8> = frame.data.iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut buffer = gst::Buffer::from_mut_slice(bytes);
        {
            // A freshly created buffer has one owner, so it is writable.
            let b = buffer.get_mut().expect("a new buffer is writable");
            let ns = 1_000_000_000u64;
            b.set_pts(gst::ClockTime::from_nseconds(self.count * ns / u64::from(self.fps)));
            b.set_duration(gst::ClockTime::from_nseconds(ns / u64::from(self.fps)));
        }
        self.src
            .push_buffer(buffer)
            .map_err(|e| err(bus_error(&self.pipeline).unwrap_or_else(|| format!("encoder refused a frame: {e:?}"))))?;
        self.count += 1;
        Ok(())
    }

    /// Ends the stream, waits for the file to be complete, and returns the frame count.
    ///
    /// # Errors
    /// [`ThermalError::Write`] if the pipeline reports an error or does not finish in a minute.
    pub fn finish(self) -> Result<u64, ThermalError> {
        let err = |message: String| ThermalError::Write { path: self.path.clone(), message };
        let _ = self.src.end_of_stream();
        let bus = self.pipeline.bus().ok_or_else(|| err("pipeline has no bus".to_owned()))?;
        let result = match bus
            .timed_pop_filtered(gst::ClockTime::from_seconds(60), &[gst::MessageType::Eos, gst::MessageType::Error])
        {
            Some(msg) => match msg.view() {
                gst::MessageView::Eos(_) => Ok(self.count),
                gst::MessageView::Error(e) => Err(err(e.error().to_string())),
                _ => Ok(self.count),
            },
            None => Err(err("the encoder did not finish within 60 s".to_owned())),
        };
        let _ = self.pipeline.set_state(gst::State::Null);
        result
    }
}

fn bus_error(pipeline: &gst::Pipeline) -> Option<String> {
    let bus = pipeline.bus()?;
    let msg = bus.pop_filtered(&[gst::MessageType::Error])?;
    match msg.view() {
        gst::MessageView::Error(e) => Some(e.error().to_string()),
        _ => None,
    }
}
