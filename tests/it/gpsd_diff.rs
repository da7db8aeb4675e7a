//! Differential test: `seawarden decode --json` against gpsd's `gpsdecode -s` on every AIS sample.
//!
//! For each file under `assets/samples/ais` (recursively), both programs decode the file and their
//! JSON lines must be the same sequence of objects (DESIGN.md, `seawarden decode`), after dropping
//! what the contract leaves optional: gpsd's `class`/`device`/`scaled` envelope and every `*_text`
//! key. Numbers compare as JSON values (`12.3` equals `12.30`, `224` equals `224.0`). gpsd also
//! prints non-AIS reports (TPV, SKY, …) for the GPS sentences in mixed logs; only its `"AIS"`
//! objects are compared, since `seawarden decode` prints AIS objects only.
//!
//! gpsd is the oracle: `gpsdecode` comes from Debian's `gpsd-clients` (gpsd 3.22 when this test
//! was written). `-s` reports each type-24 half as its own message, as the contract asks.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Map, Value};

use crate::util;

/// File name extensions of the AIS logs in the sample tree.
const SAMPLE_EXTENSIONS: &[&str] = &["nmea", "aivdm", "ais", "txt", "log"];
/// Discrepancies listed per file before the report says "… and N more".
const MAX_REPORTED_PER_FILE: usize = 8;
/// Longest value shown in a report, in characters.
const MAX_SHOWN_CHARS: usize = 160;

#[test]
fn decode_json_matches_gpsdecode_on_every_ais_sample() {
    let root = util::samples_dir("ais");
    let files = util::files_with_extensions(&root, SAMPLE_EXTENSIONS);
    assert!(!files.is_empty(), "no AIS samples under {}", root.display());

    let mut failures = String::new();
    let (mut total_gpsd, mut total_same, mut bad_files) = (0, 0, 0);
    for path in &files {
        let rel = path.strip_prefix(util::repo_root()).unwrap_or(path).display().to_string();
        let gpsd = gpsdecode(path);
        let outcome = match seawarden_decode(path) {
            Ok(ours) => compare(&gpsd, &ours),
            Err(why) => Outcome { same: 0, ours: 0, report: vec![why] },
        };
        total_gpsd += gpsd.len();
        total_same += outcome.same;
        let mismatches = outcome.report.len();
        println!(
            "gpsd_diff: {rel}: {} messages compared (gpsd {}, seawarden {}), {} identical, {} discrepancies",
            gpsd.len().max(outcome.ours),
            gpsd.len(),
            outcome.ours,
            outcome.same,
            mismatches
        );
        if mismatches > 0 {
            bad_files += 1;
            let _ = writeln!(
                failures,
                "\n{rel}: {mismatches} discrepancies (gpsd {} messages, seawarden {})",
                gpsd.len(),
                outcome.ours
            );
            for line in outcome.report.iter().take(MAX_REPORTED_PER_FILE) {
                let _ = writeln!(failures, "{line}");
            }
            if mismatches > MAX_REPORTED_PER_FILE {
                let _ = writeln!(failures, "  … and {} more", mismatches - MAX_REPORTED_PER_FILE);
            }
        }
    }
    println!(
        "gpsd_diff: {} files, {total_gpsd} messages from gpsdecode, {total_same} identical, {bad_files} files differ",
        files.len()
    );
    assert!(total_gpsd > 0, "gpsdecode decoded nothing from {}: is the corpus intact?", root.display());
    assert!(
        bad_files == 0,
        "seawarden decode --json differs from gpsdecode -s in {bad_files} of {} files:{failures}",
        files.len()
    );
}

