//! Classical hot-spot detector, per 640×512 frame: the hot path of `seawarden detect`.
//!
//! Frames are synthesised once (sea clutter, whitecaps, coast lights, a dozen boats) so the
//! figure is the detector's alone, 16-bit and 8-bit. Target: under 6 ms a frame on one core.
use std::hint::black_box;

use calibration::{HeadAngles, SiteCalibration};
use criterion::{Criterion, criterion_group, criterion_main};
use seawarden::ingest::thermal::{Detector, Frame16, FrameView, HorizonSource, HotSpot, HotSpotConfig, calibrated_horizon};
use seawarden::sim::thermal::{Renderer, SceneConfig, random_traffic};

fn frames() -> (SiteCalibration, Vec<Frame16>) {
    let cal = SiteCalibration::from_toml_str(
        "[pose]\nlat = 22.197907\nlon = 113.558966\nmast_height_m = 25.0\nheading_offset_deg = 150.0\n\
         tilt_offset_deg = -1.34\n[camera]\nwidth_px = 640\nheight_px = 512\nhfov_deg = 6.0\n",
    )
    .expect("valid calibration");
    let truth = random_traffic((cal.pose.lat, cal.pose.lon), 150.0, 3.0, 400.0, 14_000.0, 12, 2.0, 7);
    let mut r = Renderer::new(&cal, HeadAngles::default(), SceneConfig { whitecaps_per_s: 10.0, ..Default::default() })
        .expect("renderer");
    let frames = (0..8)
        .map(|i| {
            let t = f64::from(i) / 25.0;
            let (mut f, mut l) = (Frame16::filled(1, 1, 0), Vec::new());
            r.render(t, &truth.at(t), &mut f, &mut l);
            f
        })
        .collect();
    (cal, frames)
}

fn bench(c: &mut Criterion) {
    let (cal, frames) = frames();
    let camera = cal.mounted_camera().expect("camera");
    let mut blobs = Vec::new();
    let mut group = c.benchmark_group("hotspot_640x512");
    for (name, horizon) in [
        ("gray16_image_horizon", HorizonSource::FromImage),
        ("gray16_calibrated", HorizonSource::Calibrated(calibrated_horizon(&camera, HeadAngles::default()))),
    ] {
        let mut d = HotSpot::new(HotSpotConfig { horizon, ..Default::default() });
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                blobs.clear();
                d.detect(black_box(&frames[i % frames.len()].view()), &mut blobs);
                i += 1;
                black_box(blobs.len())
            })
        });
    }
    let g8: Vec<Vec<u8>> = frames.iter().map(|f| f.to_gray8(29_000, 30_800)).collect();
    let mut d = HotSpot::new(HotSpotConfig::default());
    let mut i = 0;
    group.bench_function("gray8_image_horizon", |b| {
        b.iter(|| {
            blobs.clear();
            let view = FrameView::gray8(640, 512, &g8[i % g8.len()]).expect("packed frame");
            d.detect(black_box(&view), &mut blobs);
            i += 1;
            black_box(blobs.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
