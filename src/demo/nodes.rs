//! The demo's edge nodes: one child process per site (`seawarden edge --config node.toml`, the
//! same binary), their CPU and memory from `/proc` every second and from `wait4` at exit, and a
//! guard that kills every child still running when the demo ends, however it ends.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde::Serialize;

/// CPU and memory of one process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Usage {
    /// User + system CPU, seconds.
    pub cpu_s: f64,
    /// Largest resident set seen, MiB.
    pub max_rss_mib: f64,
    /// Samples taken (0: never measured).
    pub samples: u64,
}

/// One running (or finished) node.
#[derive(Debug)]
pub struct NodeProc {
    /// Site id.
    pub site: String,
    /// Its config file.
    pub config: PathBuf,
    child: Child,
    /// Exit status once reaped (`None`: running).
    pub exit: Option<i32>,
    /// Latest usage.
    pub usage: Usage,
}

impl NodeProc {
    /// Process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Every node; dropping it kills and reaps those still running.
#[derive(Debug, Default)]
pub struct Nodes {
    /// The nodes, in site order.
    pub procs: Vec<NodeProc>,
}

/// Start one node: `bin edge --config config`, its log in `log`. On Linux the child gets
/// SIGKILL if the demo dies without cleaning up (`PR_SET_PDEATHSIG`).
///
/// # Errors
/// The spawn error.
pub fn spawn(bin: &Path, site: &str, config: &Path, log: &Path) -> std::io::Result<NodeProc> {
    let log = std::fs::File::create(log)?;
    let mut cmd = Command::new(bin);
    cmd.arg("edge").arg("--config").arg(config).stdin(Stdio::null()).stdout(Stdio::null()).stderr(log);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt as _;
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    let child = cmd.spawn()?;
    Ok(NodeProc { site: site.to_owned(), config: config.to_path_buf(), child, exit: None, usage: Usage::default() })
}

fn ticks_per_s() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: sysconf has no preconditions.
        let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if t > 0 {
            return t as f64;
        }
    }
    100.0
}

/// CPU seconds (utime + stime) and peak RSS (VmHWM) of a live process from `/proc`.
pub fn proc_usage(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let (ut, st): (f64, f64) = (f.get(11)?.parse().ok()?, f.get(12)?.parse().ok()?);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hwm_kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())?;
    Some(((ut + st) / ticks_per_s(), hwm_kib / 1024.0))
}

/// This process's own CPU seconds and peak RSS.
pub fn self_usage() -> Usage {
    rusage(Who::This)
}

/// CPU seconds of this process's children that have been waited for (and the largest peak RSS
/// among them): a benchmark reads it before and after running a command to the end.
pub fn children_usage() -> Usage {
    rusage(Who::Children)
}

/// Whose resources [`rusage`] reads.
#[derive(Debug, Clone, Copy)]
enum Who {
    This,
    Children,
}

fn rusage(who: Who) -> Usage {
    #[cfg(unix)]
    {
        let who = match who {
            Who::This => libc::RUSAGE_SELF,
            Who::Children => libc::RUSAGE_CHILDREN,
        };
        // SAFETY: getrusage writes into the zeroed struct we own.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut ru) } == 0 {
            let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            return Usage {
                cpu_s: tv(ru.ru_utime) + tv(ru.ru_stime),
                max_rss_mib: ru.ru_maxrss as f64 / 1024.0,
                samples: 1,
            };
        }
    }
    #[cfg(not(unix))]
    let _ = who;
    Usage::default()
}

impl Nodes {
    /// Sample every running node from `/proc` and reap those that exited (their final CPU and
    /// peak RSS come from `wait4`'s rusage, exact to the end).
    pub fn sample(&mut self) {
        for p in self.procs.iter_mut().filter(|p| p.exit.is_none()) {
            let pid = p.child.id();
            if let Some((cpu, rss)) = proc_usage(pid) {
                p.usage.cpu_s = cpu;
                p.usage.max_rss_mib = p.usage.max_rss_mib.max(rss);
                p.usage.samples += 1;
            }
            #[cfg(unix)]
            {
                let mut status = 0;
                // SAFETY: wait4 on our own child with WNOHANG; rusage is ours.
                let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
                let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, libc::WNOHANG, &mut ru) };
                if r == pid as libc::pid_t {
                    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
                    p.usage.cpu_s = tv(ru.ru_utime) + tv(ru.ru_stime);
                    p.usage.max_rss_mib = p.usage.max_rss_mib.max(ru.ru_maxrss as f64 / 1024.0);
                    p.usage.samples += 1;
                    p.exit =
                        Some(if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -libc::WTERMSIG(status) });
                }
            }
            #[cfg(not(unix))]
            if let Ok(Some(s)) = p.child.try_wait() {
                p.exit = Some(s.code().unwrap_or(-1));
            }
        }
    }

    /// Whether every node has exited.
    pub fn all_exited(&self) -> bool {
        self.procs.iter().all(|p| p.exit.is_some())
    }

    /// Ask the running nodes to stop (SIGTERM: they flush their outbox and send a last status).
    pub fn terminate(&self) {
        for p in self.procs.iter().filter(|p| p.exit.is_none()) {
            #[cfg(unix)]
            // SAFETY: kill on our own unreaped child's pid.
            unsafe {
                libc::kill(p.child.id() as libc::pid_t, libc::SIGTERM);
            }
        }
    }
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for p in self.procs.iter_mut().filter(|p| p.exit.is_none()) {
            let _ = p.child.kill();
            let _ = p.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_usage_reads_from_proc() {
        let (cpu, rss) = proc_usage(std::process::id()).expect("/proc readable");
        assert!(cpu >= 0.0 && rss > 0.0);
        let s = self_usage();
        assert!(s.max_rss_mib > 0.0);
    }

    #[test]
    fn dropping_the_guard_kills_running_children() {
        let child = Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        let nodes = Nodes {
            procs: vec![NodeProc {
                site: "x".into(),
                config: PathBuf::new(),
                child,
                exit: None,
                usage: Usage::default(),
            }],
        };
        drop(nodes);
        assert!(proc_usage(pid).is_none(), "child {pid} still alive");
    }
}
