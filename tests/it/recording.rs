//! Recording and replay: rotation across files, reading back in order, crash-truncated records
//! tolerated and counted, and replay of a window at x60 on an injected clock.
use std::path::Path;

use seawarden::bus::record::{Envelope, FsyncPolicy, Recorder, RecorderConfig, RecordingReader, list_files};
use seawarden::bus::replay::{Clock, ManualClock, ReplayError, ReplayEvent, Replayer};

/// 100 messages over ~200 s at irregular gaps, some with binary payloads.
fn messages() -> Vec<Envelope> {
    let mut t = 1_796_137_200_000i64;
    (0..100)
        .map(|i| {
            t += 500 + (i * 37 % 11) * 300;
            let payload = if i % 10 == 3 {
                vec![0xff, 0xfe, i as u8, 0x00, b'\n']
            } else {
                format!(r#"{{"i":{i},"pad":"{}"}}"#, "x".repeat((i % 7) as usize * 20)).into_bytes()
            };
            Envelope { received_ms: t, topic: format!("seawarden/v1/node/site-{}/tracks", i % 3), payload }
        })
        .collect()
}

fn record(dir: &Path, msgs: &[Envelope], max_file_bytes: u64) -> u64 {
    let mut cfg = RecorderConfig::new(dir);
    cfg.max_file_bytes = max_file_bytes;
    cfg.fsync = FsyncPolicy::EveryRecord;
    let mut rec = Recorder::open(cfg).unwrap();
    for m in msgs {
        rec.append(m).unwrap();
    }
    rec.close().unwrap();
    rec.stats().files
}

#[test]
fn rotates_across_files_and_reads_back_everything_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let msgs = messages();
    let files = record(dir.path(), &msgs, 1_500);
    assert!(files >= 5, "only {files} files");
    let listed = list_files(dir.path()).unwrap();
    assert_eq!(listed.len() as u64, files);
    for f in &listed {
        assert!(std::fs::metadata(&f.path).unwrap().len() <= 1_500, "{} too big", f.path.display());
    }
    let mut reader = RecordingReader::open(dir.path()).unwrap();
    let back: Vec<Envelope> = reader.by_ref().map(Result::unwrap).collect();
    assert_eq!(back, msgs);
    let s = reader.stats();
    assert_eq!((s.records, s.files, s.truncated, s.corrupt), (100, files, 0, 0));
}

#[test]
fn crash_truncated_record_is_skipped_and_counted_then_recording_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let msgs = messages();
    record(dir.path(), &msgs[..60], 1_500);
    // Crash: the last file loses the end of its last record.
    let last = list_files(dir.path()).unwrap().pop().unwrap();
    let len = std::fs::metadata(&last.path).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&last.path).unwrap().set_len(len - 9).unwrap();
    // Disk damage: a complete garbage line in the first file.
    let first = list_files(dir.path()).unwrap().remove(0);
    let mut bytes = std::fs::read(&first.path).unwrap();
    bytes.extend_from_slice(b"{\"received_ms\": oops}\n");
    std::fs::write(&first.path, bytes).unwrap();
    // Restart: a new recorder writes new files after the damaged one.
    record(dir.path(), &msgs[60..], 1_500);

    let mut reader = RecordingReader::open(dir.path()).unwrap();
    let back: Vec<Envelope> = reader.by_ref().map(Result::unwrap).collect();
    let mut expected = msgs.clone();
    expected.remove(59);
    assert_eq!(back, expected);
    let s = reader.stats();
    assert_eq!((s.records, s.truncated, s.corrupt), (99, 1, 1));
}

#[test]
fn window_reads_only_inside_and_skips_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    let msgs = messages();
    record(dir.path(), &msgs, 1_500);
    let (from, to) = (msgs[40].received_ms, msgs[59].received_ms);
    let mut reader = RecordingReader::window(dir.path(), from, to).unwrap();
    let back: Vec<Envelope> = reader.by_ref().map(Result::unwrap).collect();
    assert_eq!(back, msgs[40..60]);
    let s = reader.stats();
    let all_files = list_files(dir.path()).unwrap().len() as u64;
    assert!(s.files < all_files / 2, "opened {} of {all_files} files", s.files);
}

#[test]
fn replay_at_x60_paces_by_recorded_gaps_and_keeps_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let msgs = messages();
    record(dir.path(), &msgs, 1_500);
    let (from, to) = (msgs[20].received_ms - 1, msgs[79].received_ms);
    let clock = ManualClock::at(1_000);
    let replay = Replayer::open(dir.path(), from, to, 60.0, clock.clone()).unwrap();
    let ctl = replay.control();
    let mut got = Vec::new();
    for env in replay {
        let env = env.unwrap();
        got.push((clock.now_ms(), env));
        assert_eq!(ctl.position_ms(), got.last().unwrap().1.received_ms);
    }
    let envs: Vec<&Envelope> = got.iter().map(|(_, e)| e).collect();
    assert_eq!(envs, msgs[20..80].iter().collect::<Vec<_>>(), "exactly the window, in order");
    let first = msgs[20].received_ms;
    for (at, env) in &got {
        let due = 1_000 + (env.received_ms - first + 59) / 60;
        assert_eq!(*at, due, "message at {} handed over at clock {at}, due {due}", env.received_ms);
    }
    // ~120 s of recording took ~2 s of (injected) time.
    let span = got.last().unwrap().0 - got[0].0;
    assert_eq!(span, (msgs[79].received_ms - first + 59) / 60);
    assert!(clock.sleeps().iter().all(|&s| s > 0 && s <= 50), "sleeps are short so stop/pause react");
}

#[test]
fn replay_thread_sends_messages_then_finished() {
    let dir = tempfile::tempdir().unwrap();
    let msgs = messages();
    record(dir.path(), &msgs, 1_500);
    let replay = Replayer::open(dir.path(), i64::MIN, i64::MAX, 60.0, ManualClock::at(0)).unwrap();
    let handle = replay.spawn(8);
    let mut n = 0;
    let summary = loop {
        match handle.events.recv().unwrap() {
            ReplayEvent::Message(e) => {
                assert_eq!(e, msgs[n]);
                n += 1;
            }
            ReplayEvent::Finished(s) => break s,
            ReplayEvent::Failed(e) => panic!("{e}"),
        }
    };
    assert_eq!((n, summary.delivered, summary.stopped), (100, 100, false));
}

#[test]
fn stop_ends_a_real_time_replay_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let msgs = messages();
    record(dir.path(), &msgs, 1_500);
    // Real clock at x1: the whole recording would take minutes; stop after the first message.
    let replay =
        Replayer::open(dir.path(), i64::MIN, i64::MAX, 1.0, seawarden::bus::replay::SystemClock::default()).unwrap();
    let handle = replay.spawn(1);
    assert!(matches!(handle.events.recv().unwrap(), ReplayEvent::Message(_)));
    handle.control.stop();
    let rest: Vec<ReplayEvent> = handle.events.iter().collect();
    assert!(matches!(rest.last(), Some(ReplayEvent::Finished(s)) if s.stopped), "{rest:?}");
}

#[test]
fn bad_speed_or_window_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(Replayer::open(dir.path(), 0, 10, 120.0, ManualClock::at(0)), Err(ReplayError::Speed(_))));
    assert!(matches!(Replayer::open(dir.path(), 10, 0, 2.0, ManualClock::at(0)), Err(ReplayError::Window { .. })));
    let _ = ManualClock::at(0).now_ms();
}
