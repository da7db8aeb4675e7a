//! Source URLs: `file:///path?speed=10`, `udp://0.0.0.0:10110`, `tcp://host:port`,
//! `serial:///dev/ttyUSB0?baud=38400`.

use super::error::{SourceError, UrlProblem};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

/// Default serial speed: 4800 baud is the IEC 61162-1 rate for ordinary talkers (AIS and
/// radar "high-speed" ports use 38400, given explicitly as `?baud=38400`).
pub const DEFAULT_BAUD: u32 = 4800;

/// Where a source reads its lines from, parsed from a node config URL.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceUrl {
    /// Replay a recorded file.
    File {
        /// The file.
        path: PathBuf,
        /// Replay factor: 1 = recorded timing, 10 = ten times faster, 0 = as fast as possible.
        /// Default 1.
        speed: f64,
    },
    /// Receive datagrams on a local address (broadcast-style NMEA feeds).
    Udp {
        /// Local address to bind, e.g. `0.0.0.0:10110`. Port 0 picks a free port, reported in
        /// [`SourceStatus::local_addr`](super::SourceStatus::local_addr) (tests use this).
        bind: SocketAddr,
    },
    /// Connect as a TCP client (AIS-catcher, aisdispatcher, radar servers).
    Tcp {
        /// Host name or IP literal (IPv6 without brackets).
        host: String,
        /// Port.
        port: u16,
    },
    /// Read a serial port.
    Serial {
        /// Device path (`/dev/ttyUSB0`) or port name (`COM3`).
        path: String,
        /// Line speed, default [`DEFAULT_BAUD`].
        baud: u32,
    },
}

impl FromStr for SourceUrl {
    type Err = SourceError;

    /// Parse a source URL.
    ///
    /// # Errors
    /// [`SourceError::Url`] naming the URL and exactly what is wrong with it.
    fn from_str(url: &str) -> Result<Self, SourceError> {
        parse(url).map_err(|problem| SourceError::Url { url: url.to_owned(), problem })
    }
}

impl std::fmt::Display for SourceUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceUrl::File { path, speed } => write!(f, "file://{}?speed={speed}", path.display()),
            SourceUrl::Udp { bind } => write!(f, "udp://{bind}"),
            SourceUrl::Tcp { host, port } if host.contains(':') => write!(f, "tcp://[{host}]:{port}"),
            SourceUrl::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            SourceUrl::Serial { path, baud } => write!(f, "serial://{path}?baud={baud}"),
        }
    }
}

fn parse(url: &str) -> Result<SourceUrl, UrlProblem> {
    let (scheme, rest) = url.split_once("://").ok_or(UrlProblem::MissingScheme)?;
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    match scheme.to_ascii_lowercase().as_str() {
        "file" => {
            let mut speed = None;
            for (key, value) in params(query)? {
                match key {
                    "speed" => set(
                        &mut speed,
                        "speed",
                        value,
                        |v| v.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0),
                        "a number >= 0",
                    )?,
                    _ => return Err(unknown("file", key, "speed")),
                }
            }
            if rest.is_empty() {
                return Err(UrlProblem::MissingPath);
            }
            // `file:///p` leaves "/p"; `file://localhost/p` is the other form RFC 8089 allows.
            let path = rest.strip_prefix("localhost").unwrap_or(rest);
            if !path.starts_with('/') {
                return Err(UrlProblem::RelativeFilePath);
            }
            Ok(SourceUrl::File { path: PathBuf::from(percent_decode(path)?), speed: speed.unwrap_or(1.0) })
        }
        "udp" => {
            if let Some((key, _)) = params(query)?.next() {
                return Err(unknown("udp", key, "none"));
            }
            let (host, port) = host_port(rest, true)?;
            let ip = host.parse().map_err(|_| UrlProblem::BadBindAddress(host.to_owned()))?;
            Ok(SourceUrl::Udp { bind: SocketAddr::new(ip, port) })
        }
        "tcp" => {
            if let Some((key, _)) = params(query)?.next() {
                return Err(unknown("tcp", key, "none"));
            }
            let (host, port) = host_port(rest, false)?;
            Ok(SourceUrl::Tcp { host: host.to_owned(), port })
        }
        "serial" => {
            let mut baud = None;
            for (key, value) in params(query)? {
                match key {
                    "baud" => set(
                        &mut baud,
                        "baud",
                        value,
                        |v| v.parse::<u32>().ok().filter(|b| *b > 0),
                        "a positive integer",
                    )?,
                    _ => return Err(unknown("serial", key, "baud")),
                }
            }
            if rest.is_empty() {
                return Err(UrlProblem::MissingPath);
            }
            Ok(SourceUrl::Serial { path: percent_decode(rest)?, baud: baud.unwrap_or(DEFAULT_BAUD) })
        }
        _ => Err(UrlProblem::UnknownScheme(scheme.to_owned())),
    }
}

