//! GStreamer capture: a video URI in, grey frames with stream timestamps out.
//!
//! One pipeline per source, ending in an `appsink` that accepts `GRAY16_LE` (radiometric),
//! `GRAY8`, and `I420`/`NV12` (H.264 and other compressed streams; the detector reads their luma
//! plane). A decoded buffer is mapped, never copied: [`VideoFrame::view`] lends its memory as a
//! [`FrameView`].
//!
//! Sources, by URI:
//! - a path or `file://…`: any container and codec `decodebin` plays (MKV/MP4 with FFV1, raw
//!   16-bit, H.264). Every frame is delivered, in decode order: decoding waits for the detector
//!   (backpressure), but runs on GStreamer's own thread, so the two overlap.
//! - `rtsp://…` (`rtspsrc`), `v4l2:///dev/video0` (`v4l2src`): live. A bounded queue keeps the
//!   newest frames and counts the ones it drops; a lost stream is rebuilt with exponential
//!   backoff, up to `max_reconnects` times.
//! - `videotestsrc://?pattern=ball&num-buffers=30&width=640&height=512&format=GRAY16_LE&framerate=30&live=false`
//!   for tests and demos.
//!
//! Errors (missing file, corrupt stream, wrong format, unreachable camera) are returned as
//! [`ThermalError`]s naming the URI; nothing here panics on bad input.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video as gst_video;
use gstreamer_video::prelude::*;

use super::error::ThermalError;
use super::frame::{FrameView, Pixels};
use super::queue::{FrameQueue, Pop, QueuePolicy};

/// Formats the appsink accepts, in order of preference.
const SINK_CAPS: &str = "video/x-raw,format=(string){GRAY16_LE,GRAY8,I420,NV12}";

/// How a capture behaves; the defaults suit `seawarden detect` and an edge node.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureOptions {
    /// Frames queued between GStreamer and the detector.
    pub queue_capacity: usize,
    /// Treat the source as live (latest frame wins, reconnect); `None` decides from the URI.
    pub live: Option<bool>,
    /// Reconnect attempts for a live source before giving up (then the error is returned).
    pub max_reconnects: u32,
    /// First reconnect delay, milliseconds; doubles each attempt up to `backoff_max_ms`.
    pub backoff_initial_ms: u64,
    /// Longest reconnect delay, milliseconds.
    pub backoff_max_ms: u64,
    /// A live source silent this long counts as lost, milliseconds.
    pub stall_timeout_ms: u64,
    /// RTSP jitter-buffer latency, milliseconds (small: capture-to-detection latency matters).
    pub rtsp_latency_ms: u32,
}

impl Default for CaptureOptions {
    fn default() -> Self {
        CaptureOptions {
            queue_capacity: 4,
            live: None,
            max_reconnects: 5,
            backoff_initial_ms: 500,
            backoff_max_ms: 8_000,
            stall_timeout_ms: 5_000,
            rtsp_latency_ms: 50,
        }
    }
}

/// Counters a node reports in its health status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaptureStats {
    /// Frames GStreamer handed over.
    pub received: u64,
    /// Frames dropped by the latest-frame-wins queue (live sources only).
    pub dropped: u64,
    /// Frames delivered to the caller.
    pub delivered: u64,
    /// Times the pipeline was rebuilt after a loss.
    pub reconnects: u32,
}

/// Which kind of source a URI names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    File(String),
    Rtsp(String),
    V4l2(String),
    TestSrc(Vec<(String, String)>),
}

impl Source {
    fn parse(uri: &str) -> Result<Source, ThermalError> {
        let unsupported = || ThermalError::UnsupportedUri { uri: uri.to_owned() };
        if let Some(rest) = uri.strip_prefix("file://") {
            return Ok(Source::File(percent_decode(rest)));
        }
        if uri.starts_with("rtsp://") || uri.starts_with("rtsps://") {
            return Ok(Source::Rtsp(uri.to_owned()));
        }
        if let Some(rest) = uri.strip_prefix("v4l2://") {
            return Ok(Source::V4l2(if rest.is_empty() { "/dev/video0".to_owned() } else { rest.to_owned() }));
        }
        if let Some(rest) = uri.strip_prefix("videotestsrc://") {
            let query = rest.trim_start_matches('/').trim_start_matches('?');
            let params = query
                .split('&')
                .filter(|kv| !kv.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (k.to_owned(), v.to_owned())
                })
                .collect();
            return Ok(Source::TestSrc(params));
        }
        if uri.contains("://") {
            return Err(unsupported());
        }
        Ok(Source::File(uri.to_owned()))
    }

    fn is_live(&self) -> bool {
        match self {
            Source::File(_) => false,
            Source::Rtsp(_) | Source::V4l2(_) => true,
            Source::TestSrc(p) => p.iter().any(|(k, v)| k == "live" && v == "true"),
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One decoded frame, mapped in place; the buffer returns to GStreamer's pool when dropped.
pub struct VideoFrame {
    frame: gst_video::VideoFrame<gst_video::video_frame::Readable>,
    index: u64,
    time_s: f64,
}

impl std::fmt::Debug for VideoFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoFrame")
            .field("index", &self.index)
            .field("time_s", &self.time_s)
            .field("format", &self.frame.format())
            .field("size", &(self.frame.width(), self.frame.height()))
            .finish()
    }
}

