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

/// Slices per FFV1 frame: the archival recommendation, and what lets two decoding threads share
/// a frame evenly while the detector runs beside them.
const ARCHIVAL_SLICES: i32 = 24;

/// Smallest frame cut into [`ARCHIVAL_SLICES`] (6 × 4 slices of 16 × 16 pixels): the encoder
/// refuses 24 slices on a frame narrower than 6 pixels, and a tiny test frame gains nothing from
/// them, so smaller frames keep the encoder's own choice.
const MIN_SLICED_SIZE: (usize, usize) = (96, 64);

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
        let frame_bytes = (row_stride(width) * height) as u64;
        let src = gst_app::AppSrc::builder()
            .caps(&caps)
            .format(gst::Format::Time)
            .block(true)
            .max_bytes(4 * frame_bytes)
            .build();
        let encode = make("avenc_ffv1")?;
        // FFV1 as film archives record it (version 3, which slice CRCs select; every frame a
        // keyframe; 24 slices): a damaged frame spoils only itself, replay can seek to any frame,
        // and the decoder's slice threads share each frame in small pieces. With the 4 slices the
        // encoder picks alone, one slice left waiting while the detector holds a core delays the
        // whole frame: `seawarden detect` kept the two cores 166–168 % busy, against 181–189 %
        // with 24 slices, for 2 % more bytes and the same decoding CPU (assets/models/MODEL.md).
        encode.set_property("gop-size", 1i32);
        encode.set_property("slicecrc", true);
        if width >= MIN_SLICED_SIZE.0 && height >= MIN_SLICED_SIZE.1 {
            encode.set_property("slices", ARCHIVAL_SLICES);
        }
        let mux = make("matroskamux")?;
        // Matroska stores block times in units of `timecodescale` ns, 1 ms by default: frame
        // times at 30 fps (33.333… ms) would come back rounded to the millisecond. Nanosecond
        // units keep every timestamp exact; the muxer then opens a cluster per frame (every FFV1
        // frame here is a keyframe, so it would start one at each anyway).
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
        let stride = row_stride(self.width);
        let mut bytes = vec![0u8; stride * self.height];
        for (row, out) in frame.data.chunks_exact(self.width.max(1)).zip(bytes.chunks_exact_mut(stride.max(1))) {
            for (v, o) in row.iter().zip(out.chunks_exact_mut(2)) {
                o.copy_from_slice(&v.to_le_bytes());
            }
        }
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

/// Bytes of one `GRAY16_LE` row in a buffer: GStreamer lays raw video rows out on 4-byte
/// strides, so an odd width gets 2 bytes of padding a row (without them the encoder finds the
/// buffer too small and drops the frame).
fn row_stride(width: usize) -> usize {
    (width * 2).next_multiple_of(4)
}

fn bus_error(pipeline: &gst::Pipeline) -> Option<String> {
    let bus = pipeline.bus()?;
    let msg = bus.pop_filtered(&[gst::MessageType::Error])?;
    match msg.view() {
        gst::MessageView::Error(e) => Some(e.error().to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CRC of FFV1's slice footers (RFC 9043, "Slice Footer"): IEEE polynomial, initial value 0, no
    /// inversions, most significant bit first. A slice with its footer leaves remainder 0.
    fn crc_remainder(bytes: &[u8]) -> u32 {
        bytes.iter().fold(0u32, |crc, &b| {
            (0..8).fold(
                crc ^ (u32::from(b) << 24),
                |c, _| if c & 0x8000_0000 != 0 { (c << 1) ^ 0x04C1_1DB7 } else { c << 1 },
            )
        })
    }

    /// Slices of one FFV1 version-3 frame with slice CRCs, walked back from its end: each slice
    /// ends in a footer of its size (24 bits, footer excluded), an error byte and the CRC parity.
    /// `None` when a footer does not check out.
    fn slices_in(frame: &[u8]) -> Option<usize> {
        const FOOTER: usize = 3 + 1 + 4;
        let (mut end, mut count) = (frame.len(), 0);
        while end > 0 {
            let footer = frame.get(end.checked_sub(FOOTER)?..end)?;
            let size = usize::from(footer[0]) << 16 | usize::from(footer[1]) << 8 | usize::from(footer[2]);
            let start = end.checked_sub(size + FOOTER)?;
            if crc_remainder(&frame[start..end]) != 0 {
                return None;
            }
            (end, count) = (start, count + 1);
        }
        Some(count)
    }

    /// The encoded frames of `path`, demuxed but not decoded, with whether each is a keyframe.
    fn encoded_frames(path: &Path) -> Vec<(bool, Vec<u8>)> {
        let pipeline = gst::parse::launch("filesrc name=src ! matroskademux ! appsink name=sink sync=false")
            .unwrap()
            .downcast::<gst::Pipeline>()
            .unwrap();
        pipeline.by_name("src").unwrap().set_property("location", path.to_str().unwrap());
        let sink = pipeline.by_name("sink").unwrap().downcast::<gst_app::AppSink>().unwrap();
        pipeline.set_state(gst::State::Playing).unwrap();
        let mut frames = Vec::new();
        while let Ok(sample) = sink.pull_sample() {
            let buffer = sample.buffer().unwrap();
            let keyframe = !buffer.flags().contains(gst::BufferFlags::DELTA_UNIT);
            frames.push((keyframe, buffer.map_readable().unwrap().to_vec()));
        }
        pipeline.set_state(gst::State::Null).unwrap();
        frames
    }

    #[test]
    fn a_frame_too_small_for_the_slices_and_of_odd_width_is_still_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.mkv");
        let mut writer = Ffv1Writer::create(&path, 3, 8, 25).unwrap();
        for i in 0..3 {
            writer.write(&Frame16::filled(3, 8, 1000 + i)).unwrap();
        }
        assert_eq!(writer.finish().unwrap(), 3);
        let frames = encoded_frames(&path);
        assert_eq!(frames.len(), 3);
        assert!(frames.iter().all(|(keyframe, _)| *keyframe));
    }

    #[test]
    fn every_frame_is_a_keyframe_in_archival_checked_slices() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archival.mkv");
        let (w, h) = (160, 128);
        let mut writer = Ffv1Writer::create(&path, w, h, 25).unwrap();
        for i in 0..4u32 {
            let noise =
                (0..w * h).map(|p| (1000 + (((p as u32 + i * 7919).wrapping_mul(2_654_435_761) >> 24) & 63)) as u16);
            writer.write(&Frame16 { width: w, height: h, data: noise.collect() }).unwrap();
        }
        assert_eq!(writer.finish().unwrap(), 4);
        let frames = encoded_frames(&path);
        assert_eq!(frames.len(), 4);
        for (i, (keyframe, bytes)) in frames.iter().enumerate() {
            assert!(keyframe, "frame {i} depends on the one before");
            assert_eq!(slices_in(bytes), Some(ARCHIVAL_SLICES as usize), "frame {i}");
        }
    }
}