fn unknown(scheme: &'static str, key: &str, accepted: &'static str) -> UrlProblem {
    UrlProblem::UnknownParameter { scheme, key: key.to_owned(), accepted }
}

/// `key=value` pairs of a query string, in order; empty parts (`a=1&&b=2`) are skipped.
fn params(query: Option<&str>) -> Result<impl Iterator<Item = (&str, &str)>, UrlProblem> {
    let parts: Vec<&str> = query.unwrap_or("").split('&').filter(|p| !p.is_empty()).collect();
    if let Some(bad) = parts.iter().find(|p| !p.contains('=')) {
        return Err(UrlProblem::MissingValue((*bad).to_owned()));
    }
    Ok(parts.into_iter().filter_map(|p| p.split_once('=')))
}

fn set<T>(
    slot: &mut Option<T>,
    key: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
    expected: &'static str,
) -> Result<(), UrlProblem> {
    if slot.is_some() {
        return Err(UrlProblem::DuplicateParameter(key));
    }
    *slot = Some(parse(value).ok_or_else(|| UrlProblem::BadValue { key, value: value.to_owned(), expected })?);
    Ok(())
}

/// Split `host:port` or `[v6]:port`; a trailing `/` is tolerated. Port 0 only if `allow_zero`.
fn host_port(authority: &str, allow_zero: bool) -> Result<(&str, u16), UrlProblem> {
    let authority = authority.strip_suffix('/').unwrap_or(authority);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or(UrlProblem::MissingPort)?;
        (host, after.strip_prefix(':').ok_or(UrlProblem::MissingPort)?)
    } else {
        authority.rsplit_once(':').ok_or(UrlProblem::MissingPort)?
    };
    if host.is_empty() {
        return Err(UrlProblem::MissingHost);
    }
    let port = port
        .parse::<u16>()
        .ok()
        .filter(|p| allow_zero || *p != 0)
        .ok_or_else(|| UrlProblem::BadPort(port.to_owned()))?;
    Ok((host, port))
}