impl VideoFrame {
    /// 0-based position in decode order (after any frames a live queue dropped).
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Stream timestamp (presentation time), seconds.
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// The negotiated pixel format's name, e.g. `GRAY16_LE`.
    pub fn format_name(&self) -> &'static str {
        self.frame.format().to_str()
    }

    /// The grey (or luma) plane as a view for a detector, borrowing the mapped buffer.
    ///
    /// Returns `None` only if the mapped plane is smaller than its caps claim or misaligned for
    /// 16-bit reads, which GStreamer's allocators do not produce; callers skip such a frame.
    pub fn view(&self) -> Option<FrameView<'_>> {
        let width = self.frame.width() as usize;
        let height = self.frame.height() as usize;
        let stride = usize::try_from(*self.frame.plane_stride().first()?).ok()?;
        let data = self.frame.plane_data(0).ok()?;
        match self.frame.format() {
            gst_video::VideoFormat::Gray16Le => {
                if cfg!(target_endian = "big") || stride % 2 != 0 {
                    return None;
                }
                // SAFETY: every bit pattern is a valid u16; align_to only reinterprets the
                // aligned middle, and we refuse the frame unless that is the whole buffer.
                let (pre, mid, post) = unsafe { data.align_to::<u16>() };
                if !pre.is_empty() || !post.is_empty() {
                    return None;
                }
                FrameView::try_new(width, height, stride / 2, Pixels::Gray16(mid)).ok()
            }
            _ => FrameView::try_new(width, height, stride, Pixels::Gray8(data)).ok(),
        }
    }
}

/// A running video source (see the module docs).
pub struct Capture {
    uri: String,
    source: Source,
    live: bool,
    options: CaptureOptions,
    pipeline: gst::Pipeline,
    queue: Arc<FrameQueue<gst::Sample>>,
    info: Option<(gst::Caps, gst_video::VideoInfo)>,
    next_index: u64,
    delivered: u64,
    reconnects: u32,
    last_frame: Instant,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture").field("uri", &self.uri).field("live", &self.live).finish_non_exhaustive()
    }
}

impl Capture {
    /// Builds and starts the pipeline for `uri`.
    ///
    /// For a file the pipeline is pre-rolled here, so a missing, unreadable or undecodable file
    /// fails now. A live source starts asynchronously; its failures surface from
    /// [`Capture::next_frame`] once reconnecting gives up.
    ///
    /// # Errors
    /// [`ThermalError::UnsupportedUri`], [`ThermalError::MissingElement`],
    /// [`ThermalError::Pipeline`], [`ThermalError::Stream`].
    pub fn open(uri: &str, options: CaptureOptions) -> Result<Capture, ThermalError> {
        gst::init().map_err(|e| ThermalError::Pipeline { uri: uri.to_owned(), message: e.to_string() })?;
        let source = Source::parse(uri)?;
        if let Source::File(path) = &source {
            if !Path::new(path).is_file() {
                return Err(ThermalError::Stream { uri: uri.to_owned(), message: "no such file".to_owned() });
            }
        }
        let live = options.live.unwrap_or_else(|| source.is_live());
        let policy = if live { QueuePolicy::LatestWins } else { QueuePolicy::Block };
        let queue = Arc::new(FrameQueue::new(policy, options.queue_capacity));
        let pipeline = build_pipeline(uri, &source, &options, &queue)?;
        let mut capture = Capture {
            uri: uri.to_owned(),
            source,
            live,
            options,
            pipeline,
            queue,
            info: None,
            next_index: 0,
            delivered: 0,
            reconnects: 0,
            last_frame: Instant::now(),
        };
        capture.start()?;
        Ok(capture)
    }

