#!/usr/bin/env python3
"""Regenerate ais/edge-cases.nmea: hand-made AIVDM lines that probe gpsd's acceptance rules.

Each case is preceded by a `#` comment (gpsd's lexer treats a line starting with `#` as a comment),
saying what the case is and what `gpsdecode -s` (gpsd 3.22) does with it. Checksums are computed
here, so a case is broken only where it says so. Run: python3 assets/samples/make-edge-cases.py
"""
import pathlib
import shutil
import subprocess

def cks(body: str) -> str:
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"{x:02X}"

def s(talker="AIVDM", total=1, num=1, seq="", chan="A", payload="", fill=0, cs=None, lead="!"):
    body = f"{talker},{total},{num},{seq},{chan},{payload},{fill}"
    return f"{lead}{body}*{cks(body) if cs is None else cs}"

# Real payloads (gpsd test/sample.aivdm, pyais and libais test data).
T1 = "15RTgt0PAso;90TKcjM8h6g208CQ"              # type 1, MMSI 371798000
T1B = "13u?etPv2;0n:dDPwUM1U1Cb069D"             # type 1, MMSI 265547250
T5A = ("55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8", "88888888880")  # type 5
T5B = ("53cegq82=vJDT9EN220Lu8Ltp62222222222221@5hM", "2=4rTN<S2ESlSSp8888888888880")  # type 5
T18 = "B6CdCm0t3`tba35f@V9faHi7kP06"            # type 18
T24A = "H42O55i18tMET00000000000000"              # type 24 part A
T24B = "H42O55lti4hhhilD3nink000?050"             # type 24 part B

cases = []
def case(comment, *lines):
    cases.append((comment, list(lines)))

case("baseline: a valid type 1 (decoded)", s(payload=T1))
case("bad checksum (dropped by the lexer)", s(payload=T1, cs="00"))
case("lower-case checksum hex (accepted: gpsd compares case-insensitively)",
     s(payload=T1)[:-2] + cks(f"AIVDM,1,1,,A,{T1},0").lower())
case("missing checksum, no '*' at all (accepted: a checksum is optional)", f"!AIVDM,1,1,,A,{T1},0")
case("'*' with no hex digits (dropped: checksum compared against the line end)", f"!AIVDM,1,1,,A,{T1},0*")
case("single hex digit checksum (dropped)", s(payload=T1)[:-1])
case("truncated payload: type 1 cut to 20 chars = 120 bits < 163 (dropped by the type-1 length check)",
     s(payload=T1[:20]))
case("type 1 payload with 2 extra chars (168 + 12 bits; accepted, extra bits ignored)", s(payload=T1 + "00"))
case("fill bits 6 on a 168-bit type 1 (162 bits < 163: dropped)", s(payload=T1, fill=6))
case("fill bits 5 on a 168-bit type 1 (163 bits: decoded; radio field short)", s(payload=T1B, fill=5))
case("fill bits field not a digit (treated as 0: decoded)", s(payload=T1, fill="x"))
case("fill bits field empty (treated as 0: decoded)", s(payload=T1B, fill=""))
case("orphan second fragment (dropped)", s(total=2, num=2, seq=3, chan="A", payload=T5A[1], fill=2))
case("out-of-order fragments 2 then 1, then nothing (both dropped: 2 is an orphan, 1 never completes; "
     "the following single-fragment type 1 on the same channel resets the assembly and is decoded)",
     s(total=2, num=2, seq=4, chan="B", payload=T5A[1], fill=2),
     s(total=2, num=1, seq=4, chan="B", payload=T5A[0]),
     s(payload=T1B, chan="B"))
case("missing last fragment: 1 of 3 and 2 of 3, then a new 1 of 2 + 2 of 2 (old one dropped, new one decoded)",
     s(total=3, num=1, seq=5, chan="A", payload=T5A[0]),
     s(total=3, num=2, seq=5, chan="A", payload=T5A[1]),
     s(total=2, num=1, seq=6, chan="A", payload=T5B[0]),
     s(total=2, num=2, seq=6, chan="A", payload=T5B[1], fill=2))
case("duplicate first fragment (the repeat restarts assembly; message decoded once)",
     s(total=2, num=1, seq=7, chan="A", payload=T5A[0]),
     s(total=2, num=1, seq=7, chan="A", payload=T5A[0]),
     s(total=2, num=2, seq=7, chan="A", payload=T5A[1], fill=2))
case("fragment number beyond the count: 3 of 2 (dropped)",
     s(total=2, num=3, seq=8, chan="A", payload=T5A[1], fill=2))
case("interleaved channels: A1 B1 A2 B2 (both decoded: gpsd assembles per channel A/B)",
     s(total=2, num=1, seq=1, chan="A", payload=T5A[0]),
     s(total=2, num=1, seq=2, chan="B", payload=T5B[0]),
     s(total=2, num=2, seq=1, chan="A", payload=T5A[1], fill=2),
     s(total=2, num=2, seq=2, chan="B", payload=T5B[1], fill=2))
case("a single-fragment message on the other channel in the middle of a multipart one (all decoded)",
     s(total=2, num=1, seq=3, chan="A", payload=T5B[0]),
     s(payload=T18, chan="B"),
     s(total=2, num=2, seq=3, chan="A", payload=T5B[1], fill=2))