/// gpsd's AIS objects for `path`, normalised.
fn gpsdecode(path: &Path) -> Vec<Value> {
    let input = File::open(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
    let output = match Command::new("gpsdecode").arg("-s").stdin(Stdio::from(input)).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "gpsdecode not found: the differential test needs gpsd's decoder; install Debian's \
             gpsd-clients package (apt-get install gpsd-clients)"
        ),
        Err(e) => panic!("running gpsdecode on {}: {e}", path.display()),
    };
    assert!(
        output.status.success(),
        "gpsdecode -s < {} failed ({}): {}",
        path.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut out = Vec::new();
    for (n, line) in output.stdout.split(|b| *b == b'\n').enumerate() {
        if line.trim_ascii().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_slice(line)
            .or_else(|e| serde_json::from_slice(&insert_missing_commas(line)).map_err(|_| e))
            .unwrap_or_else(|e| {
                panic!(
                    "gpsdecode printed a line that is not JSON ({}, line {}): {e}: {}",
                    path.display(),
                    n + 1,
                    String::from_utf8_lossy(line)
                )
            });
        // gpsd always writes `class` first. Test the raw line, not the parsed value: a few AIS
        // reports repeat a key (type 8 DAC 200 FID 23 writes its own `type` and `class` fields
        // after the envelope's), and serde_json keeps the last value of a repeated key; both
        // sides are parsed alike, so such a message still compares field by field.
        if line.trim_ascii_start().starts_with(br#"{"class":"AIS""#) {
            out.push(normalize(v));
        }
    }
    out
}

/// Repairs a known gpsd 3.22 JSON bug: the type 8 DAC 1 FID 19 (signal station) report is
/// printed as `"nextsignal":4"nextsignal_text":…`, without the comma (`gpsd/gpsd_json.c`, the
/// `dac1fid19` format string). Outside strings, a `"` right after a digit gets a `,` before it.
/// Used only on a line that does not parse as it is.
fn insert_missing_commas(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + 4);
    let (mut in_string, mut escaped) = (false, false);
    for &b in line {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            if out.last().is_some_and(u8::is_ascii_digit) {
                out.push(b',');
            }
            in_string = true;
        }
        out.push(b);
    }
    out
}

/// Our objects for `path`, normalised; `Err` describes a crash, a failed exit or a non-JSON line.
fn seawarden_decode(path: &Path) -> Result<Vec<Value>, String> {
    let output = Command::new(util::seawarden_bin())
        .args(["decode", "--json"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("  cannot run {}: {e}", util::seawarden_bin().display()))?;
    if !output.status.success() {
        return Err(format!(
            "  seawarden decode --json exited with {}: {}",
            output.status,
            shorten(String::from_utf8_lossy(&output.stderr).trim())
        ));
    }
    let mut out = Vec::new();
    for (n, line) in output.stdout.split(|b| *b == b'\n').enumerate() {
        if line.trim_ascii().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_slice(line).map_err(|e| {
            format!("  stdout line {} is not JSON ({e}): {}", n + 1, shorten(&String::from_utf8_lossy(line)))
        })?;
        out.push(normalize(v));
    }
    Ok(out)
}

/// Drops what the contract leaves optional: the `class`/`device`/`scaled` envelope (top level) and
/// every `*_text` key (at any depth, since gpsd also writes them inside arrays of sub-records).
fn normalize(v: Value) -> Value {
    fn drop_text(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter().filter(|(k, _)| !k.ends_with("_text")).map(|(k, v)| (k, drop_text(v))).collect(),
            ),
            Value::Array(a) => Value::Array(a.into_iter().map(drop_text).collect()),
            other => other,
        }
    }
    match drop_text(v) {
        Value::Object(mut m) => {
            for k in ["class", "device", "scaled"] {
                m.remove(k);
            }
            Value::Object(m)
        }
        other => other,
    }
}

/// JSON equality with numbers compared by value: integers exactly, anything else as `f64`.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let int = |n: &serde_json::Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
            match (int(x), int(y)) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The result of comparing one file's two message sequences.
struct Outcome {
    /// Messages present and identical in both.
    same: usize,
    /// Messages seawarden printed.
    ours: usize,
    /// One line per discrepancy, ready to print.
    report: Vec<String>,
}

/// One step of the alignment of gpsd's sequence (`g`) with ours (`o`).
#[derive(Debug, PartialEq)]
enum Step {
    Same(usize, usize),
    Differ(usize, usize),
    OnlyGpsd(usize),
    OnlyOurs(usize),
}

