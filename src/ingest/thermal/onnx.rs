//! The learned detector: any YOLO-format ONNX model, run through onnxruntime (`ort`).
//!
//! # Layout
//! A frame goes through [`agc`] (16-bit counts → `[0, 1]` by a percentile window; 8-bit / 255),
//! [`letterbox`] (fit into the model input, grey padding, replicated to 3 channels when the model
//! wants 3), the model, [`decode`] (the `1×(4+C)×N` YOLOv8/YOLO11 head, or its transpose), a
//! confidence threshold, [`nms`] (class-aware) and back to frame pixels as [`Blob`]s. [`Verified`]
//! runs the model only around what a cheaper detector proposes (the classical [`HotSpot`]) and
//! keeps the proposals the model confirms.
//!
//! # Runtime
//! onnxruntime is not linked: its shared library is loaded at run time from the path in the
//! `ORT_DYLIB_PATH` environment variable (`./x setup` installs onnxruntime 1.31 from the PyPI
//! wheel under `.cache/onnxruntime-1.31.1/` and `./x test` exports the variable). Without it
//! [`Onnx::try_new`] returns [`OnnxError::RuntimeMissing`]; nothing panics.
//!
//! # Models
//! Standard Ultralytics exports (`yolo export format=onnx`, opset ≤ 21) work unchanged: a float
//! input `[1, 1|3, H, W]` (fixed or free `H`, `W`) and one output `[1, 4 + C, N]` with boxes as
//! centre and size in input pixels and sigmoid class scores. Class names come from
//! [`OnnxConfig::class_names`], else from the model's `names` metadata (which Ultralytics
//! writes), else `class0`, `class1`, …. The shipped model is `assets/models/seawarden-ir-boat.onnx`
//! (see `assets/models/MODEL.md`): its stride-8/16 blocks are int8 (standard ONNX QDQ, float input
//! and output), which cut its time on one core by about 40 %. With a calibration, [`Onnx::detect`] feeds it
//! only the rows below the horizon ([`OnnxConfig::sea_top_row`]), and the near rows, where every
//! boat is large, at half resolution ([`bands`], [`OnnxConfig::range_adaptive`]): two runs of the
//! same session, one NMS over both.
//!
//! [`HotSpot`]: super::HotSpot

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::{TensorElementType, TensorRef, ValueType};

use super::detector::{Blob, Detector};
use super::frame::{FrameView, Pixels};

/// 16-bit → `[0, 1]` normalisation by percentile AGC.
pub mod agc;
pub use agc::{Agc, Window};
/// Fitting a frame region into the model input.
pub mod letterbox;
pub use letterbox::{Letterbox, Region};
/// The YOLO output tensor → scored boxes.
pub mod decode;
pub use decode::{Layout, OutputFormat};
/// Class-aware non-maximum suppression.
pub mod nms;
pub use nms::Candidate;
/// Classical proposals, verified by the model.
pub mod verify;
pub use verify::{Verified, VerifyConfig};
/// Range-adaptive resolution: near rows at half resolution on a calibrated camera.
pub mod bands;
pub use bands::{Bands, RangeAdaptive};
/// Which combination runs: classical, cascaded or model alone, picked at start-up.
pub mod choice;
/// Without a calibration: the horizon found in the image, so the model skips the sky anyway.
pub mod sky;
pub use choice::{AnyDetector, DetectorKind, VERIFIED_PROPOSER_SIGMA};

/// The model the project trains and ships (`assets/models/MODEL.md`), relative to the repository
/// root.
pub const SHIPPED_MODEL: &str = "assets/models/seawarden-ir-boat.onnx";

