//! Tracker per-scan update time vs number of targets (10 % clutter, 30 × 30 km, one radar every
//! 2.5 s), one `Tracker::step` per iteration after a 30-scan warm-up. Headline: 2,000 targets +
//! 200 clutter plots.
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use seawarden::track::bench::{LoadGenerator, bench_tracker};

fn track_scan(c: &mut Criterion) {
    let mut g = c.benchmark_group("track_scan");
    for n in [10usize, 100, 500, 1000, 2000, 5000] {
        let mut load = LoadGenerator::new(n, 42);
        let mut tracker = bench_tracker();
        for _ in 0..30 {
            let s = load.next_scan();
            tracker.step(&s);
        }
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter_batched(
                || load.next_scan(),
                |scan| {
                    tracker.step(&scan);
                },
                criterion::BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, track_scan);
criterion_main!(benches);