/// Aligns the two sequences by their longest common subsequence, so that one dropped or extra
/// message shows up as one discrepancy, not as a shift of every message after it. Within a run of
/// unmatched messages, a gpsd message and one of ours with the same type, MMSI, type-24 part and
/// DAC/FID are paired as one "differs" entry.
fn align(g: &[Value], o: &[Value]) -> Vec<Step> {
    let (n, m) = (g.len(), o.len());
    // lcs[i][j]: length of the LCS of g[i..] and o[j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if json_eq(&g[i], &o[j]) {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut steps = Vec::new();
    let (mut gap_g, mut gap_o) = (Vec::new(), Vec::new());
    let flush = |gap_g: &mut Vec<usize>, gap_o: &mut Vec<usize>, steps: &mut Vec<Step>| {
        let key = |v: &Value| ["type", "mmsi", "part", "dac", "fid"].map(|k| v.get(k).cloned());
        let mut next_o = 0;
        let mut pending_o = gap_o.as_slice();
        for &gi in gap_g.iter() {
            if let Some(pos) = pending_o.iter().position(|&oj| key(&o[oj]) == key(&g[gi])) {
                for &oj in &pending_o[..pos] {
                    steps.push(Step::OnlyOurs(oj));
                }
                steps.push(Step::Differ(gi, pending_o[pos]));
                next_o += pos + 1;
                pending_o = &gap_o[next_o..];
            } else {
                steps.push(Step::OnlyGpsd(gi));
            }
        }
        for &oj in pending_o {
            steps.push(Step::OnlyOurs(oj));
        }
        gap_g.clear();
        gap_o.clear();
    };
    while i < n || j < m {
        if i < n && j < m && json_eq(&g[i], &o[j]) && lcs[at(i, j)] == lcs[at(i + 1, j + 1)] + 1 {
            flush(&mut gap_g, &mut gap_o, &mut steps);
            steps.push(Step::Same(i, j));
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
            gap_g.push(i);
            i += 1;
        } else {
            gap_o.push(j);
            j += 1;
        }
    }
    flush(&mut gap_g, &mut gap_o, &mut steps);
    steps
}

fn compare(g: &[Value], o: &[Value]) -> Outcome {
    let mut report = Vec::new();
    let mut same = 0;
    for step in align(g, o) {
        match step {
            Step::Same(..) => same += 1,
            Step::Differ(gi, oj) => {
                let mut line = format!("  message #{gi} (seawarden #{oj}) {}: differs", describe(&g[gi]));
                for (key, gv, ov) in differing_keys(&g[gi], &o[oj]) {
                    let _ = write!(line, "\n      {key}: gpsd {gv}, seawarden {ov}");
                }
                report.push(line);
            }
            Step::OnlyGpsd(gi) => report.push(format!(
                "  message #{gi} {}: only gpsd decoded it: {}",
                describe(&g[gi]),
                shorten(&g[gi].to_string())
            )),
            Step::OnlyOurs(oj) => report.push(format!(
                "  seawarden #{oj} {}: only seawarden decoded it: {}",
                describe(&o[oj]),
                shorten(&o[oj].to_string())
            )),
        }
    }
    Outcome { same, ours: o.len(), report }
}

/// `type 5 mmsi 351759000` (plus the type-24 part), to find a message in a log.
fn describe(v: &Value) -> String {
    let field = |k: &str| v.get(k).map_or_else(|| "?".to_owned(), Value::to_string);
    let mut s = format!("type {} mmsi {}", field("type"), field("mmsi"));
    if let Some(part) = v.get("part") {
        let _ = write!(s, " part {part}");
    }
    s
}