    /// The pipeline's running time now, seconds: for a live source, directly comparable with a
    /// frame's [`VideoFrame::time_s`] (its capture time on the same clock), so `running_time_s()
    /// - frame.time_s()` is the capture-to-here latency. `None` before the pipeline has a clock.
    pub fn running_time_s(&self) -> Option<f64> {
        self.pipeline.current_running_time().map(|t| t.nseconds() as f64 / 1e9)
    }

    /// Whether the source is treated as live.
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// Counters so far.
    pub fn stats(&self) -> CaptureStats {
        let (received, dropped) = self.queue.counters();
        CaptureStats { received, dropped, delivered: self.delivered, reconnects: self.reconnects }
    }

    fn start(&mut self) -> Result<(), ThermalError> {
        self.last_frame = Instant::now();
        if self.live {
            if self.pipeline.set_state(gst::State::Playing).is_err() {
                return Err(self.bus_error().unwrap_or_else(|| self.stream_error("cannot start the pipeline")));
            }
            return Ok(());
        }
        // Pre-roll a file so that open() reports a bad file.
        let paused = self.pipeline.set_state(gst::State::Paused);
        let settled = self.pipeline.state(gst::ClockTime::from_seconds(20));
        if paused.is_err() || settled.0.is_err() {
            let err = self.bus_error().unwrap_or_else(|| self.stream_error("the file could not be pre-rolled"));
            self.stop();
            return Err(err);
        }
        if self.pipeline.set_state(gst::State::Playing).is_err() {
            let err = self.bus_error().unwrap_or_else(|| self.stream_error("cannot start the pipeline"));
            self.stop();
            return Err(err);
        }
        Ok(())
    }

    fn stop(&self) {
        // Release a streaming thread blocked on a full queue before stopping, or it would hold
        // the state change forever.
        self.queue.close();
        let _ = self.pipeline.set_state(gst::State::Null);
    }

    fn stream_error(&self, message: &str) -> ThermalError {
        ThermalError::Stream { uri: self.uri.clone(), message: message.to_owned() }
    }

    /// The first error message waiting on the bus, if any.
    fn bus_error(&self) -> Option<ThermalError> {
        let bus = self.pipeline.bus()?;
        while let Some(msg) = bus.pop_filtered(&[gst::MessageType::Error]) {
            if let gst::MessageView::Error(e) = msg.view() {
                let from = msg.src().map(|s| s.name().to_string()).unwrap_or_default();
                let mut message = format!("{} (from {from})", e.error());
                if let Some(debug) = e.debug() {
                    if let Some(first) = debug.lines().last() {
                        message.push_str(": ");
                        message.push_str(first);
                    }
                }
                return Some(ThermalError::Stream { uri: self.uri.clone(), message });
            }
        }
        None
    }

    /// The next frame, waiting for it; `Ok(None)` at the end of a file.
    ///
    /// # Errors
    /// [`ThermalError::Stream`] for a failed file or a live source that stayed lost after every
    /// reconnect, [`ThermalError::Format`] for a frame the detectors cannot read.
    pub fn next_frame(&mut self) -> Result<Option<VideoFrame>, ThermalError> {
        loop {
            match self.queue.pop_timeout(Duration::from_millis(100)) {
                Pop::Item(sample) => {
                    self.last_frame = Instant::now();
                    if let Some(frame) = self.map(sample)? {
                        self.delivered += 1;
                        return Ok(Some(frame));
                    }
                }
                Pop::Closed => {
                    if let Some(err) = self.bus_error() {
                        if self.live {
                            self.reconnect(err)?;
                            continue;
                        }
                        return Err(err);
                    }
                    if self.live {
                        let err = self.stream_error("end of stream");
                        self.reconnect(err)?;
                        continue;
                    }
                    return Ok(None);
                }
                Pop::Empty => {
                    if let Some(err) = self.bus_error() {
                        if self.live {
                            self.reconnect(err)?;
                            continue;
                        }
                        self.queue.close();
                        return Err(err);
                    }
                    let waited = self.last_frame.elapsed();
                    if self.live && waited > Duration::from_millis(self.options.stall_timeout_ms) {
                        let err = ThermalError::Timeout {
                            uri: self.uri.clone(),
                            waited_ms: waited.as_millis() as u64,
                            reconnects: self.reconnects,
                        };
                        self.reconnect(err)?;
                    }
                }
            }
        }
    }