/// Settings of [`Onnx`].
#[derive(Debug, Clone, PartialEq)]
pub struct OnnxConfig {
    /// The `.onnx` file.
    pub model: PathBuf,
    /// Names of the model's classes, in output order; `None` reads them from the model's
    /// `names` metadata.
    pub class_names: Option<Vec<String>>,
    /// Lowest class confidence kept, `[0, 1]`. The default 0.5 is the shipped model's best
    /// trade on the evaluation clips (`assets/models/MODEL.md`): 0.35 adds 4 % recall for seven
    /// times the false alarms.
    pub confidence: f32,
    /// Boxes of one class overlapping a better one by more than this IoU are suppressed.
    pub iou_threshold: f32,
    /// At most this many blobs per frame, best first.
    pub max_detections: usize,
    /// Normalisation of 16-bit frames.
    pub agc: Agc,
    /// Input size `(width, height)` for a model whose input size is free; `None` feeds the frame
    /// at its own scale, padded up to a multiple of `stride_px`. Ignored for fixed-size models.
    pub input_size: Option<(usize, usize)>,
    /// A free-size model's input dimensions are rounded up to a multiple of this (its largest
    /// stride; 32 for YOLO).
    pub stride_px: usize,
    /// onnxruntime intra-op threads; 0 lets onnxruntime choose (one per physical core). The
    /// default 1 leaves the other core to video decoding, and on a loaded 2-core node one thread
    /// measured faster than two (21 against 10 frames/s at 640×512).
    pub intra_threads: usize,
    /// The first frame row [`Onnx::detect`] feeds to a free-size model, when a calibration says
    /// where the sea begins ([`sea_top_row`]): the sky above it holds no boat, and skipping it
    /// saves inference time in proportion. `None` (no calibration) feeds the whole frame.
    pub sea_top_row: Option<usize>,
    /// Range-adaptive resolution ([`bands`]): with [`OnnxConfig::near_top_row`] set, the rows
    /// near the camera, where every boat is large, are fed at half resolution (a quarter of the
    /// pixels) and the far rows at full resolution. `None` turns it off: one full-resolution pass.
    /// On by default; it changes nothing without a calibration.
    pub range_adaptive: Option<RangeAdaptive>,
    /// The split row [`bands::split_row`] found from the calibration (set by
    /// [`calibrated_detector`](super::calibrated_detector)); `None` (no calibration) runs one pass.
    pub near_top_row: Option<usize>,
    /// Without [`OnnxConfig::sea_top_row`], find the horizon in each frame ([`sky`]) and feed the
    /// model from a little above it: a camera with no calibration skips its sky too.
    pub sky_from_image: bool,
}

impl OnnxConfig {
    /// The defaults for the model at `model`.
    pub fn new(model: impl Into<PathBuf>) -> OnnxConfig {
        OnnxConfig {
            model: model.into(),
            class_names: None,
            confidence: 0.5,
            iou_threshold: 0.45,
            max_detections: 64,
            agc: Agc::default(),
            input_size: None,
            stride_px: 32,
            intra_threads: 1,
            sea_top_row: None,
            range_adaptive: Some(RangeAdaptive::default()),
            near_top_row: None,
            sky_from_image: true,
        }
    }
}

/// Rows of sky kept above the calibrated horizon ([`sea_top_row`]): a boat's superstructure
/// rises above the horizon line when it is near it, and the model needs context around a hull.
/// 16 rows measured as good as 48 on the evaluation clips (150 frames each, range-adaptive: P
/// 0.976 both, R 0.633 against 0.616) for 11 % fewer input pixels (`assets/models/MODEL.md`);
/// a hull-down ship 20 km out with a 30 m mast rises about 9 rows above it on a 6° lens.
pub const SKY_MARGIN_PX: f32 = 16.0;

/// The first row worth feeding the model for a calibrated `horizon` (its row in every column,
/// from [`calibrated_horizon`](super::calibrated_horizon)): [`SKY_MARGIN_PX`] above the highest
/// point of the horizon. `None` when the horizon leaves no sky to skip.
pub fn sea_top_row(horizon: &[f32]) -> Option<usize> {
    let top = horizon.iter().copied().filter(|r| r.is_finite()).fold(f32::INFINITY, f32::min);
    if !top.is_finite() {
        return None;
    }
    let row = (top - SKY_MARGIN_PX).floor();
    (row >= 1.0).then(|| row.min(u32::MAX as f32) as usize)
}

