//! The learned detector per 640×512 16-bit frame: the shipped model without a calibration (AGC,
//! the horizon found in the image, letterbox, inference, decode, NMS; and on the whole frame), on
//! a calibrated camera's sea in one pass and with range-adaptive resolution, and HotSpot
//! proposals verified by the model; and finding the horizon in the image alone.
//!
//! Needs onnxruntime: `ORT_DYLIB_PATH` must name `libonnxruntime.so` (`./x test` sets it).
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use seawarden::ingest::thermal::onnx::bands::split_row;
use seawarden::ingest::thermal::onnx::sky::ImageSky;
use seawarden::ingest::thermal::onnx::{
    Onnx, OnnxConfig, RangeAdaptive, SHIPPED_MODEL, Verified, VerifyConfig, sea_top_row,
};
use seawarden::ingest::thermal::{Detector, Frame16, HotSpot, HotSpotConfig, calibrated_horizon};
use seawarden::sim::thermal::evaluation_clips;

/// A 640×512 sea with texture, a colder sky above row 120 and five warm boats of 2–20 px.
fn frame() -> Frame16 {
    let (w, h) = (640, 512);
    let mut f = Frame16::filled(w, h, 30_000);
    let mut s = 0x2545_f491_4f6c_dd1du64;
    for (i, v) in f.data.iter_mut().enumerate() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let noise = (s % 13) as u16;
        *v = if i / w < 120 { 28_800 + noise } else { 30_000 + noise };
    }
    for &(x, y, bw, bh) in
        &[(100usize, 200usize, 2usize, 2usize), (300, 260, 5, 3), (420, 330, 9, 4), (200, 400, 20, 8), (560, 150, 3, 2)]
    {
        for yy in y..y + bh {
            for xx in x..x + bw {
                f.data[yy * w + xx] += 250;
            }
        }
    }
    f
}

fn onnx_detect(c: &mut Criterion) {
    if std::env::var_os("ORT_DYLIB_PATH").is_none() {
        panic!(
            "ORT_DYLIB_PATH is not set: run `./x setup` and export ORT_DYLIB_PATH=$PWD/.cache/onnxruntime-1.31.1/libonnxruntime.so (./x test does)"
        );
    }
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/").to_owned() + SHIPPED_MODEL;
    let f = frame();
    let mut g = c.benchmark_group("onnx_detect");
    g.throughput(Throughput::Elements(1));
    g.sample_size(20);
    // No calibration: the sky found in the image is skipped (the default), or the whole frame.
    let whole = OnnxConfig { sky_from_image: false, ..OnnxConfig::new(&model) };
    // A calibrated camera (the evaluation clips'): the sea rows in one full-resolution pass, and
    // range-adaptive resolution (near rows at half resolution, `onnx::bands`).
    let spec = evaluation_clips(1).swap_remove(0);
    let camera = spec.calibration.mounted_camera().expect("the evaluation calibration builds");
    let sea = OnnxConfig {
        sea_top_row: sea_top_row(&calibrated_horizon(&camera, spec.head)),
        range_adaptive: None,
        ..OnnxConfig::new(&model)
    };
    let ra = RangeAdaptive::default();
    let banded =
        OnnxConfig { range_adaptive: Some(ra), near_top_row: split_row(&camera, spec.head, &ra), ..sea.clone() };
    let mut blobs = Vec::new();
    for (name, cfg) in [
        ("model_alone_640x512", OnnxConfig::new(&model)),
        ("model_whole_frame_640x512", whole),
        ("model_calibrated_one_pass_640x512", sea),
        ("model_calibrated_banded_640x512", banded),
    ] {
        let mut det = Onnx::try_new(cfg).expect("the shipped model loads");
        g.bench_function(name, |b| {
            b.iter(|| {
                blobs.clear();
                det.detect(&f.view(), &mut blobs);
                blobs.len()
            })
        });
    }
    let mut sky = ImageSky::default();
    g.bench_function("image_sky_640x512", |b| b.iter(|| sky.sea_top_row(&f.view())));
    let model = Onnx::try_new(OnnxConfig::new(&model)).expect("the shipped model loads");
    let mut cascade = Verified::new(
        HotSpot::new(HotSpotConfig { threshold_sigma: 4.0, ..Default::default() }),
        model,
        VerifyConfig::default(),
    );
    g.bench_function("hotspot_verified_640x512", |b| {
        b.iter(|| {
            blobs.clear();
            cascade.detect(&f.view(), &mut blobs);
            blobs.len()
        })
    });
    g.finish();
}

criterion_group!(benches, onnx_detect);
criterion_main!(benches);
