#!/usr/bin/env python3
"""Regenerate radar/coloane-radar.nmea: a short, self-consistent coastal-radar log.

A shore radar on Coloane, Macau (22.1180 N, 113.5580 E, stationary, heading 180 T) tracks three
targets over 60 s. Sentences follow the IEC 61162-1 field layouts:

  $RATTM,nn,dist,brg,T,spd,crs,T,cpa,tcpa,N,name,status,ref,hhmmss.ss,acq*hh   (N: nmi and kn)
  $RATLL,nn,llll.llll,N,yyyyy.yyyy,E,name,hhmmss.ss,status,ref*hh
  $RAOSD,hdg,A,crs,P,spd,P,set,drift,N*hh
  $GPGGA / $GPRMC (radar antenna position) and $HEHDT (antenna heading)

Target 1 (a fast craft) heads north towards the coast, target 2 (a cargo ship) crosses west-east,
target 3 is acquired manually, reported as Q (query) for its first scan and lost (L) near the end.
Every TTM's distance and bearing agree with the matching TLL's position, and CPA/TCPA are computed
relative to the stationary radar. Run: python3 assets/samples/make-radar-log.py
"""
import math
import pathlib

LAT0, LON0 = 22.1180, 113.5580          # radar antenna
R_EARTH_M = 6_371_008.8                 # IUGG mean radius
NMI_M = 1852.0
T0 = 13 * 3600 + 5 * 60 + 0.0           # 13:05:00 UTC
DATE = "140324"                         # 14 March 2024 (ddmmyy)
SCAN_S = 2.5                            # one antenna revolution

def cks(body):
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"{x:02X}"

def sentence(body):
    return f"${body}*{cks(body)}"

def hms(t):
    h = int(t // 3600); m = int(t % 3600 // 60); s = t - h * 3600 - m * 60
    return f"{h:02d}{m:02d}{s:05.2f}"

def ddmm(value, deg_digits):
    deg = int(abs(value)); minutes = (abs(value) - deg) * 60
    return f"{deg:0{deg_digits}d}{minutes:07.4f}"

def to_latlon(east_m, north_m):
    lat = LAT0 + math.degrees(north_m / R_EARTH_M)
    lon = LON0 + math.degrees(east_m / (R_EARTH_M * math.cos(math.radians(LAT0))))
    return lat, lon

# id, name, start east/north (m), speed kn, course deg T, acquisition, first/last scan reported
TARGETS = [
    (1, "FAST1", 1500.0, -6000.0, 28.0, 355.0, "A", 0, 24),
    (2, "CARGO", -7000.0, -4200.0, 11.5, 80.0, "A", 0, 24),
    (3, "", 3200.0, -2500.0, 4.0, 210.0, "M", 4, 20),
]

lines = []
for scan in range(25):
    t = T0 + scan * SCAN_S
    # Own position and heading about once a second (each scan here), OSD once per scan.
    lines.append(sentence(f"GPGGA,{hms(t)},{ddmm(LAT0, 2)},N,{ddmm(LON0, 3)},E,2,09,0.9,38.5,M,-3.1,M,,"))
    lines.append(sentence(f"GPRMC,{hms(t)},A,{ddmm(LAT0, 2)},N,{ddmm(LON0, 3)},E,0.0,0.0,{DATE},2.9,W,D"))
    lines.append(sentence("HEHDT,180.0,T"))
    lines.append(sentence("RAOSD,180.0,A,0.0,P,0.0,P,,,N"))
    for (num, name, e0, n0, spd_kn, crs_deg, acq, first, last) in TARGETS:
        if not (first <= scan <= last):
            continue
        dt = (scan - first) * SCAN_S
        v = spd_kn * NMI_M / 3600.0
        ve, vn = v * math.sin(math.radians(crs_deg)), v * math.cos(math.radians(crs_deg))
        e, n = e0 + ve * dt, n0 + vn * dt
        dist_nmi = math.hypot(e, n) / NMI_M
        brg = math.degrees(math.atan2(e, n)) % 360.0
        # CPA relative to the stationary radar.
        tcpa_s = -(e * ve + n * vn) / (v * v)
        cpa_nmi = math.hypot(e + ve * max(tcpa_s, 0.0), n + vn * max(tcpa_s, 0.0)) / NMI_M
        status = "Q" if (acq == "M" and scan == first) else ("L" if scan == last and num == 3 else "T")
        lat, lon = to_latlon(e, n)
        lines.append(sentence(
            f"RATTM,{num:02d},{dist_nmi:.2f},{brg:.1f},T,{spd_kn:.1f},{crs_deg:.1f},T,"
            f"{cpa_nmi:.2f},{tcpa_s / 60.0:.1f},N,{name},{status},,{hms(t)},{acq}"))
        lines.append(sentence(
            f"RATLL,{num:02d},{ddmm(lat, 2)},N,{ddmm(lon, 3)},E,{name},{hms(t)},{status},"))

path = pathlib.Path(__file__).parent / "radar" / "coloane-radar.nmea"
path.parent.mkdir(exist_ok=True)
path.write_text("".join(l + "\r\n" for l in lines))
print(f"wrote {path}: {len(lines)} sentences")