/// Why the learned detector could not be set up.
///
/// Every variant names the model file, so a node with several cameras logs which one failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OnnxError {
    /// `ORT_DYLIB_PATH` is unset or empty.
    #[error(
        "onnxruntime is not available: set ORT_DYLIB_PATH to libonnxruntime.so (onnxruntime 1.31 or later; `./x setup` installs it under .cache/onnxruntime-1.31.1/)"
    )]
    RuntimeMissing,
    /// The onnxruntime library could not be loaded.
    #[error("cannot load onnxruntime from ORT_DYLIB_PATH={}: {message}", path.display())]
    RuntimeLoad {
        /// The library path given.
        path: PathBuf,
        /// The loader's reason.
        message: String,
    },
    /// The model file does not exist.
    #[error("ONNX model {} not found", path.display())]
    ModelMissing {
        /// The model path.
        path: PathBuf,
    },
    /// onnxruntime refused the model (not ONNX, unsupported opset or operator, corrupt).
    #[error("cannot load ONNX model {}: {message}", path.display())]
    ModelLoad {
        /// The model path.
        path: PathBuf,
        /// onnxruntime's reason.
        message: String,
    },
    /// The model's input is not an image batch `[1, 1|3, H, W]` of `float32`.
    #[error("ONNX model {}: input {shape:?} ({element}): {reason}", path.display())]
    InputShape {
        /// The model path.
        path: PathBuf,
        /// The declared input shape (`-1` for a free dimension).
        shape: Vec<i64>,
        /// The declared element type.
        element: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The model's output is not a YOLO detection head for the configured classes.
    #[error("ONNX model {}: output {shape:?}: {reason} (classes: {classes})", path.display())]
    OutputShape {
        /// The model path.
        path: PathBuf,
        /// The actual output shape.
        shape: Vec<i64>,
        /// What is wrong.
        reason: &'static str,
        /// The number of class names configured, or `"not configured"`.
        classes: String,
    },
    /// The model failed on a probe input.
    #[error("ONNX model {}: inference failed: {message}", path.display())]
    Inference {
        /// The model path.
        path: PathBuf,
        /// onnxruntime's reason.
        message: String,
    },
}

/// The onnxruntime environment, loaded once per process from `ORT_DYLIB_PATH`.
fn runtime() -> Result<Environment, OnnxError> {
    static RUNTIME: OnceLock<Result<Environment, OnnxError>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            let path = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()).ok_or(OnnxError::RuntimeMissing)?;
            let path = PathBuf::from(path);
            if !path.is_file() {
                return Err(OnnxError::RuntimeLoad { path, message: "no such file".into() });
            }
            let load =
                |e: &dyn std::fmt::Display| OnnxError::RuntimeLoad { path: path.clone(), message: e.to_string() };
            ort::init_from(&path).map_err(|e| load(&e))?.with_name("seawarden").build().map_err(|e| load(&e))
        })
        .clone()
}

/// Input geometry of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputSize {
    /// Fixed `(width, height)`.
    Fixed(usize, usize),
    /// Free: chosen per call.
    Free,
}

/// Counters of what happened at run time (the [`Detector`] interface cannot return errors).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OnnxStats {
    /// Model runs.
    pub runs: u64,
    /// Runs that failed (logged, the frame yields no blobs).
    pub failures: u64,
}

/// The learned detector (see the module docs).
///
/// # Examples
/// ```no_run
/// use seawarden::ingest::thermal::{Detector, Frame16};
/// use seawarden::ingest::thermal::onnx::{Onnx, OnnxConfig};
///
/// let mut det = Onnx::try_new(OnnxConfig::new("assets/models/seawarden-ir-boat.onnx"))?;
/// let frame = Frame16::filled(640, 512, 30_000);
/// let mut blobs = Vec::new();
/// det.detect(&frame.view(), &mut blobs);
/// assert!(blobs.is_empty()); // a flat sea
/// # Ok::<(), seawarden::ingest::thermal::onnx::OnnxError>(())
/// ```
pub struct Onnx {
    cfg: OnnxConfig,
    session: Session,
    input_name: String,
    channels: usize,
    size: InputSize,
    format: OutputFormat,
    names: Vec<String>,
    agc: agc::AgcState,
    input: Vec<f32>,
    candidates: Vec<Candidate>,
    /// Finds the horizon in frames when there is no calibration ([`OnnxConfig::sky_from_image`]).
    sky: sky::ImageSky,
    stats: OnnxStats,
}