    /// Rebuilds a lost live pipeline after a backoff, or gives up with `cause`.
    fn reconnect(&mut self, cause: ThermalError) -> Result<(), ThermalError> {
        if self.reconnects >= self.options.max_reconnects {
            self.stop();
            return Err(cause);
        }
        tracing::warn!(uri = %self.uri, error = %cause, attempt = self.reconnects + 1, "video source lost; reconnecting");
        self.stop();
        let delay = self
            .options
            .backoff_initial_ms
            .saturating_mul(1 << self.reconnects.min(16))
            .min(self.options.backoff_max_ms);
        std::thread::sleep(Duration::from_millis(delay));
        self.reconnects += 1;
        self.queue.reopen();
        self.pipeline = build_pipeline(&self.uri, &self.source, &self.options, &self.queue)?;
        self.info = None;
        match self.start() {
            Ok(()) => Ok(()),
            Err(e) => self.reconnect(e),
        }
    }

    /// Maps a sample's buffer as a frame, checking its caps once per caps change.
    fn map(&mut self, sample: gst::Sample) -> Result<Option<VideoFrame>, ThermalError> {
        let caps = sample.caps_owned().ok_or_else(|| self.stream_error("a frame arrived without caps"))?;
        let fresh = match &self.info {
            Some((c, _)) => c != &caps,
            None => true,
        };
        if fresh {
            let info = gst_video::VideoInfo::from_caps(&caps)
                .map_err(|_| ThermalError::Format { uri: self.uri.clone(), format: caps.to_string() })?;
            if !matches!(
                info.format(),
                gst_video::VideoFormat::Gray16Le
                    | gst_video::VideoFormat::Gray8
                    | gst_video::VideoFormat::I420
                    | gst_video::VideoFormat::Nv12
            ) {
                return Err(ThermalError::Format { uri: self.uri.clone(), format: info.format().to_str().to_string() });
            }
            self.info = Some((caps, info));
        }
        let Some(buffer) = sample.buffer_owned() else {
            return Ok(None);
        };
        let time_s = buffer.pts().map(|t| t.nseconds() as f64 / 1e9);
        // The caps check above filled `info`.
        let Some((_, info)) = &self.info else { return Ok(None) };
        let fps = info.fps();
        let time_s = time_s.unwrap_or_else(|| {
            if fps.numer() > 0 { self.next_index as f64 * f64::from(fps.denom()) / f64::from(fps.numer()) } else { 0.0 }
        });
        let frame = gst_video::VideoFrame::from_buffer_readable(buffer, info)
            .map_err(|_| self.stream_error("a frame buffer could not be mapped (truncated?)"))?;
        let index = self.next_index;
        self.next_index += 1;
        Ok(Some(VideoFrame { frame, index, time_s }))
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop();
    }
}

fn make(uri: &str, factory: &str) -> Result<gst::Element, ThermalError> {
    gst::ElementFactory::make(factory).build().map_err(|_| {
        if gst::ElementFactory::find(factory).is_none() {
            ThermalError::MissingElement { element: factory.to_owned() }
        } else {
            ThermalError::Pipeline { uri: uri.to_owned(), message: format!("cannot create {factory}") }
        }
    })
}

