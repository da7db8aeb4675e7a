//! Bus tests against a real mosquitto (started per test on a free loopback port, stopped by a
//! Drop guard even when the test fails): shipped schemas, TLS + ACL, and the reliability cases of
//! issue 7 (broker outage, `kill -9` of the edge, network flap) — 0 alerts lost, 0 duplicated.
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use seawarden::alert::{Alert, AlertId, AlertKind, Reason, Severity};
use seawarden::bus::{self, BrokerUrl, BusOptions, TlsFiles, topic};
use tokio_util::sync::CancellationToken;

use super::util::{repo_root, seawarden_bin};

/// A port nobody listens on right now (bind :0, read it, release it).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Poll `cond` every 20 ms until it holds; panic with `what` after `limit` (a hang guard, not a
/// performance threshold: every wait here normally ends within seconds).
pub fn wait_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Async flavour of [`wait_until`].
pub async fn wait_until_async(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn mosquitto_bin() -> PathBuf {
    for p in ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("mosquitto is not installed (./x test installs it: apt-get install mosquitto)");
}

/// A private mosquitto: its own config, persistence and log in `dir`. Killed on drop.
pub struct Mosquitto {
    child: Option<Child>,
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
}

impl Mosquitto {
    /// Start with `listener_extra` added under the listener (TLS, ACL …); anonymous plain by default.
    pub fn start(dir: &Path, listener_extra: &str) -> Mosquitto {
        let port = free_port();
        let mut m = Mosquitto { child: None, port, dir: dir.to_path_buf() };
        let conf = dir.join("mosquitto.conf");
        let extra =
            if listener_extra.is_empty() { "allow_anonymous true\n".to_string() } else { listener_extra.to_string() };
        // Run as root, mosquitto drops to the `mosquitto` user, which cannot write its persistence
        // file into our private temp dir; then a restart forgets the sessions. Stay as we are.
        let me_root = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").unwrap()) == 0;
        let user = if me_root { "user root\n" } else { "" };
        std::fs::write(
            &conf,
            format!(
                "{user}per_listener_settings false\npersistence true\npersistence_location {}/\nautosave_interval 1\n\
                 log_dest file {}/mosquitto.log\nlog_type all\nmax_queued_messages 100000\nlistener {port} 127.0.0.1\n{extra}",
                dir.display(),
                dir.display()
            ),
        )
        .unwrap();
        m.spawn();
        m
    }

    fn spawn(&mut self) {
        let child = Command::new(mosquitto_bin())
            .arg("-c")
            .arg(self.dir.join("mosquitto.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting mosquitto");
        self.child = Some(child);
        let addr: SocketAddr = ([127, 0, 0, 1], self.port).into();
        wait_until("mosquitto to listen", Duration::from_secs(20), || {
            if let Some(c) = self.child.as_mut() {
                if let Ok(Some(st)) = c.try_wait() {
                    let log = std::fs::read_to_string(self.dir.join("mosquitto.log")).unwrap_or_default();
                    panic!("mosquitto exited: {st}\n{log}");
                }
            }
            TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
        });
    }

    /// Stop with SIGTERM (mosquitto saves its persistence file) and wait for it.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }

    /// Start again on the same port with the same config and persistence.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// `mqtt://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A child process (an edge node) killed on drop.
pub struct Guard(pub Option<Child>);

impl Guard {
    /// `kill -9`.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Wait for a normal exit; panics after `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let c = self.0.as_mut().expect("a running child");
        let start = Instant::now();
        loop {
            if let Some(st) = c.try_wait().unwrap() {
                self.0 = None;
                return st;
            }
            assert!(start.elapsed() < limit, "child did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// The `n`th test alert of `site`: deterministic id, severities rotating.
pub fn test_alert(site: &str, n: u32, t0: f64) -> Alert {
    let time = t0 + f64::from(n) * 0.1;
    let kind = AlertKind::ALL[n as usize % AlertKind::ALL.len()];
    Alert {
        time,
        id: AlertId::derive(site, &n.to_string(), kind, time),
        site: site.into(),
        kind,
        severity: [Severity::Low, Severity::Medium, Severity::High, Severity::Critical][n as usize % 4],
        track_id: n.to_string(),
        lat: 22.1 + f64::from(n) * 1e-4,
        lon: 113.55,
        mmsi: (n % 3 == 0).then_some(412_000_000 + n),
        reasons: vec![Reason { rule: "test".into(), value: f64::from(n), threshold: 1.0 }],
        evidence: vec![],
        update: 0,
    }
}

/// Write `n` alerts as an alerts-contract JSONL file; returns their ids.
pub fn write_alerts(path: &Path, site: &str, n: u32) -> BTreeSet<String> {
    let mut f = std::fs::File::create(path).unwrap();
    let mut ids = BTreeSet::new();
    for i in 0..n {
        let a = test_alert(site, i, 1_700_000_000.0);
        ids.insert(a.id.0.clone());
        writeln!(f, "{}", serde_json::to_string(&a).unwrap()).unwrap();
    }
    ids
}

/// What a `listen` output file holds so far.
#[derive(Debug, Default)]
pub struct Heard {
    /// Alert ids, one per line written (duplicates would show as repeats).
    pub alert_lines: Vec<String>,
    /// Status payloads' `state` values, in order.
    pub status_states: Vec<String>,
    /// Track batches.
    pub track_batches: usize,
    /// Lines on other topics.
    pub other: usize,
    /// Topics of alert lines.
    pub alert_topics: Vec<String>,
}

impl Heard {
    /// Parse the file.
    pub fn read(path: &Path) -> Heard {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut h = Heard::default();
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            let t = v["topic"].as_str().unwrap_or_default().to_string();
            if t.ends_with("/alerts") {
                h.alert_lines.push(v["payload"]["id"].as_str().unwrap_or_default().to_string());
                h.alert_topics.push(t);
            } else if t.ends_with("/status") {
                h.status_states.push(v["payload"]["state"].as_str().unwrap_or_default().to_string());
            } else if t.ends_with("/tracks") {
                h.track_batches += 1;
            } else {
                h.other += 1;
            }
        }
        h
    }

    /// Distinct alert ids.
    pub fn ids(&self) -> BTreeSet<String> {
        self.alert_lines.iter().cloned().collect()
    }

    /// Alert ids written more than once (must be none: the listener de-duplicates).
    pub fn duplicates(&self) -> Vec<String> {
        let mut n: HashMap<&str, u32> = HashMap::new();
        for id in &self.alert_lines {
            *n.entry(id).or_default() += 1;
        }
        n.into_iter().filter(|(_, c)| *c > 1).map(|(id, _)| id.to_string()).collect()
    }
}

/// An in-process listener (the console's stand-in) writing to `out`; returns once it is
/// subscribed (it has received a retained probe published beforehand).
pub async fn start_listener(
    opts: BusOptions,
    out: &Path,
) -> (CancellationToken, tokio::task::JoinHandle<bus::listen::ListenStats>) {
    // Retained probe: the listener's first line once its subscription is active.
    let probe = serde_json::json!({"schema": "seawarden.unit_position/1", "unit": "probe", "time": 0.0, "lat": 22.0, "lon": 113.0});
    let mut popts = opts.clone();
    popts.client_id = format!("{}-probe", opts.client_id);
    popts.clean_session = true;
    let (h, l) = bus::bus(popts, 4).unwrap();
    let stop = CancellationToken::new();
    let t = tokio::spawn(l.run(stop.clone()));
    h.publish(bus::Publish {
        topic: topic::unit_position("probe"),
        qos: rumqttc::QoS::AtLeastOnce,
        retain: true,
        payload: serde_json::to_vec(&probe).unwrap(),
    })
    .await
    .unwrap();
    let path = out.to_path_buf();
    let token = CancellationToken::new();
    let (o, tk) = (opts, token.clone());
    let task = tokio::spawn(async move { bus::listen::listen(o, &topic::all(), &path, tk).await.unwrap() });
    let p = out.to_path_buf();
    wait_until_async("the listener's subscription", Duration::from_secs(30), || {
        std::fs::read_to_string(&p).is_ok_and(|s| s.contains("\"probe\""))
    })
    .await;
    stop.cancel();
    let _ = t.await;
    (token, task)
}

/// Listener options for a plain broker.
pub fn listener_opts(url: &str, client_id: &str) -> BusOptions {
    BusOptions {
        url: url.parse::<BrokerUrl>().unwrap(),
        client_id: client_id.into(),
        keep_alive_s: 2,
        ..BusOptions::default()
    }
}

/// Write a node.toml for an edge process with one alerts input.
pub fn node_toml(dir: &Path, site: &str, broker: &str, alerts: &Path, speed: f64) -> PathBuf {
    let p = dir.join(format!("{site}.toml"));
    std::fs::write(
        &p,
        format!(
            "site = \"{site}\"\ndata_dir = \"{}\"\n[broker]\nurl = \"{broker}\"\nkeep_alive_s = 1\n\
             [intervals]\nstatus_ms = 500\n[[input]]\nkind = \"alerts\"\nurl = \"file://{}?speed={speed}\"\n",
            dir.join(format!("data-{site}")).display(),
            alerts.display()
        ),
    )
    .unwrap();
    p
}

/// Start `seawarden edge --config cfg`, logging to `dir/edge.log`.
pub fn spawn_edge(cfg: &Path, log: &Path) -> Guard {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let child = Command::new(seawarden_bin())
        .args(["-vv", "edge", "--config"])
        .arg(cfg)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("starting seawarden edge");
    Guard(Some(child))
}

mod schemas {
    use super::*;

    #[test]
    fn shipped_schemas_equal_the_generated_ones() {
        let dir = repo_root().join("assets/schemas");
        let bless = std::env::var_os("SEAWARDEN_BLESS").is_some();
        for (name, text) in bus::msg::json_schemas() {
            let path = dir.join(&name);
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            }
            let shipped = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (SEAWARDEN_BLESS=1 regenerates)", path.display()));
            assert_eq!(shipped, text, "{} is stale: run the tests with SEAWARDEN_BLESS=1", path.display());
        }
    }

    #[test]
    fn the_alert_schema_pins_its_tag_and_kinds() {
        let (_, text) = bus::msg::json_schemas().into_iter().find(|(n, _)| n == "alert.schema.json").unwrap();
        assert!(text.contains("\"const\": \"seawarden.alert/1\""));
        for k in AlertKind::ALL {
            assert!(text.contains(&format!("\"{}\"", k.as_str())), "{}", k.as_str());
        }
    }
}

mod security {
    use super::*;

    /// A node authenticated by its certificate (CN = site) cannot publish under another node's
    /// subtree: the shipped ACL drops it, while its own alert goes through.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_node_cannot_publish_as_another() {
        let dir = tempfile::tempdir().unwrap();
        let certs =
            bus::certs::generate(&dir.path().join("pki"), &["hac-sa".into(), "ka-ho".into(), "console".into()], &[])
                .unwrap();
        let acl = repo_root().join("assets/mosquitto/acl");
        let extra = format!(
            "cafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\nuse_identity_as_username true\nallow_anonymous false\nacl_file {}\n",
            certs.ca.display(),
            certs.broker.0.display(),
            certs.broker.1.display(),
            acl.display()
        );
        let broker = Mosquitto::start(dir.path(), &extra);
        let url = format!("mqtts://127.0.0.1:{}", broker.port);
        let files = |site: &str| {
            let (_, c, k) = certs.nodes.iter().find(|(s, _, _)| s == site).unwrap().clone();
            TlsFiles { ca: certs.ca.clone(), cert: Some(c), key: Some(k) }
        };
        let mut lopts = listener_opts(&url, "console");
        lopts.tls = Some(files("console"));
        let out = dir.path().join("heard.jsonl");
        let (stop_listener, listener) = start_listener(lopts, &out).await;

        let nopts = BusOptions {
            url: url.parse().unwrap(),
            client_id: "seawarden-edge-hac-sa".into(),
            tls: Some(files("hac-sa")),
            outbox: Some(dir.path().join("outbox.sqlite")),
            ..BusOptions::default()
        };
        let (node, l) = bus::bus(nopts, 8).unwrap();
        let stop = CancellationToken::new();
        let t = tokio::spawn(l.run(stop.clone()));
        let mut forged = test_alert("ka-ho", 1, 0.0);
        forged.site = "ka-ho".into();
        node.commit_alert(&topic::alerts("ka-ho"), &forged).unwrap();
        let own = test_alert("hac-sa", 2, 0.0);
        node.commit_alert(&topic::alerts("hac-sa"), &own).unwrap();
        wait_until_async("hac-sa's own alert at the console", Duration::from_secs(30), || {
            Heard::read(&out).ids().contains(own.id.as_str())
        })
        .await;
        // The outbox emptied (the broker acknowledged both: MQTT 3.1.1 cannot say "denied"), yet
        // the forged one never reached the console, which got the later, legitimate one.
        wait_until_async("the outbox to drain", Duration::from_secs(30), || node.outbox_depth() == 0).await;
        let heard = Heard::read(&out);
        assert!(!heard.ids().contains(forged.id.as_str()), "forged alert delivered: {heard:?}");
        assert!(heard.alert_topics.iter().all(|t| t == &topic::alerts("hac-sa")));
        stop.cancel();
        t.await.unwrap().unwrap();
        stop_listener.cancel();
        listener.await.unwrap();
    }

    /// Username/password (mosquitto password file) with the same ACL: a wrong password is
    /// refused, the right one connects and may publish only under its own site.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn passwords_and_the_acl_work_without_tls() {
        let dir = tempfile::tempdir().unwrap();
        let pw = dir.path().join("passwd");
        for (i, (u, p)) in [("hac-sa", "s3cret"), ("console", "c0nsole")].iter().enumerate() {
            let mut c = Command::new("mosquitto_passwd");
            c.arg("-b");
            if i == 0 {
                c.arg("-c");
            }
            assert!(c.arg(&pw).arg(u).arg(p).status().expect("mosquitto_passwd").success());
        }
        let acl = repo_root().join("assets/mosquitto/acl");
        let extra = format!("allow_anonymous false\npassword_file {}\nacl_file {}\n", pw.display(), acl.display());
        let broker = Mosquitto::start(dir.path(), &extra);
        let mut lopts = listener_opts(&broker.url(), "console-pw");
        lopts.username = Some("console".into());
        lopts.password = Some("c0nsole".into());
        let out = dir.path().join("heard.jsonl");
        let (stop_listener, listener) = start_listener(lopts, &out).await;

        let node = |password: &str, outbox: &str| BusOptions {
            url: broker.url().parse().unwrap(),
            client_id: format!("edge-{outbox}"),
            username: Some("hac-sa".into()),
            password: Some(password.into()),
            outbox: Some(dir.path().join(outbox)),
            ..BusOptions::default()
        };
        let (bad, l) = bus::bus(node("wrong", "bad.sqlite"), 4).unwrap();
        let stop_bad = CancellationToken::new();
        let t_bad = tokio::spawn(l.run(stop_bad.clone()));
        wait_until_async("the refusal", Duration::from_secs(30), || bad.counters().disconnects >= 1).await;
        assert_eq!(bad.counters().connects, 0);
        stop_bad.cancel();
        t_bad.await.unwrap().unwrap();

        let (h, l) = bus::bus(node("s3cret", "good.sqlite"), 4).unwrap();
        let stop = CancellationToken::new();
        let t = tokio::spawn(l.run(stop.clone()));
        let forged = test_alert("ka-ho", 3, 0.0);
        h.commit_alert(&topic::alerts("ka-ho"), &forged).unwrap();
        let own = test_alert("hac-sa", 4, 0.0);
        h.commit_alert(&topic::alerts("hac-sa"), &own).unwrap();
        wait_until_async("the node's own alert", Duration::from_secs(30), || {
            Heard::read(&out).ids().contains(own.id.as_str())
        })
        .await;
        wait_until_async("the outbox to drain", Duration::from_secs(30), || h.outbox_depth() == 0).await;
        assert!(!Heard::read(&out).ids().contains(forged.id.as_str()));
        stop.cancel();
        t.await.unwrap().unwrap();
        stop_listener.cancel();
        listener.await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_client_without_a_certificate_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let certs = bus::certs::generate(&dir.path().join("pki"), &["hac-sa".into()], &[]).unwrap();
        let extra = format!(
            "cafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\nuse_identity_as_username true\nallow_anonymous false\n",
            certs.ca.display(),
            certs.broker.0.display(),
            certs.broker.1.display(),
        );
        let broker = Mosquitto::start(dir.path(), &extra);
        let opts = BusOptions {
            url: format!("mqtts://127.0.0.1:{}", broker.port).parse().unwrap(),
            client_id: "intruder".into(),
            tls: Some(TlsFiles { ca: certs.ca.clone(), cert: None, key: None }),
            ..BusOptions::default()
        };
        let (h, l) = bus::bus(opts, 4).unwrap();
        let stop = CancellationToken::new();
        let t = tokio::spawn(l.run(stop.clone()));
        wait_until_async("a failed connection attempt", Duration::from_secs(30), || h.counters().disconnects >= 1)
            .await;
        assert_eq!(h.counters().connects, 0);
        assert!(!h.is_connected());
        stop.cancel();
        t.await.unwrap().unwrap();
    }
}

mod reliability {
    use super::*;

    /// Outage length for the broker-outage test, seconds: 5 by default, `SEAWARDEN_OUTAGE_S=60`
    /// for the full issue-7 case.
    fn outage() -> Duration {
        let s: u64 = std::env::var("SEAWARDEN_OUTAGE_S").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
        Duration::from_secs(s)
    }

    /// The broker is stopped while the node keeps raising alerts, then restarted: every alert
    /// reaches the console exactly once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn broker_outage_loses_and_duplicates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut broker = Mosquitto::start(dir.path(), "");
        let out = dir.path().join("heard.jsonl");
        let (stop_listener, listener) = start_listener(listener_opts(&broker.url(), "console-outage"), &out).await;
        // 10 alerts/s for the outage plus 6 s, so alerts are raised before, during and after it.
        let n = (outage().as_secs() as u32 + 6) * 10;
        let alerts = dir.path().join("alerts.jsonl");
        let ids = write_alerts(&alerts, "hac-sa", n);
        let cfg = node_toml(dir.path(), "hac-sa", &broker.url(), &alerts, 1.0);
        let mut edge = spawn_edge(&cfg, &dir.path().join("edge.log"));

        wait_until_async("the first alerts", Duration::from_secs(60), || Heard::read(&out).ids().len() >= 10).await;
        broker.stop();
        tokio::time::sleep(outage()).await; // the outage itself, not a synchronisation
        broker.restart();
        let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(120 + outage().as_secs())));
        assert!(st.success(), "edge exit {st}");
        if std::env::var_os("SEAWARDEN_KEEP").is_some() {
            eprintln!("keeping {}", dir.keep().display());
            return;
        }
        wait_until_async("every alert at the console", Duration::from_secs(60), || {
            Heard::read(&out).ids().len() >= ids.len()
        })
        .await;
        stop_listener.cancel();
        let stats = listener.await.unwrap();
        let heard = Heard::read(&out);
        assert_eq!(heard.ids(), ids, "lost alerts");
        assert!(heard.duplicates().is_empty(), "duplicates written: {:?}", heard.duplicates());
        eprintln!("outage {:?}: {} alerts, listener {stats:?}", outage(), ids.len());
    }

    /// The edge is killed with SIGKILL mid-stream and restarted over the same input and data
    /// directory: every alert reaches the console exactly once, and the broker's last will marks
    /// the node offline meanwhile.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn edge_kill_9_loses_and_duplicates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let broker = Mosquitto::start(dir.path(), "");
        let out = dir.path().join("heard.jsonl");
        let (stop_listener, listener) = start_listener(listener_opts(&broker.url(), "console-kill"), &out).await;
        let alerts = dir.path().join("alerts.jsonl");
        let ids = write_alerts(&alerts, "hac-sa", 80);
        let cfg = node_toml(dir.path(), "hac-sa", &broker.url(), &alerts, 1.0);
        let log = dir.path().join("edge.log");
        let mut edge = spawn_edge(&cfg, &log);
        wait_until_async("some alerts", Duration::from_secs(60), || Heard::read(&out).ids().len() >= 20).await;
        edge.kill9();
        let before = Heard::read(&out).ids().len();
        assert!(before < ids.len(), "the stream should still be running at the kill");
        wait_until_async("the last will (offline)", Duration::from_secs(30), || {
            Heard::read(&out).status_states.last().is_some_and(|s| s == "offline")
        })
        .await;
        let mut edge = spawn_edge(&cfg, &log);
        let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(120)));
        assert!(st.success(), "edge exit {st}");
        wait_until_async("every alert at the console", Duration::from_secs(60), || {
            Heard::read(&out).ids().len() >= ids.len()
        })
        .await;
        stop_listener.cancel();
        let stats = listener.await.unwrap();
        let heard = Heard::read(&out);
        assert_eq!(heard.ids(), ids, "lost alerts");
        assert!(heard.duplicates().is_empty());
        assert!(heard.status_states.contains(&"online".to_string()));
        eprintln!("kill -9 after {before} alerts: listener {stats:?}");
    }

    /// A TCP proxy between edge and broker that can reset every connection it carries.
    struct Proxy {
        port: u16,
        conns: std::sync::Arc<std::sync::Mutex<Vec<TcpStream>>>,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    impl Proxy {
        fn start(upstream: u16) -> Proxy {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = l.local_addr().unwrap().port();
            l.set_nonblocking(true).unwrap();
            let conns = std::sync::Arc::new(std::sync::Mutex::new(Vec::<TcpStream>::new()));
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let (c2, s2) = (conns.clone(), stop.clone());
            let thread = std::thread::spawn(move || {
                while !s2.load(std::sync::atomic::Ordering::Relaxed) {
                    match l.accept() {
                        Ok((down, _)) => {
                            down.set_nonblocking(false).unwrap();
                            let Ok(up) = TcpStream::connect(("127.0.0.1", upstream)) else { continue };
                            let pairs = [
                                (down.try_clone().unwrap(), up.try_clone().unwrap()),
                                (up.try_clone().unwrap(), down.try_clone().unwrap()),
                            ];
                            c2.lock().unwrap().extend([down, up]);
                            for (mut a, mut b) in pairs {
                                std::thread::spawn(move || {
                                    let _ = std::io::copy(&mut a, &mut b);
                                    let _ = b.shutdown(std::net::Shutdown::Both);
                                });
                            }
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
            Proxy { port, conns, stop, thread: Some(thread) }
        }

        /// Reset every carried connection (SO_LINGER 0 then close sends RST).
        fn flap(&self) {
            for s in self.conns.lock().unwrap_or_else(|p| p.into_inner()).drain(..) {
                let _ = socket_linger_zero(&s);
                let _ = s.shutdown(std::net::Shutdown::Both);
            }
        }
    }

    /// SO_LINGER 0: the close that follows sends RST, as a router reboot or NAT timeout does.
    fn socket_linger_zero(s: &TcpStream) -> std::io::Result<()> {
        let dup = s.try_clone()?;
        dup.set_nonblocking(true)?; // tokio only adopts non-blocking sockets; the link dies next anyway
        let t = tokio::net::TcpStream::from_std(dup)?;
        t.set_zero_linger()?;
        drop(t);
        Ok(())
    }

    impl Drop for Proxy {
        fn drop(&mut self) {
            self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
            self.flap();
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// The link between edge and broker is cut three times while alerts stream.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn network_flap_loses_and_duplicates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let broker = Mosquitto::start(dir.path(), "");
        let proxy = Proxy::start(broker.port);
        let out = dir.path().join("heard.jsonl");
        let (stop_listener, listener) = start_listener(listener_opts(&broker.url(), "console-flap"), &out).await;
        let alerts = dir.path().join("alerts.jsonl");
        let ids = write_alerts(&alerts, "hac-sa", 100);
        let cfg = node_toml(dir.path(), "hac-sa", &format!("mqtt://127.0.0.1:{}", proxy.port), &alerts, 1.0);
        let mut edge = spawn_edge(&cfg, &dir.path().join("edge.log"));
        for k in 1..=3usize {
            wait_until_async("alerts between flaps", Duration::from_secs(60), || {
                Heard::read(&out).ids().len() >= k * 20
            })
            .await;
            proxy.flap();
        }
        let st = tokio::task::block_in_place(|| edge.wait_exit(Duration::from_secs(120)));
        assert!(st.success(), "edge exit {st}");
        wait_until_async("every alert at the console", Duration::from_secs(60), || {
            Heard::read(&out).ids().len() >= ids.len()
        })
        .await;
        stop_listener.cancel();
        let stats = listener.await.unwrap();
        let heard = Heard::read(&out);
        assert_eq!(heard.ids(), ids, "lost alerts");
        assert!(heard.duplicates().is_empty());
        let log = std::fs::read_to_string(dir.path().join("edge.log")).unwrap_or_default();
        assert!(log.contains("broker connection lost"), "the flaps should have cut the link");
        eprintln!("flap: listener {stats:?}");
    }
}

mod embedded {
    use super::*;

    /// `seawarden broker`'s rumqttd carries an outbox alert from a node to a listener.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_embedded_broker_carries_alerts() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = bus::broker::BrokerConfig { listen: ([127, 0, 0, 1], free_port()).into(), ..Default::default() };
        let _thread = bus::broker::start(&cfg).unwrap();
        let url = format!("mqtt://{}", cfg.listen);
        wait_until_async("rumqttd to listen", Duration::from_secs(20), || TcpStream::connect(cfg.listen).is_ok()).await;
        let out = dir.path().join("heard.jsonl");
        let (stop_listener, listener) = start_listener(listener_opts(&url, "console-embedded"), &out).await;
        let opts = BusOptions {
            url: url.parse().unwrap(),
            client_id: "edge-embedded".into(),
            outbox: Some(dir.path().join("o.sqlite")),
            ..BusOptions::default()
        };
        let (h, l) = bus::bus(opts, 4).unwrap();
        let stop = CancellationToken::new();
        let t = tokio::spawn(l.run(stop.clone()));
        let a = test_alert("hac-sa", 7, 0.0);
        assert!(h.commit_alert(&topic::alerts("hac-sa"), &a).unwrap());
        wait_until_async("the alert at the listener", Duration::from_secs(30), || {
            Heard::read(&out).ids().contains(a.id.as_str())
        })
        .await;
        wait_until_async("the outbox to drain", Duration::from_secs(30), || h.outbox_depth() == 0).await;
        stop.cancel();
        let c = t.await.unwrap().unwrap();
        assert_eq!((c.alerts_committed, c.alerts_acked), (1, 1));
        stop_listener.cancel();
        listener.await.unwrap();
    }
}