impl std::fmt::Debug for Onnx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Onnx")
            .field("model", &self.cfg.model)
            .field("channels", &self.channels)
            .field("size", &self.size)
            .field("format", &self.format)
            .field("names", &self.names)
            .finish_non_exhaustive()
    }
}

impl Onnx {
    /// Loads the model, checks its input and output, and runs it once on a blank image so a
    /// model that cannot work fails here rather than on the first frame.
    ///
    /// # Errors
    /// [`OnnxError`]: no onnxruntime, no model file, a model onnxruntime refuses, an input that
    /// is not `[1, 1|3, H, W]` float, or an output that is not a YOLO head for the classes.
    pub fn try_new(cfg: OnnxConfig) -> Result<Onnx, OnnxError> {
        let path = cfg.model.clone();
        if !path.is_file() {
            return Err(OnnxError::ModelMissing { path });
        }
        let env = runtime()?;
        let load = |e: &dyn std::fmt::Display| OnnxError::ModelLoad { path: path.clone(), message: e.to_string() };
        let mut builder = Session::builder(&env).map_err(|e| load(&e))?;
        builder = builder.with_optimization_level(GraphOptimizationLevel::Level3).map_err(|e| load(&e))?;
        if cfg.intra_threads > 0 {
            builder = builder.with_intra_threads(cfg.intra_threads).map_err(|e| load(&e))?;
        }
        let session = builder.commit_from_file(&path).map_err(|e| load(&e))?;

        let (input_name, channels, size) = check_input(&session, &path)?;
        let meta_names = session.metadata().ok().and_then(|m| m.custom("names")).map(|s| parse_names(&s));
        let mut det = Onnx {
            format: OutputFormat { layout: Layout::ChannelsFirst, classes: 1, anchors: 0 },
            names: Vec::new(),
            agc: agc::AgcState::new(cfg.agc),
            cfg,
            session,
            input_name,
            channels,
            size,
            input: Vec::new(),
            candidates: Vec::new(),
            sky: sky::ImageSky::default(),
            stats: OnnxStats::default(),
        };
        // Probe: the actual output shape decides the layout and the class count.
        let (pw, ph) = match size {
            InputSize::Fixed(w, h) => (w, h),
            InputSize::Free => det.cfg.input_size.unwrap_or((64, 64)),
        };
        det.input.clear();
        det.input.resize(channels * pw * ph, letterbox::PAD_VALUE);
        let shape = det.run(pw, ph).map_err(|message| OnnxError::Inference { path: path.clone(), message })?;
        let configured = det.cfg.class_names.as_ref().map(Vec::len);
        det.format = OutputFormat::from_shape(&shape, configured).map_err(|p| OnnxError::OutputShape {
            path: path.clone(),
            shape: shape.clone(),
            reason: p.describe(),
            classes: configured.map_or_else(|| "not configured".to_owned(), |c| c.to_string()),
        })?;
        let classes = det.format.classes;
        det.names = match (&det.cfg.class_names, meta_names) {
            (Some(names), _) => names.clone(),
            (None, Some(names)) if names.len() == classes => names,
            _ => (0..classes).map(|k| format!("class{k}")).collect(),
        };
        Ok(det)
    }

    /// The settings.
    pub fn config(&self) -> &OnnxConfig {
        &self.cfg
    }

    /// Input channels the model reads (1 or 3).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// The model's fixed input size `(width, height)`, or `None` when it is free.
    pub fn fixed_input_size(&self) -> Option<(usize, usize)> {
        match self.size {
            InputSize::Fixed(w, h) => Some((w, h)),
            InputSize::Free => None,
        }
    }

    /// The input size `(width, height)` a `w × h` region is fed at.
    pub fn input_size_for(&self, w: usize, h: usize) -> (usize, usize) {
        match self.size {
            InputSize::Fixed(iw, ih) => (iw, ih),
            InputSize::Free => {
                let (w, h) = self.cfg.input_size.unwrap_or((w, h));
                let s = self.cfg.stride_px.max(1);
                (w.div_ceil(s).max(1) * s, h.div_ceil(s).max(1) * s)
            }
        }
    }

