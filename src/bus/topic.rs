//! Every MQTT topic of DESIGN.md's contract, built in one place so no call site `format!`s one.
//!
//! Site, unit and team ids are checked by [`valid_segment`] before they become part of a topic,
//! so an id can never smuggle a `/`, `+` or `#` into a filter or another node's subtree.

/// The contract's topic root; the version is part of it so v2 can run beside v1.
pub const ROOT: &str = "seawarden/v1";

/// True when `s` can be one topic level: non-empty, at most 64 bytes, `[a-z0-9_-]` only.
pub fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// `seawarden/v1/node/{site}/`: the subtree a node may publish under (ACL boundary).
pub fn node_root(site: &str) -> String {
    format!("{ROOT}/node/{site}/")
}

/// `seawarden/v1/node/{site}/status`: retained health, QoS 1, LWT `offline`.
pub fn status(site: &str) -> String {
    format!("{ROOT}/node/{site}/status")
}

/// `seawarden/v1/node/{site}/tracks`: track batches, QoS 0.
pub fn tracks(site: &str) -> String {
    format!("{ROOT}/node/{site}/tracks")
}

/// `seawarden/v1/node/{site}/alerts`: one alert per message, QoS 1, from the outbox.
pub fn alerts(site: &str) -> String {
    format!("{ROOT}/node/{site}/alerts")
}

/// `seawarden/v1/node/{site}/cmd`: console → node commands, QoS 1.
pub fn cmd(site: &str) -> String {
    format!("{ROOT}/node/{site}/cmd")
}

/// `seawarden/v1/task/patrol/{unit}`: patrol tasking, QoS 1.
pub fn patrol_task(unit: &str) -> String {
    format!("{ROOT}/task/patrol/{unit}")
}

/// `seawarden/v1/task/patrol/{unit}/ack`: the patrol's answer, QoS 1.
pub fn patrol_ack(unit: &str) -> String {
    format!("{ROOT}/task/patrol/{unit}/ack")
}

/// `seawarden/v1/task/drone/{team}`: drone missions, QoS 1.
pub fn drone_task(team: &str) -> String {
    format!("{ROOT}/task/drone/{team}")
}

/// `seawarden/v1/unit/{unit}/position`: retained unit positions, QoS 0.
pub fn unit_position(unit: &str) -> String {
    format!("{ROOT}/unit/{unit}/position")
}

/// `seawarden/v1/#`: everything (the console, `seawarden listen`'s default).
pub fn all() -> String {
    format!("{ROOT}/#")
}

/// `seawarden/v1/node/+/alerts`: every node's alerts.
pub fn all_alerts() -> String {
    format!("{ROOT}/node/+/alerts")
}

/// What a topic carries, recovered from its levels; `None` for a topic outside the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicKind {
    /// `node/{site}/status`.
    Status {
        /// Site id.
        site: String,
    },
    /// `node/{site}/tracks`.
    Tracks {
        /// Site id.
        site: String,
    },
    /// `node/{site}/alerts`.
    Alerts {
        /// Site id.
        site: String,
    },
    /// `node/{site}/cmd`.
    Cmd {
        /// Site id.
        site: String,
    },
    /// `task/patrol/{unit}`.
    PatrolTask {
        /// Unit id.
        unit: String,
    },
    /// `task/patrol/{unit}/ack`.
    PatrolAck {
        /// Unit id.
        unit: String,
    },
    /// `task/drone/{team}`.
    DroneTask {
        /// Team id.
        team: String,
    },
    /// `unit/{unit}/position`.
    UnitPosition {
        /// Unit id.
        unit: String,
    },
}

/// Classify a received topic, so a payload is validated against the schema its topic promises.
pub fn parse(topic: &str) -> Option<TopicKind> {
    let rest = topic.strip_prefix(ROOT)?.strip_prefix('/')?;
    let parts: Vec<&str> = rest.split('/').collect();
    let id = |s: &str| valid_segment(s).then(|| s.to_string());
    Some(match parts.as_slice() {
        ["node", site, "status"] => TopicKind::Status { site: id(site)? },
        ["node", site, "tracks"] => TopicKind::Tracks { site: id(site)? },
        ["node", site, "alerts"] => TopicKind::Alerts { site: id(site)? },
        ["node", site, "cmd"] => TopicKind::Cmd { site: id(site)? },
        ["task", "patrol", unit] => TopicKind::PatrolTask { unit: id(unit)? },
        ["task", "patrol", unit, "ack"] => TopicKind::PatrolAck { unit: id(unit)? },
        ["task", "drone", team] => TopicKind::DroneTask { team: id(team)? },
        ["unit", unit, "position"] => TopicKind::UnitPosition { unit: id(unit)? },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_and_parser_agree() {
        assert_eq!(parse(&status("hac-sa")), Some(TopicKind::Status { site: "hac-sa".into() }));
        assert_eq!(parse(&tracks("a")), Some(TopicKind::Tracks { site: "a".into() }));
        assert_eq!(parse(&alerts("a")), Some(TopicKind::Alerts { site: "a".into() }));
        assert_eq!(parse(&cmd("a")), Some(TopicKind::Cmd { site: "a".into() }));
        assert_eq!(parse(&patrol_task("p1")), Some(TopicKind::PatrolTask { unit: "p1".into() }));
        assert_eq!(parse(&patrol_ack("p1")), Some(TopicKind::PatrolAck { unit: "p1".into() }));
        assert_eq!(parse(&drone_task("d")), Some(TopicKind::DroneTask { team: "d".into() }));
        assert_eq!(parse(&unit_position("p1")), Some(TopicKind::UnitPosition { unit: "p1".into() }));
    }

    #[test]
    fn foreign_and_malformed_topics_are_none() {
        assert_eq!(parse("other/v1/node/a/status"), None);
        assert_eq!(parse("seawarden/v1/node/A B/status"), None);
        assert_eq!(parse("seawarden/v1/node/a/b/status"), None);
    }

    #[test]
    fn segments_reject_wildcards_and_separators() {
        assert!(valid_segment("hac-sa"));
        for bad in ["", "a/b", "+", "#", "Hac", &"x".repeat(65)] {
            assert!(!valid_segment(bad), "{bad}");
        }
    }
}