fn percent_decode(s: &str) -> Result<String, UrlProblem> {
    if !s.contains('%') {
        return Ok(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(UrlProblem::BadEscape)?;
            let hex = std::str::from_utf8(hex).map_err(|_| UrlProblem::BadEscape)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| UrlProblem::BadEscape)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| UrlProblem::BadEscape)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(url: &str) -> UrlProblem {
        match url.parse::<SourceUrl>() {
            Err(SourceError::Url { url: u, problem }) => {
                assert_eq!(u, url);
                problem
            }
            other => panic!("{url}: expected a URL error, got {other:?}"),
        }
    }

    mod file {
        use super::*;

        #[test]
        fn path_and_speed() {
            let u: SourceUrl = "file:///data/night.nmea?speed=10".parse().unwrap();
            assert_eq!(u, SourceUrl::File { path: "/data/night.nmea".into(), speed: 10.0 });
        }

        #[test]
        fn speed_defaults_to_real_time_and_zero_means_as_fast_as_possible() {
            let u: SourceUrl = "file:///a".parse().unwrap();
            assert_eq!(u, SourceUrl::File { path: "/a".into(), speed: 1.0 });
            let u: SourceUrl = "FILE://localhost/a%20b?speed=0".parse().unwrap();
            assert_eq!(u, SourceUrl::File { path: "/a b".into(), speed: 0.0 });
        }

        #[test]
        fn negative_speed_typo_and_relative_path_are_named() {
            assert!(matches!(problem("file:///a?speed=-1"), UrlProblem::BadValue { key: "speed", .. }));
            assert!(matches!(problem("file:///a?sped=2"), UrlProblem::UnknownParameter { .. }));
            assert_eq!(problem("file:///a?speed=1&speed=2"), UrlProblem::DuplicateParameter("speed"));
            assert_eq!(problem("file://data/a.nmea"), UrlProblem::RelativeFilePath);
            assert_eq!(problem("file://"), UrlProblem::MissingPath);
            assert_eq!(problem("file:///a%2"), UrlProblem::BadEscape);
        }
    }

    mod udp {
        use super::*;

        #[test]
        fn bind_address() {
            let u: SourceUrl = "udp://0.0.0.0:10110".parse().unwrap();
            assert_eq!(u, SourceUrl::Udp { bind: "0.0.0.0:10110".parse().unwrap() });
            let u: SourceUrl = "udp://[::]:10110".parse().unwrap();
            assert_eq!(u, SourceUrl::Udp { bind: "[::]:10110".parse().unwrap() });
            let u: SourceUrl = "udp://127.0.0.1:0".parse().unwrap();
            assert_eq!(u, SourceUrl::Udp { bind: "127.0.0.1:0".parse().unwrap() });
        }

        #[test]
        fn host_names_and_missing_ports_are_rejected() {
            assert!(matches!(problem("udp://example.org:10110"), UrlProblem::BadBindAddress(_)));
            assert_eq!(problem("udp://0.0.0.0"), UrlProblem::MissingPort);
            assert_eq!(problem("tcp://localhost:0"), UrlProblem::BadPort("0".into()));
            assert_eq!(problem("udp://0.0.0.0:70000"), UrlProblem::BadPort("70000".into()));
        }
    }

    mod tcp {
        use super::*;

        #[test]
        fn host_and_port() {
            let u: SourceUrl = "tcp://ais.local:5631".parse().unwrap();
            assert_eq!(u, SourceUrl::Tcp { host: "ais.local".into(), port: 5631 });
            assert_eq!(u.to_string(), "tcp://ais.local:5631");
            let u: SourceUrl = "tcp://[::1]:5631/".parse().unwrap();
            assert_eq!(u.to_string(), "tcp://[::1]:5631");
        }

        #[test]
        fn empty_host_and_parameters_are_rejected() {
            assert_eq!(problem("tcp://:5631"), UrlProblem::MissingHost);
            assert!(matches!(problem("tcp://h:1?x=1"), UrlProblem::UnknownParameter { scheme: "tcp", .. }));
        }
    }

    mod serial {
        use super::*;

        #[test]
        fn device_and_baud() {
            let u: SourceUrl = "serial:///dev/ttyUSB0?baud=38400".parse().unwrap();
            assert_eq!(u, SourceUrl::Serial { path: "/dev/ttyUSB0".into(), baud: 38_400 });
        }

        #[test]
        fn baud_defaults_to_4800_and_windows_names_work() {
            let u: SourceUrl = "serial://COM3".parse().unwrap();
            assert_eq!(u, SourceUrl::Serial { path: "COM3".into(), baud: DEFAULT_BAUD });
        }

        #[test]
        fn bad_baud_and_missing_value_are_named() {
            assert!(matches!(problem("serial:///dev/ttyS0?baud=fast"), UrlProblem::BadValue { key: "baud", .. }));
            assert_eq!(problem("serial:///dev/ttyS0?baud"), UrlProblem::MissingValue("baud".into()));
            assert_eq!(problem("serial://"), UrlProblem::MissingPath);
        }
    }

    #[test]
    fn unknown_and_missing_schemes_are_distinct() {
        assert_eq!(problem("rtsp://cam/1"), UrlProblem::UnknownScheme("rtsp".into()));
        assert_eq!(problem("/dev/ttyUSB0"), UrlProblem::MissingScheme);
    }

    #[test]
    fn error_message_names_url_and_reason() {
        let e = "udp://0.0.0.0".parse::<SourceUrl>().unwrap_err();
        assert_eq!(e.to_string(), "bad source URL \"udp://0.0.0.0\": missing :port");
    }
}