    /// The part of `frame` a calibrated [`Detector::detect`] feeds the model in one pass: the
    /// whole frame, or for a free-size model with [`OnnxConfig::sea_top_row`] set, the rows from
    /// there to the bottom, moved up so the height is a multiple of the stride (no padded rows to
    /// infer on). Without a calibration `detect` starts at the sky it finds in each frame instead
    /// ([`OnnxConfig::sky_from_image`]).
    pub fn sea_region(&self, frame: &FrameView<'_>) -> Region {
        self.region_from(frame, self.cfg.sea_top_row)
    }

    /// [`Onnx::sea_region`] for the sea starting at row `top`.
    fn region_from(&self, frame: &FrameView<'_>, top: Option<usize>) -> Region {
        let whole = Region::whole(frame);
        match (self.size, top) {
            (InputSize::Free, Some(top)) if self.cfg.input_size.is_none() && top < whole.h => {
                let s = self.cfg.stride_px.max(1);
                let h = ((whole.h - top).div_ceil(s) * s).min(whole.h);
                Region { y: whole.h - h, h, ..whole }
            }
            _ => whole,
        }
    }

    /// The two bands [`Detector::detect`] feeds a `frame` of this size at (see [`bands`]), or
    /// `None` when it runs one pass: a fixed-size model or input, range-adaptive resolution off,
    /// no split row, or a split that would not save enough.
    pub fn bands(&self, frame: &FrameView<'_>) -> Option<Bands> {
        let ra = self.cfg.range_adaptive.as_ref()?;
        let split = self.cfg.near_top_row?;
        if self.size != InputSize::Free || self.cfg.input_size.is_some() {
            return None;
        }
        let sea_top = self.cfg.sea_top_row.unwrap_or(0).min(frame.height());
        bands::layout(frame.width(), frame.height(), sea_top, split, ra, self.cfg.stride_px.max(1))
    }

    /// Candidates of both bands, each clipped to its band and kept only where that band owns
    /// the boat ([`bands::owned`]); the caller's NMS merges the boats both bands see.
    fn band_candidates(
        &mut self,
        frame: &FrameView<'_>,
        b: &Bands,
        window: Window,
        out: &mut Vec<Candidate>,
    ) -> Result<(), String> {
        let confidence = self.cfg.confidence;
        let first = out.len();
        self.candidates_in(frame, b.far, window, confidence, out)?;
        keep_owned(out, first, b, false);
        let first = out.len();
        let lb = Letterbox::fit(b.near, b.near_input.0, b.near_input.1);
        self.infer(frame, lb, window, confidence, out)?;
        keep_owned(out, first, b, true);
        Ok(())
    }

    /// Run counters.
    pub fn stats(&self) -> OnnxStats {
        self.stats
    }

    /// The AGC window for `frame` (see [`agc`]).
    pub fn window(&mut self, frame: &FrameView<'_>) -> Window {
        self.agc.window(frame)
    }

    /// Runs the model on `region` of `frame` normalised by `window`; appends the candidates scoring
    /// at least `confidence`, in frame pixels and clipped to the region, to `out` (before NMS).
    ///
    /// # Errors
    /// onnxruntime's message when the run fails or the output changed shape.
    pub fn candidates_in(
        &mut self,
        frame: &FrameView<'_>,
        region: Region,
        window: Window,
        confidence: f32,
        out: &mut Vec<Candidate>,
    ) -> Result<(), String> {
        let (iw, ih) = self.input_size_for(region.w, region.h);
        self.infer(frame, Letterbox::fit(region, iw, ih), window, confidence, out)
    }

