//! AIS decode + gpsd JSON throughput over gpsd's sample corpus, repeated in memory.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use seawarden::ingest::ais::{Decoder, write_gpsd_json};

fn corpus() -> Vec<u8> {
    let one = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/ais/gpsd-sample.aivdm"))
        .expect("sample corpus present");
    one.repeat(50)
}

fn decode_json(c: &mut Criterion) {
    let data = corpus();
    let lines = data.split(|b| *b == b'\n').count() as u64;
    let mut g = c.benchmark_group("ais");
    g.throughput(Throughput::Elements(lines));
    g.bench_function("decode_json", |b| {
        let mut json = Vec::with_capacity(1024);
        b.iter(|| {
            let mut d = Decoder::new();
            let mut n = 0usize;
            for line in data.split(|b| *b == b'\n') {
                if let Some(m) = d.push_line(line) {
                    json.clear();
                    write_gpsd_json(m, &mut json);
                    n += json.len();
                }
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, decode_json);
criterion_main!(benches);