/// Builds (but does not start) the pipeline for `source`, ending in an appsink feeding `queue`.
fn build_pipeline(
    uri: &str,
    source: &Source,
    options: &CaptureOptions,
    queue: &Arc<FrameQueue<gst::Sample>>,
) -> Result<gst::Pipeline, ThermalError> {
    let pipeline_error = |message: String| ThermalError::Pipeline { uri: uri.to_owned(), message };
    let pipeline = gst::Pipeline::new();
    let convert = make(uri, "videoconvert")?;
    let sink = gst_app::AppSink::builder()
        .caps(&SINK_CAPS.parse::<gst::Caps>().map_err(|e| pipeline_error(e.to_string()))?)
        .sync(false)
        .max_buffers(1)
        .build();
    pipeline.add_many([&convert, sink.upcast_ref()]).map_err(|e| pipeline_error(e.to_string()))?;
    convert.link(&sink).map_err(|e| pipeline_error(e.to_string()))?;

    // Decoded pads of decodebin/rtspsrc appear later: link the first video one to `convert`.
    let link_dynamic = |element: &gst::Element| {
        let convert = convert.downgrade();
        element.connect_pad_added(move |_, pad| {
            let Some(convert) = convert.upgrade() else { return };
            let Some(sink_pad) = convert.static_pad("sink") else { return };
            if sink_pad.is_linked() {
                return;
            }
            let caps = pad.current_caps().unwrap_or_else(|| pad.query_caps(None));
            let is_video = caps.structure(0).is_some_and(|s| s.name().starts_with("video/"));
            if is_video {
                let _ = pad.link(&sink_pad);
            }
        });
    };

    match source {
        Source::File(path) => {
            let src = make(uri, "filesrc")?;
            src.set_property("location", path);
            let decode = make(uri, "decodebin")?;
            pipeline.add_many([&src, &decode]).map_err(|e| pipeline_error(e.to_string()))?;
            src.link(&decode).map_err(|e| pipeline_error(e.to_string()))?;
            link_dynamic(&decode);
        }
        Source::Rtsp(location) => {
            let src = make(uri, "rtspsrc")?;
            src.set_property("location", location);
            src.set_property("latency", options.rtsp_latency_ms);
            let decode = make(uri, "decodebin")?;
            pipeline.add_many([&src, &decode]).map_err(|e| pipeline_error(e.to_string()))?;
            let decode_weak = decode.downgrade();
            src.connect_pad_added(move |_, pad| {
                if let Some(decode) = decode_weak.upgrade() {
                    if let Some(sink) = decode.static_pad("sink") {
                        if !sink.is_linked() {
                            let _ = pad.link(&sink);
                        }
                    }
                }
            });
            link_dynamic(&decode);
        }
        Source::V4l2(device) => {
            let src = make(uri, "v4l2src")?;
            src.set_property("device", device);
            pipeline.add(&src).map_err(|e| pipeline_error(e.to_string()))?;
            src.link(&convert).map_err(|e| pipeline_error(e.to_string()))?;
        }
        Source::TestSrc(params) => {
            let src = make(uri, "videotestsrc")?;
            let mut caps = gst::Caps::builder("video/x-raw");
            let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
            let bad = |k: &str, v: &str| pipeline_error(format!("bad videotestsrc parameter {k}={v}"));
            for (k, v) in params {
                match k.as_str() {
                    "pattern" => src.set_property_from_str("pattern", v),
                    "num-buffers" => src.set_property("num-buffers", v.parse::<i32>().map_err(|_| bad(k, v))?),
                    "live" => src.set_property("is-live", v == "true"),
                    "width" | "height" => caps = caps.field(k.as_str(), v.parse::<i32>().map_err(|_| bad(k, v))?),
                    "format" => caps = caps.field("format", v.as_str()),
                    "framerate" => {
                        caps = caps.field("framerate", gst::Fraction::new(v.parse::<i32>().map_err(|_| bad(k, v))?, 1))
                    }
                    _ => return Err(bad(k, v)),
                }
            }
            if get("format").is_none() {
                caps = caps.field("format", "GRAY16_LE");
            }
            let filter = make(uri, "capsfilter")?;
            filter.set_property("caps", caps.build());
            pipeline.add_many([&src, &filter]).map_err(|e| pipeline_error(e.to_string()))?;
            gst::Element::link_many([&src, &filter, &convert]).map_err(|e| pipeline_error(e.to_string()))?;
        }
    }

    let on_sample = Arc::clone(queue);
    let on_eos = Arc::clone(queue);
    sink.set_callbacks(
        gst_app::AppSinkCallbacks::builder()
            .new_sample(move |sink| {
                let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                // Blocks here (on GStreamer's thread) when a file's queue is full: backpressure.
                match on_sample.push(sample) {
                    Ok(()) => Ok(gst::FlowSuccess::Ok),
                    Err(_) => Err(gst::FlowError::Flushing),
                }
            })
            .eos(move |_| on_eos.close())
            .build(),
    );
    Ok(pipeline)
}

#[cfg(test)]
mod tests {
    use super::*;

    mod parse {
        use super::*;

        #[test]
        fn a_bare_path_is_a_file() {
            assert_eq!(Source::parse("clips/a b.mkv").unwrap(), Source::File("clips/a b.mkv".into()));
        }

        #[test]
        fn a_file_uri_is_percent_decoded() {
            assert_eq!(Source::parse("file:///tmp/a%20b.mkv").unwrap(), Source::File("/tmp/a b.mkv".into()));
        }

        #[test]
        fn rtsp_and_v4l2_are_live() {
            assert!(Source::parse("rtsp://10.0.0.5/stream1").unwrap().is_live());
            assert_eq!(Source::parse("v4l2://").unwrap(), Source::V4l2("/dev/video0".into()));
        }

        #[test]
        fn an_unknown_scheme_is_refused() {
            assert!(matches!(Source::parse("gopher://x"), Err(ThermalError::UnsupportedUri { .. })));
        }
    }
}