    /// Fills the input through `lb`, runs the model and appends the candidates scoring at least
    /// `confidence`, in frame pixels clipped to `lb`'s region.
    fn infer(
        &mut self,
        frame: &FrameView<'_>,
        lb: Letterbox,
        window: Window,
        confidence: f32,
        out: &mut Vec<Candidate>,
    ) -> Result<(), String> {
        let (iw, ih, region) = (lb.in_w, lb.in_h, lb.region);
        let plane = iw * ih;
        self.input.resize(self.channels * plane, 0.0);
        lb.fill(frame, window, &mut self.input[..plane]);
        for c in 1..self.channels {
            self.input.copy_within(0..plane, c * plane);
        }
        let Onnx { session, input_name, format, stats, input, channels, .. } = self;
        stats.runs += 1;
        let result = (|| {
            let tensor =
                TensorRef::from_array_view(([1usize, *channels, ih, iw], &input[..])).map_err(|e| e.to_string())?;
            let outputs = session.run(ort::inputs![input_name.as_str() => tensor]).map_err(|e| e.to_string())?;
            let (shape, data) = outputs[0].try_extract_tensor::<f32>().map_err(|e| e.to_string())?;
            let shape: Vec<i64> = shape.iter().copied().collect();
            let fmt = OutputFormat::from_shape(&shape, Some(format.classes))
                .map_err(|p| format!("output {shape:?}: {}", p.describe()))?;
            let (rx0, ry0) = (region.x as f32, region.y as f32);
            let (rx1, ry1) = ((region.x + region.w) as f32, (region.y + region.h) as f32);
            fmt.for_each_above(data, confidence, |b, class_id, score| {
                let s = lb.to_source([b[0] - b[2] / 2.0, b[1] - b[3] / 2.0, b[0] + b[2] / 2.0, b[1] + b[3] / 2.0]);
                let c = Candidate {
                    x0: s[0].clamp(rx0, rx1),
                    y0: s[1].clamp(ry0, ry1),
                    x1: s[2].clamp(rx0, rx1),
                    y1: s[3].clamp(ry0, ry1),
                    score,
                    class_id,
                };
                if c.x1 > c.x0 && c.y1 > c.y0 {
                    out.push(c);
                }
            });
            Ok(())
        })();
        if result.is_err() {
            stats.failures += 1;
        }
        result
    }

    /// One run on the current input buffer; returns the first output's shape.
    fn run(&mut self, w: usize, h: usize) -> Result<Vec<i64>, String> {
        let tensor =
            TensorRef::from_array_view(([1usize, self.channels, h, w], &self.input[..])).map_err(|e| e.to_string())?;
        let outputs = self.session.run(ort::inputs![self.input_name.as_str() => tensor]).map_err(|e| e.to_string())?;
        let (shape, _) = outputs[0].try_extract_tensor::<f32>().map_err(|e| e.to_string())?;
        Ok(shape.iter().copied().collect())
    }

    /// Turns surviving candidates into blobs on `frame`, measuring their contrast.
    pub(crate) fn push_blobs(frame: &FrameView<'_>, cands: &[Candidate], out: &mut Vec<Blob>) {
        for c in cands {
            out.push(to_blob(frame, c));
        }
    }

    pub(crate) fn report(&self, message: &str) {
        // A model that fails once fails on every frame: log the first few, then every 1000th.
        let n = self.stats.failures;
        if n <= 3 || n % 1000 == 0 {
            tracing::warn!(model = %self.cfg.model.display(), failures = n, "ONNX inference failed: {message}");
        }
    }
}

/// Drops the candidates from `out[first..]` that the `near` (or far) band of `b` does not own
/// ([`bands::owned`]); NMS sorts them afterwards, so their order does not matter.
fn keep_owned(out: &mut Vec<Candidate>, first: usize, b: &Bands, near: bool) {
    let mut i = first;
    while i < out.len() {
        if bands::owned(b, near, &out[i]) {
            i += 1;
        } else {
            out.swap_remove(i);
        }
    }
}