/// `(key, gpsd value, our value)` for every top-level key whose values differ; a missing key is
/// shown as `(absent)`.
fn differing_keys(g: &Value, o: &Value) -> Vec<(String, String, String)> {
    let empty = Map::new();
    let (gm, om) = (g.as_object().unwrap_or(&empty), o.as_object().unwrap_or(&empty));
    let keys: BTreeSet<&String> = gm.keys().chain(om.keys()).collect();
    let show = |v: Option<&Value>| v.map_or_else(|| "(absent)".to_owned(), |v| shorten(&v.to_string()));
    keys.into_iter()
        .filter(|k| match (gm.get(*k), om.get(*k)) {
            (Some(a), Some(b)) => !json_eq(a, b),
            _ => true,
        })
        .map(|k| (k.clone(), show(gm.get(k)), show(om.get(k))))
        .collect()
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= MAX_SHOWN_CHARS {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX_SHOWN_CHARS).collect();
        format!("{cut}…")
    }
}

mod json_eq {
    use super::json_eq;
    use serde_json::json;

    #[test]
    fn trailing_zeros_do_not_matter() {
        let (a, b): (serde_json::Value, serde_json::Value) =
            (serde_json::from_str("12.3").unwrap(), serde_json::from_str("12.30").unwrap());
        assert!(json_eq(&a, &b));
    }

    #[test]
    fn an_integer_equals_the_same_float() {
        assert!(json_eq(&json!({"course": 224}), &json!({"course": 224.0})));
    }

    #[test]
    fn different_numbers_differ() {
        assert!(!json_eq(&json!({"lat": 48.381633}), &json!({"lat": 48.381634})));
    }

    #[test]
    fn a_missing_key_differs() {
        assert!(!json_eq(&json!({"a": 1, "b": 2}), &json!({"a": 1})));
        assert!(!json_eq(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }

    #[test]
    fn nested_arrays_compare_by_value() {
        assert!(json_eq(&json!({"x": [{"v": 1.0}]}), &json!({"x": [{"v": 1}]})));
        assert!(!json_eq(&json!({"x": [1, 2]}), &json!({"x": [2, 1]})));
    }
}

mod insert_missing_commas {
    use super::insert_missing_commas;

    #[test]
    fn repairs_gpsds_dac1_fid19_line() {
        let bad = br#"{"minute":27,"nextsignal":4"nextsignal_text":"a 1"}"#;
        assert_eq!(insert_missing_commas(bad), br#"{"minute":27,"nextsignal":4,"nextsignal_text":"a 1"}"#);
    }

    #[test]
    fn leaves_digits_inside_strings_alone() {
        let s = br#"{"a":"x1","b":"2\"3","c":4}"#;
        assert_eq!(insert_missing_commas(s), s.to_vec());
    }
}

mod normalize {
    use super::normalize;
    use serde_json::json;

    #[test]
    fn drops_the_envelope_and_text_keys_at_any_depth() {
        let v = json!({"class": "AIS", "device": "stdin", "scaled": true, "type": 1, "status_text": "x",
            "list": [{"kind": 2, "kind_text": "y"}]});
        assert_eq!(normalize(v), json!({"type": 1, "list": [{"kind": 2}]}));
    }
}

mod align {
    use super::{Step, align};
    use serde_json::json;

    #[test]
    fn a_dropped_message_does_not_shift_the_rest() {
        let g = [json!({"type": 1, "mmsi": 1}), json!({"type": 1, "mmsi": 2}), json!({"type": 1, "mmsi": 3})];
        let o = [json!({"type": 1, "mmsi": 1}), json!({"type": 1, "mmsi": 3})];
        assert_eq!(align(&g, &o), vec![Step::Same(0, 0), Step::OnlyGpsd(1), Step::Same(2, 1)]);
    }

    #[test]
    fn a_changed_field_pairs_the_two_messages() {
        let g = [json!({"type": 5, "mmsi": 7, "imo": 1}), json!({"type": 1, "mmsi": 8})];
        let o = [json!({"type": 1, "mmsi": 9}), json!({"type": 5, "mmsi": 7, "imo": 2}), json!({"type": 1, "mmsi": 8})];
        assert_eq!(align(&g, &o), vec![Step::OnlyOurs(0), Step::Differ(0, 1), Step::Same(1, 2)]);
    }
}
