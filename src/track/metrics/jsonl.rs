//! Line-by-line JSONL reading shared by the truth, track and measurement readers.

use std::io::BufRead;

use serde::de::DeserializeOwned;

use super::MetricsError;

/// Call `f` with each non-blank line of `input` parsed as `T`, and its 1-based line number.
pub(super) fn for_each_line<T: DeserializeOwned>(
    input: impl BufRead,
    mut f: impl FnMut(usize, T) -> Result<(), MetricsError>,
) -> Result<(), MetricsError> {
    for (n, line) in input.lines().enumerate() {
        let line_no = n + 1;
        let line = line.map_err(|source| MetricsError::Io { line: line_no, source })?;
        if line.trim().is_empty() {
            continue;
        }
        let value: T = serde_json::from_str(&line).map_err(|source| MetricsError::Parse { line: line_no, source })?;
        f(line_no, value)?;
    }
    Ok(())
}

/// An identifier written either as a JSON string (`"17"`) or a number (`17`); both read as the
/// same text, so `"17"` and `17` name the same object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct AnyId(pub String);

impl<'de> serde::Deserialize<'de> for AnyId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(AnyId(s)),
            serde_json::Value::Number(n) => Ok(AnyId(n.to_string())),
            other => Err(serde::de::Error::custom(format!("expected a string or number id, got {other}"))),
        }
    }
}

/// Fail with [`MetricsError::NotFinite`] unless `v` is finite.
pub(super) fn finite(v: f64, line: usize, field: &'static str) -> Result<f64, MetricsError> {
    if v.is_finite() { Ok(v) } else { Err(MetricsError::NotFinite { line, field }) }
}
