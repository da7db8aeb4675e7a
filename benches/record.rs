//! Console recorder and audit chain costs: appending and reading back 1 000 track batches of ~60 kB
//! (500 tracks each, the contract's upper size), appending one audit row, verifying a ~10 000-row chain.
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use seawarden::audit::{Action, AuditLog, PasswordCost, Role};
use seawarden::bus::record::{Envelope, FsyncPolicy, Recorder, RecorderConfig, RecordingReader};

fn batch(i: i64) -> Envelope {
    let tracks: Vec<String> = (0..500)
        .map(|t| {
            format!(
                r#"{{"track_id":"{t}","time":{i}.0,"lat":22.1{t:04},"lon":113.5{t:04},"sog_kn":12.5,"cog_deg":271.0,"mmsi":412000{t:03},"status":"confirmed"}}"#
            )
        })
        .collect();
    let payload =
        format!(r#"{{"schema":"seawarden.tracks/1","site":"hac-sa","time":{i}.0,"tracks":[{}]}}"#, tracks.join(","));
    Envelope {
        received_ms: 1_796_137_200_000 + i * 1_000,
        topic: "seawarden/v1/node/hac-sa/tracks".into(),
        payload: payload.into_bytes(),
    }
}

fn record(c: &mut Criterion) {
    let msgs: Vec<Envelope> = (0..1_000).map(batch).collect();
    let bytes: u64 = msgs.iter().map(|m| m.payload.len() as u64).sum();
    let mut g = c.benchmark_group("record");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function("append_1000_batches", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| {
                let mut cfg = RecorderConfig::new(dir.path());
                cfg.max_file_bytes = 16 << 20;
                cfg.fsync = FsyncPolicy::OnRotate;
                let mut rec = Recorder::open(cfg).unwrap();
                for m in &msgs {
                    rec.append(m).unwrap();
                }
                rec.close().unwrap();
                dir
            },
            BatchSize::PerIteration,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = RecorderConfig::new(dir.path());
    cfg.max_file_bytes = 16 << 20;
    let mut rec = Recorder::open(cfg).unwrap();
    for m in &msgs {
        rec.append(m).unwrap();
    }
    drop(rec);
    g.bench_function("read_1000_batches", |b| {
        b.iter(|| RecordingReader::open(dir.path()).unwrap().map(Result::unwrap).count())
    });
    g.finish();
}

fn audit_verify(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::open_with_cost(dir.path().join("a.sqlite"), PasswordCost::FOR_TESTS).unwrap();
    log.add_user(None, "ana", Role::Operator, "harbour-lights-42").unwrap();
    let s = log.login("ana", "harbour-lights-42").unwrap();
    let mut g = c.benchmark_group("audit");
    g.sample_size(10);
    let mut i = 0;
    // Each append is its own durable (synchronous=FULL) transaction: this is the fsync-bound rate.
    g.bench_function("append_row", |b| {
        b.iter(|| {
            i += 1;
            log.append(&s, Action::Acknowledge, &format!("alert-{i}"), serde_json::json!({"i": i})).unwrap()
        })
    });
    while log.head().unwrap().0 < 10_000 {
        i += 1;
        log.append(&s, Action::Acknowledge, &format!("alert-{i}"), serde_json::json!({"i": i})).unwrap();
    }
    let rows = log.head().unwrap().0 as u64;
    g.throughput(Throughput::Elements(rows));
    g.bench_function("verify_chain", |b| b.iter(|| assert!(log.verify().unwrap().ok())));
    g.finish();
}

criterion_group!(benches, record, audit_verify);
criterion_main!(benches);