impl Detector for Onnx {
    fn detect(&mut self, frame: &FrameView<'_>, out: &mut Vec<Blob>) {
        if frame.width() == 0 || frame.height() == 0 {
            return;
        }
        let window = self.agc.window(frame);
        let mut cands = std::mem::take(&mut self.candidates);
        cands.clear();
        let result = match self.bands(frame) {
            Some(b) => self.band_candidates(frame, &b, window, &mut cands),
            None => {
                let top = match self.cfg.sea_top_row {
                    None if self.cfg.sky_from_image => self.sky.sea_top_row(frame),
                    top => top,
                };
                let region = self.region_from(frame, top);
                self.candidates_in(frame, region, window, self.cfg.confidence, &mut cands)
            }
        };
        match result {
            Ok(()) => {
                nms::nms(&mut cands, self.cfg.iou_threshold, self.cfg.max_detections);
                Onnx::push_blobs(frame, &cands, out);
            }
            Err(e) => self.report(&e),
        }
        self.candidates = cands;
    }

    fn class_names(&self) -> &[String] {
        &self.names
    }
}

/// Checks the first input is `[1|-1, 1|3, H, W]` float; returns its name, channels and size.
fn check_input(session: &Session, path: &Path) -> Result<(String, usize, InputSize), OnnxError> {
    let Some(input) = session.inputs().first() else {
        return Err(OnnxError::InputShape {
            path: path.to_path_buf(),
            shape: Vec::new(),
            element: "none".into(),
            reason: "the model has no input",
        });
    };
    let (ty, shape) = match input.dtype() {
        ValueType::Tensor { ty, shape, .. } => (*ty, shape.iter().copied().collect::<Vec<i64>>()),
        other => {
            return Err(OnnxError::InputShape {
                path: path.to_path_buf(),
                shape: Vec::new(),
                element: format!("{other:?}"),
                reason: "the input is not a tensor",
            });
        }
    };
    let err = |reason| OnnxError::InputShape {
        path: path.to_path_buf(),
        shape: shape.clone(),
        element: format!("{ty:?}"),
        reason,
    };
    if ty != TensorElementType::Float32 {
        return Err(err("expected a float32 image tensor"));
    }
    let [n, c, h, w] = shape[..] else {
        return Err(err("expected rank 4: [batch, channels, height, width]"));
    };
    if !(n == 1 || n < 0) {
        return Err(err("expected a batch of 1"));
    }
    let channels = match c {
        1 => 1,
        3 => 3,
        _ => return Err(err("expected 1 (grey) or 3 (RGB) channels")),
    };
    let size = match (w, h) {
        (w, h) if w > 0 && h > 0 => InputSize::Fixed(w as usize, h as usize),
        (w, h) if w <= 0 && h <= 0 => InputSize::Free,
        _ => return Err(err("height and width must be both fixed or both free")),
    };
    Ok((input.name().to_owned(), channels, size))
}

/// Class names from Ultralytics' `names` metadata: `{0: 'boat', 1: 'person'}` (a Python dict
/// literal) or a JSON list `["boat", "person"]`.
fn parse_names(s: &str) -> Vec<String> {
    let s = s.trim();
    if let Ok(v) = serde_json::from_str::<Vec<String>>(s) {
        return v;
    }
    let mut names = Vec::new();
    let mut rest = s;
    while let Some(colon) = rest.find(':') {
        rest = rest[colon + 1..].trim_start();
        let Some(q) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else { break };
        let body = &rest[1..];
        let Some(end) = body.find(q) else { break };
        names.push(body[..end].to_owned());
        rest = &body[end + 1..];
    }
    names
}

/// A candidate as a blob of whole pixels inside `frame`, with its contrast over a ring of sea
/// two pixels outside the box.
fn to_blob(frame: &FrameView<'_>, c: &Candidate) -> Blob {
    let (fw, fh) = (frame.width() as f32, frame.height() as f32);
    let x0 = c.x0.round().clamp(0.0, fw - 1.0);
    let y0 = c.y0.round().clamp(0.0, fh - 1.0);
    let x1 = c.x1.round().clamp(x0 + 1.0, fw);
    let y1 = c.y1.round().clamp(y0 + 1.0, fh);
    let (x, y, w, h) = (x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32);
    let (contrast, snr) = contrast(frame, x as usize, y as usize, w as usize, h as usize);
    Blob { x, y, w, h, score: c.score, class_id: c.class_id, contrast, snr }
}

