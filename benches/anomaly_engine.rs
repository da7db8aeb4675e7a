//! Anomaly engine cost: one `Engine::update` over 5 000 tracks (target < 5 ms per update), and
//! over 500 (a busy harbour) to see how cost scales.
//! Tracks are spread over the Macau approaches, a mix of fast dark craft and slow AIS vessels,
//! so zone queries, pairing and every rule run; the engine is warmed so memos are populated.
use criterion::{Criterion, criterion_group, criterion_main};
use seawarden::anomaly::{AisLog, Engine, EngineConfig, Zones};
use seawarden::coast::Coast;
use seawarden::detection::{Identity, SensorKind};
use seawarden::track::{Track, TrackId, TrackStatus, VesselClass};

fn tracks(n: usize, time_s: f64) -> Vec<Track> {
    (0..n)
        .map(|i| {
            // A deterministic spread over 22.05–22.25 N, 113.52–113.70 E.
            let (a, b) = ((i * 7919) % 1000, (i * 104_729) % 1000);
            let fast = i % 3 == 0;
            Track {
                id: TrackId(i.to_string()),
                time_s,
                lat_deg: 22.05 + 0.0002 * a as f64 + 0.00001 * time_s % 0.001,
                lon_deg: 113.52 + 0.00018 * b as f64,
                sog_kn: if fast { 25.0 } else { 1.0 + (i % 5) as f64 },
                cog_deg: (i * 37 % 360) as f64,
                cov_en: [[0.0; 4]; 4],
                status: TrackStatus::Confirmed,
                sources: vec![SensorKind::Radar],
                identity: Identity { mmsi: (!fast).then_some(412_000_000 + i as u32), ..Default::default() },
                class: VesselClass::Unknown,
                length_m: None,
                dark: fast,
                history: Vec::new(),
            }
        })
        .collect()
}

/// One update over `n` tracks, after 30 warm-up updates so memos are populated.
fn update_n(c: &mut Criterion, n: usize) {
    let zones = Zones::macau().expect("embedded zones are valid");
    let mut engine = Engine::new(EngineConfig::default(), zones, Coast::macau());
    let ais = AisLog::default();
    let mut out = Vec::new();
    let mut t = 1_773_252_000.0;
    for _ in 0..30 {
        engine.update(t, &tracks(n, t), &ais, &mut out);
        t += 1.0;
    }
    let mut batch = tracks(n, t);
    c.bench_function(&format!("anomaly/engine_update_{n}_tracks"), |b| {
        b.iter(|| {
            // Time moves on a second per update, as in a live node (memos take samples, windows
            // slide); re-stamping the tracks is negligible next to the update.
            t += 1.0;
            for tr in &mut batch {
                tr.time_s = t;
            }
            out.clear();
            engine.update(t, &batch, &ais, &mut out);
            out.len()
        })
    });
}

fn update_500(c: &mut Criterion) {
    update_n(c, 500);
}

fn update_5000(c: &mut Criterion) {
    update_n(c, 5_000);
}

criterion_group!(benches, update_500, update_5000);
criterion_main!(benches);
