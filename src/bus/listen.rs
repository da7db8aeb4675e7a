//! The headless subscriber behind `seawarden listen`: every received message one JSON line,
//! alerts de-duplicated by id. Tests use it as the console's stand-in.
//!
//! Line format: `{"topic": …, "received_s": …, "payload": <the message as received>}`; alerts are
//! written once per (`id`, `update`), however often they arrive. A payload that fails validation
//! is counted and logged, not written.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use rumqttc::QoS;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::client::bus;
use super::error::BusError;
use super::msg::Message;
use super::options::BusOptions;

/// What a listener saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListenStats {
    /// Messages received (valid or not, duplicates included).
    pub received: u64,
    /// Lines written.
    pub written: u64,
    /// Alerts received again with an (id, update) already written.
    pub duplicates: u64,
    /// Payloads refused by validation.
    pub rejected: u64,
}

/// Subscribe to `filter` (QoS 1, persistent session under `opts.client_id`) and write every
/// message to `out` until `shutdown`. Each line is flushed as it is written, so a reader can
/// follow the file.
///
/// # Errors
/// [`BusError::Io`] when `out` cannot be written; bus option errors as [`bus`] returns them.
pub async fn listen(
    mut opts: BusOptions,
    filter: &str,
    out: &Path,
    shutdown: CancellationToken,
) -> Result<ListenStats, BusError> {
    let io = |source, path: &Path| BusError::Io { path: path.to_path_buf(), source };
    let file = std::fs::File::create(out).map_err(|e| io(e, out))?;
    let mut w = std::io::BufWriter::new(file);
    opts.subscriptions = vec![(filter.to_string(), QoS::AtLeastOnce)];
    opts.outbox = None;
    let (_handle, mut bus_loop) = bus(opts, 16)?;
    let mut rx = bus_loop.incoming();
    let stop = shutdown.child_token();
    let task = tokio::spawn(bus_loop.run(stop.clone()));
    let mut seen: HashSet<(String, u32)> = HashSet::new();
    let mut stats = ListenStats::default();
    let out_path: PathBuf = out.to_path_buf();
    loop {
        let r = tokio::select! {
            // Cancel-safe: both only observe or receive.
            _ = shutdown.cancelled() => break,
            r = rx.recv() => match r { Some(r) => r, None => break },
        };
        stats.received += 1;
        match &r.message {
            Err(_) => {
                stats.rejected += 1;
                continue;
            }
            Ok(Message::Alert(a)) => {
                if !seen.insert((a.alert.id.0.clone(), a.alert.update)) {
                    stats.duplicates += 1;
                    continue;
                }
            }
            Ok(_) => {}
        }
        let payload: serde_json::Value = serde_json::from_slice(&r.payload).unwrap_or(serde_json::Value::Null);
        let line = serde_json::json!({ "topic": r.topic, "received_s": r.received_s, "payload": payload });
        serde_json::to_writer(&mut w, &line).map_err(|e| io(e.into(), &out_path))?;
        w.write_all(b"\n").map_err(|e| io(e, &out_path))?;
        w.flush().map_err(|e| io(e, &out_path))?;
        stats.written += 1;
    }
    stop.cancel();
    let _ = task.await;
    w.flush().map_err(|e| io(e, &out_path))?;
    Ok(stats)
}