/// Peak inside the box minus the mean of the one-pixel ring two pixels outside it, and that
/// over the ring's standard deviation.
fn contrast(frame: &FrameView<'_>, x: usize, y: usize, w: usize, h: usize) -> (f32, f32) {
    let stride = frame.stride();
    let at = |xx: usize, yy: usize| -> f32 {
        let i = yy * stride + xx;
        match frame.pixels() {
            Pixels::Gray8(p) => f32::from(p[i]),
            Pixels::Gray16(p) => f32::from(p[i]),
        }
    };
    let mut peak = f32::MIN;
    for yy in y..y + h {
        for xx in x..x + w {
            peak = peak.max(at(xx, yy));
        }
    }
    let (rx0, ry0) = (x as isize - 2, y as isize - 2);
    let (rx1, ry1) = ((x + w + 1) as isize, (y + h + 1) as isize);
    let (mut n, mut sum, mut sum2) = (0u32, 0f64, 0f64);
    let mut visit = |xx: isize, yy: isize| {
        if xx >= 0 && yy >= 0 && (xx as usize) < frame.width() && (yy as usize) < frame.height() {
            let v = f64::from(at(xx as usize, yy as usize));
            n += 1;
            sum += v;
            sum2 += v * v;
        }
    };
    for xx in rx0..=rx1 {
        visit(xx, ry0);
        visit(xx, ry1);
    }
    for yy in ry0 + 1..ry1 {
        visit(rx0, yy);
        visit(rx1, yy);
    }
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = sum / f64::from(n);
    let sd = (sum2 / f64::from(n) - mean * mean).max(0.0).sqrt();
    let c = (f64::from(peak) - mean) as f32;
    (c, c / sd.max(1.0) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    mod parse_names {
        use super::*;

        #[test]
        fn reads_an_ultralytics_dict() {
            assert_eq!(parse_names("{0: 'boat', 1: \"person's raft\"}"), vec!["boat", "person's raft"]);
        }

        #[test]
        fn reads_a_json_list() {
            assert_eq!(parse_names("[\"boat\"]"), vec!["boat"]);
        }
    }

    mod to_blob {
        use super::*;

        #[test]
        fn rounds_edges_and_measures_contrast_over_the_ring() {
            let mut px = vec![100u16; 20 * 20];
            px[10 * 20 + 10] = 400;
            let f = FrameView::gray16(20, 20, &px).unwrap();
            let c = Candidate { x0: 9.6, y0: 9.4, x1: 11.2, y1: 10.6, score: 0.9, class_id: 0 };
            let b = to_blob(&f, &c);
            assert_eq!((b.x, b.y, b.w, b.h), (10, 9, 1, 2));
            assert_eq!(b.contrast, 300.0);
        }

        #[test]
        fn a_box_at_the_edge_keeps_at_least_one_pixel() {
            let px = vec![0u8; 16];
            let f = FrameView::gray8(4, 4, &px).unwrap();
            let c = Candidate { x0: 3.9, y0: 3.9, x1: 4.0, y1: 4.0, score: 0.5, class_id: 0 };
            let b = to_blob(&f, &c);
            assert_eq!((b.x, b.y, b.w, b.h), (3, 3, 1, 1));
        }
    }

    mod sea_top_row {
        use super::*;

        #[test]
        fn keeps_a_margin_of_sky_above_the_highest_horizon_row() {
            assert_eq!(sea_top_row(&[130.4, 120.2, 125.0]), Some((120.2 - SKY_MARGIN_PX) as usize));
        }

        #[test]
        fn a_horizon_near_or_above_the_top_skips_nothing() {
            assert_eq!(sea_top_row(&[SKY_MARGIN_PX + 0.5, 300.0]), None);
            assert_eq!(sea_top_row(&[-40.0]), None);
            assert_eq!(sea_top_row(&[]), None);
            assert_eq!(sea_top_row(&[f32::NAN]), None);
        }
    }

    #[test]
    fn a_missing_model_is_named_before_the_runtime_is_touched() {
        let err = Onnx::try_new(OnnxConfig::new("/nonexistent/model.onnx")).unwrap_err();
        assert_eq!(err, OnnxError::ModelMissing { path: "/nonexistent/model.onnx".into() });
        assert!(err.to_string().contains("/nonexistent/model.onnx"));
    }
}
