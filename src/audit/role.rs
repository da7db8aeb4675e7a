//! Who may do what: the role table, in code, in one place.
//!
//! The console asks [`Role::may`] before it offers a button and
//! [`AuditLog::append`](crate::audit::AuditLog::append) asks again before it records, so a UI bug cannot let an
//! operator close an alert as intercepted: the log refuses, and records the refusal.

use serde::{Deserialize, Serialize};

/// A console user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Works the alert queue: acknowledge, assign, escalate, dismiss, close as false alarm or SAR.
    Operator,
    /// Everything an operator does, plus closing as intercepted, exporting evidence, managing users.
    Supervisor,
    /// Read-only: views and verifies the audit log, watches replays; changes nothing.
    Auditor,
}

impl Role {
    /// The stored name (`operator`, `supervisor`, `auditor`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Auditor => "auditor",
        }
    }

    /// Whether this role may perform `action`: the whole access policy.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match action {
            // Anyone who can log in can log out, look at the log, check it and replay.
            Login | Logout | ViewAudit | VerifyAudit | Replay => true,
            // Alert workflow and tasking: the watch floor, not the auditors.
            Acknowledge | Assign | Escalate | Dismiss | TaskPatrol | TaskDrone | SendCommand => {
                matches!(self, Role::Operator | Role::Supervisor)
            }
            Close(Outcome::FalseAlarm | Outcome::SarAssisted) => matches!(self, Role::Operator | Role::Supervisor),
            // An interception is a legal matter: a supervisor signs it off.
            Close(Outcome::Intercepted) | ExportEvidence | ManageUsers => self == Role::Supervisor,
            // Written by the system itself, never on a user's request.
            LoginFailed | Denied | AlertState => false,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "operator" => Ok(Role::Operator),
            "supervisor" => Ok(Role::Supervisor),
            "auditor" => Ok(Role::Auditor),
            _ => Err(format!("unknown role {s:?} (operator, supervisor, auditor)")),
        }
    }
}

/// How an alert was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The vessel was stopped: evidence for a prosecution, supervisors only.
    Intercepted,
    /// Nothing there, or nothing wrong.
    FalseAlarm,
    /// It turned out to be (or became) a search-and-rescue case and was helped.
    SarAssisted,
}

/// Everything that goes into the audit log; each has a stable string in the `action` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Successful login (written by [`crate::audit::AuditLog::login`]).
    Login,
    /// Failed login attempt (system-written).
    LoginFailed,
    /// End of a session.
    Logout,
    /// Alert acknowledged.
    Acknowledge,
    /// Alert assigned to a patrol unit or drone team.
    Assign,
    /// Alert escalated.
    Escalate,
    /// Alert dismissed with a reason (feeds suppression).
    Dismiss,
    /// Alert closed with an outcome.
    Close(Outcome),
    /// Patrol boat tasked.
    TaskPatrol,
    /// Drone mission sent.
    TaskDrone,
    /// Command to a node (slew-to-cue, sensor config).
    SendCommand,
    /// Evidence bundle exported.
    ExportEvidence,
    /// User added, disabled, or role changed.
    ManageUsers,
    /// Audit log viewed.
    ViewAudit,
    /// Audit chain verified.
    VerifyAudit,
    /// Replay started.
    Replay,
    /// A refused attempt (system-written; `detail.attempted` names the action).
    Denied,
    /// An alert's state changed (system-written: raised, updated, acknowledged, closed, …).
    AlertState,
}

impl Action {
    /// The stored name, e.g. `close:intercepted`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::Acknowledge => "acknowledge",
            Action::Assign => "assign",
            Action::Escalate => "escalate",
            Action::Dismiss => "dismiss",
            Action::Close(Outcome::Intercepted) => "close:intercepted",
            Action::Close(Outcome::FalseAlarm) => "close:false_alarm",
            Action::Close(Outcome::SarAssisted) => "close:sar_assisted",
            Action::TaskPatrol => "task_patrol",
            Action::TaskDrone => "task_drone",
            Action::SendCommand => "send_command",
            Action::ExportEvidence => "export_evidence",
            Action::ManageUsers => "manage_users",
            Action::ViewAudit => "view_audit",
            Action::VerifyAudit => "verify_audit",
            Action::Replay => "replay",
            Action::Denied => "denied",
            Action::AlertState => "alert_state",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_supervisors_close_as_intercepted_or_export() {
        for action in [Action::Close(Outcome::Intercepted), Action::ExportEvidence, Action::ManageUsers] {
            assert!(Role::Supervisor.may(action), "{action}");
            assert!(!Role::Operator.may(action), "{action}");
            assert!(!Role::Auditor.may(action), "{action}");
        }
    }

    #[test]
    fn auditors_change_nothing() {
        for action in [Action::Acknowledge, Action::Dismiss, Action::Close(Outcome::FalseAlarm), Action::TaskPatrol] {
            assert!(!Role::Auditor.may(action), "{action}");
            assert!(Role::Operator.may(action), "{action}");
        }
        assert!(Role::Auditor.may(Action::VerifyAudit));
    }

    #[test]
    fn system_actions_are_nobody_s() {
        for role in [Role::Operator, Role::Supervisor, Role::Auditor] {
            assert!(!role.may(Action::AlertState));
            assert!(!role.may(Action::Denied));
        }
    }
}
