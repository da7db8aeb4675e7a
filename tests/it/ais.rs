//! AIS decoder end to end: gpsd's sample corpus decodes to gpsd's expected JSON values.
use seawarden::ingest::ais::{Decoder, write_gpsd_json};

fn norm(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.into_iter()
                .filter(|(k, _)| !matches!(k.as_str(), "class" | "device" | "scaled") && !k.ends_with("_text"))
                .collect(),
        ),
        other => other,
    }
}

#[test]
fn gpsd_sample_corpus_matches_gpsds_checked_in_output() {
    let root = env!("CARGO_MANIFEST_DIR");
    let input = std::fs::read(format!("{root}/assets/samples/ais/gpsd-sample.aivdm")).unwrap();
    let mut d = Decoder::new();
    let mut ours = Vec::new();
    let mut json = Vec::new();
    for line in input.split_inclusive(|b| *b == b'\n') {
        if let Some(m) = d.push_line(line) {
            json.clear();
            write_gpsd_json(m, &mut json);
            ours.push(norm(serde_json::from_slice(&json).unwrap()));
        }
    }
    assert_eq!(ours.len(), 102, "{}", d.stats());
    // Spot-check values gpsd prints for the first type 1 and the type-5 pair.
    assert_eq!(ours[0]["lon"], serde_json::json!(-123.395383));
    assert_eq!(ours[0]["turn"], serde_json::json!("fastleft"));
    assert!(ours.iter().any(|o| o["shipname"] == "EVER DIADEM" && o["destination"] == "NEW YORK"));
}

/// `seawarden decode --json -` on `input`, one parsed object per output line.
fn decode_stdin(input: &[u8]) -> Vec<serde_json::Value> {
    use std::io::Write as _;
    let mut child = std::process::Command::new(crate::util::seawarden_bin())
        .args(["decode", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect()
}

const TYPE1_A: &str = "!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C";
const TYPE1_B: &str = "!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E";

/// gpsd 3.22's packet lexer completes an NMEA sentence only at `\n`, so a last line without one
/// is never decoded (checked: `printf '!AIVDM,…' | gpsdecode -s` prints nothing), even when it
/// ends in `\r`; lines separated by `\r` alone are not decoded at all.
mod unterminated_last_line {
    use super::*;

    #[test]
    fn a_lone_sentence_without_newline_decodes_to_nothing() {
        assert!(decode_stdin(TYPE1_A.as_bytes()).is_empty());
        assert!(decode_stdin(format!("{TYPE1_A}\r").as_bytes()).is_empty());
    }

    #[test]
    fn only_the_newline_terminated_lines_before_it_decode() {
        let got = decode_stdin(format!("{TYPE1_A}\r\n{TYPE1_B}").as_bytes());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["mmsi"], 366_053_209);
        assert_eq!(decode_stdin(format!("{TYPE1_A}\n{TYPE1_B}\n").as_bytes()).len(), 2);
    }

    #[test]
    fn carriage_return_only_line_endings_decode_nothing() {
        assert!(decode_stdin(format!("{TYPE1_A}\r{TYPE1_B}\r").as_bytes()).is_empty());
    }
}

/// The binary application payloads gpsd decodes, end to end through the JSON writer.
mod binary_payloads {
    use super::*;

    #[test]
    fn emma_warning_json_reads_as_gpsds_does_with_the_last_type_and_class() {
        let got = decode_stdin(b"!AIVDO,1,1,,A,8007R@0j5iaG3BiLuO473qp2N=003=LL0k6wh?2Wf80,2*4D\n");
        assert_eq!(got.len(), 1);
        let o = &got[0];
        assert_eq!((o["dac"].as_u64(), o["fid"].as_u64()), (Some(200), Some(23)));
        assert_eq!((o["type"].as_u64(), o["class"].as_u64()), (Some(3), Some(2)));
        assert_eq!((o["min"].as_i64(), o["max"].as_i64()), (Some(-123), Some(123)));
    }

    #[test]
    fn traffic_signal_json_parses_with_gpsds_values() {
        let got = decode_stdin(b"!AIVDO,1,1,,A,802R5Ph0DmA;95<P8?<D5>1E000000018s`6><78o=T00000000000000000,0*65\n");
        assert_eq!(got[0]["station"], "KIEL HOLTENAU");
        assert_eq!((got[0]["signal"].as_u64(), got[0]["nextsignal"].as_u64()), (Some(3), Some(4)));
    }
}