case("channels '1' and '2' (mean A and B: decoded)", s(payload=T1, chan="1"), s(payload=T1B, chan="2"))
case("empty channel (taken as A: decoded)", s(payload=T18, chan=""))
case("channel C (secure AIS: dropped)", s(payload=T1, chan="C"))
case("channel '12' (bogus: dropped)", s(payload=T1, chan="12"))
case("channel 'X' (invalid: dropped)", s(payload=T1, chan="X"))
case("own-ship !AIVDO (decoded like VDM)", s(talker="AIVDO", payload=T1B, chan=""))
case("other AIS talkers (decoded)", s(talker="BSVDM", payload=T1), s(talker="ABVDM", payload=T1B))
case("unknown talker !XXVDM and $-led $AIVDM (not AIS to gpsd: dropped)",
     s(talker="XXVDM", payload=T1), s(talker="AIVDM", payload=T1B, lead="$"))
case("type 24 parts A and B (two messages with \"part\" under -s)", s(payload=T24A, fill=2), s(payload=T24B))
case("tag block with a valid checksum (ignored by gpsd; sentence decoded)",
     "\\s:2573135,c:1671620143*0B\\" + s(payload=T1))
case("tag block with a bad checksum (gpsd does not check tag blocks: sentence decoded)",
     "\\s:2573135,c:1671620143*00\\" + s(payload=T1B))
case("tag-block group over a 2-fragment message (decoded)",
     "\\g:1-2-73,s:r003669945,c:1325394060*1B\\" + s(total=2, num=1, seq=9, chan="B", payload=T5B[0]),
     "\\g:2-2-73*5A\\" + s(total=2, num=2, seq=9, chan="B", payload=T5B[1], fill=2))
case("trailing receiver metadata after the checksum, USCG style (gpsd checks no checksum then: decoded)",
     s(payload=T1) + ",b003669794,1272412827")
case("trailing metadata after a WRONG checksum (still decoded: gpsd only checks a trailing *hh)",
     s(payload=T1B, cs="00") + ",b003669794,1272412827")
case("garbage before the '!' on the same line (skipped by the lexer: decoded)",
     "garbage 12345 " + s(payload=T1))
case("leading spaces (decoded)", "   " + s(payload=T1B))
case("trailing spaces after the checksum (decoded)", s(payload=T1) + "   ")
case("two sentences run together on one line (one bad-checksum packet: dropped)", s(payload=T1) + s(payload=T1B))
case("too few fields (dropped)", "!AIVDM,1,1,,A*" + cks("AIVDM,1,1,,A"))
case("lower-case talker (not recognised: dropped)", "!" + s(payload=T1)[1:6].lower() + s(payload=T1)[6:])
case("plain garbage lines (dropped)", "hello world", "!!!!", "*FF", ",,,,,,,,", "$")
case("a non-AIS NMEA sentence (not AIS: no AIS output)",
     "$GPGGA,123519,2209.000,N,11333.000,E,1,08,0.9,5.0,M,-3.0,M,,*" + cks("GPGGA,123519,2209.000,N,11333.000,E,1,08,0.9,5.0,M,-3.0,M,,"))
# Type 8 broadcast with a long binary payload: 120 chars -> a 148-char line, longer than NMEA's
# 82 but within gpsd's limit of 204; then 190 chars -> a 218-char line, which gpsd drops.
P8 = "85Mwp`1Kf3aCnsNvBWLi=wQuNhA5t43N`5nCuI=p<IBfVqnMgPGs" * 5
case("over-long line, 148 chars (> NMEA's 82, <= gpsd's 204: decoded)", s(payload=P8[:120]))
case("over-long line, 218 chars (> gpsd's 204: dropped)", s(payload=P8[:190]))
case("CRLF and CRCRLF line endings (decoded)", s(payload=T1) + "\r", s(payload=T1B) + "\r\r")
case("empty lines (ignored)", "", "")
case("baseline again: decoding still works after all of the above", s(payload=T18))

def gpsdecode_count(lines):
    """Messages `gpsdecode -s` prints for these lines (None without gpsdecode)."""
    if shutil.which("gpsdecode") is None:
        return None
    data = ("\n".join(lines) + "\n").encode("ascii")
    r = subprocess.run(["gpsdecode", "-s"], input=data, capture_output=True, check=True)
    return r.stdout.count(b"\n")

out, done = [], 0
for comment, lines in cases:
    # gpsd's multipart state carries from case to case, so count on the growing prefix.
    total = gpsdecode_count(out + lines)
    tag = "" if total is None else f"  [gpsdecode -s: {total - done} message(s)]"
    done = total or 0
    out.extend(["# " + comment + tag] + lines)
out.insert(0, "# Seawarden AIS edge cases: generated by assets/samples/make-edge-cases.py; do not edit by hand.")
path = pathlib.Path(__file__).parent / "ais" / "edge-cases.nmea"
path.write_bytes(("\n".join(out) + "\n").encode("ascii"))
print(f"wrote {path}: {len(out)} lines, {done} message(s) from gpsdecode -s")
