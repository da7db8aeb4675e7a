//! `seawarden calibrate`: fit a site's heading, tilt and roll offsets to vessels seen by its
//! camera and placed by AIS, and write the updated calibration file.
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::Deserialize;

use calibration::{Correspondence, HeadAngles, Pixel, SiteCalibration, SolverOptions, solve_pose};
use seawarden::geodesy::{LatLon, bearing_deg, distance_m};

/// Fit a camera's mounting offsets (heading, tilt, roll) to AIS-identified vessels.
///
/// Each line of the correspondences file pairs a vessel's pixel (its waterline) with where AIS
/// puts it, as true bearing and range from the mast or as a position:
///
///   {"pixel_x": 412.5, "pixel_y": 301.0, "bearing_deg": 131.2, "range_m": 2350}
///   {"pixel_x": 120.0, "pixel_y": 288.4, "lat": 22.1702, "lon": 113.5611, "pan_deg": 30.0}
///
/// `pan_deg` and `tilt_deg` (the head's reported angles when the frame was taken) default to 0.
/// Blank lines and lines starting with `#` are skipped. The fit is robust: pairs that do not
/// agree with the rest (a wrong AIS match, a lagging position) are listed as outliers and left
/// out. At least 3 usable pairs are needed (2 with `--no-roll`), spread across the image.
///
/// Prints the offsets, the RMS and per-pair residuals and the outliers; with `--output`, writes
/// the calibration with the new offsets (same camera and position) there.
///
/// Examples:
///   seawarden calibrate --calibration assets/calibration/taipa-west.toml \
///       --correspondences pairs.jsonl --output assets/calibration/taipa-west.toml
///   seawarden calibrate --calibration site.toml --correspondences pairs.jsonl --no-roll
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The site's calibration file (TOML with `[pose]` and `[camera]`); its offsets are ignored,
    /// except the roll with `--no-roll`.
    #[arg(long, value_name = "SITE.toml")]
    pub calibration: PathBuf,
    /// Correspondences, one JSON object per line (see above).
    #[arg(long, value_name = "PAIRS.jsonl")]
    pub correspondences: PathBuf,
    /// Write the updated calibration here (may be the input file).
    #[arg(short, long, value_name = "NEW.toml")]
    pub output: Option<PathBuf>,
    /// Keep the roll from the calibration file instead of fitting it.
    #[arg(long)]
    pub no_roll: bool,
    /// Huber loss threshold, pixels: larger residuals weigh linearly, not quadratically.
    #[arg(long, value_name = "PX", default_value_t = 2.0)]
    pub huber_px: f64,
    /// Smallest residual that may be called an outlier, pixels.
    #[arg(long, value_name = "PX", default_value_t = 4.0)]
    pub outlier_min_px: f64,
}

/// One line of the correspondences file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    pixel_x: f64,
    pixel_y: f64,
    bearing_deg: Option<f64>,
    range_m: Option<f64>,
    lat: Option<f64>,
    lon: Option<f64>,
    #[serde(default)]
    pan_deg: f64,
    #[serde(default)]
    tilt_deg: f64,
}

/// Run `seawarden calibrate`.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut site = SiteCalibration::from_path(&args.calibration)
        .with_context(|| format!("reading {}", args.calibration.display()))?;
    let mounted = site.mounted_camera()?;
    let mast = LatLon::new(site.pose.lat, site.pose.lon);
    let (pairs, line_numbers) = read_pairs(&args.correspondences, mast)?;
    let options = SolverOptions {
        solve_roll: !args.no_roll,
        huber_px: args.huber_px,
        outlier_min_px: args.outlier_min_px,
        ..SolverOptions::default()
    };
    let fit = solve_pose(&mounted, &pairs, &options)
        .with_context(|| format!("solving with {}", args.correspondences.display()))?;

    println!("heading_offset_deg = {:.4}", fit.heading_offset_deg);
    println!("tilt_offset_deg    = {:.4}", fit.tilt_offset_deg);
    println!("roll_deg           = {:.4}{}", fit.roll_deg, if args.no_roll { " (kept)" } else { "" });
    println!(
        "rms_px = {:.3} over {} inliers of {} ({} iterations)",
        fit.rms_px,
        pairs.len() - fit.outliers.len(),
        pairs.len(),
        fit.iterations
    );
    for (i, r) in fit.residuals_px.iter().enumerate() {
        let tag = if fit.is_inlier(i) { "" } else { "  OUTLIER" };
        println!("pair {:>3} (line {:>3}): residual {:>8.3} px{tag}", i, line_numbers[i], r);
    }
    if fit.outliers.is_empty() {
        println!("outliers: none");
    } else {
        let lines: Vec<usize> = fit.outliers.iter().map(|&i| line_numbers[i]).collect();
        println!("outliers: pairs {:?} (lines {lines:?})", fit.outliers);
    }

    if let Some(out) = &args.output {
        site.pose.heading_offset_deg = fit.heading_offset_deg;
        site.pose.tilt_offset_deg = fit.tilt_offset_deg;
        site.pose.roll_deg = fit.roll_deg;
        let text = format!(
            "# Calibration fitted by `seawarden calibrate` to {} ({} pairs, {} outliers, RMS {:.3} px).\n\n{}",
            args.correspondences.display(),
            pairs.len(),
            fit.outliers.len(),
            fit.rms_px,
            toml::to_string(&site).context("serialising the calibration")?
        );
        std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the pairs, turning lat/lon into bearing and range from the mast; also returns each
/// pair's line number (from 1).
fn read_pairs(path: &PathBuf, mast: LatLon) -> anyhow::Result<(Vec<Correspondence>, Vec<usize>)> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut pairs = Vec::new();
    let mut line_numbers = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at = || format!("{}:{}", path.display(), n + 1);
        let l: Line = serde_json::from_str(trimmed).with_context(at)?;
        let (bearing, range) = match (l.bearing_deg, l.range_m, l.lat, l.lon) {
            (Some(b), Some(r), None, None) => (b, r),
            (None, None, Some(lat), Some(lon)) => {
                let p = LatLon::new(lat, lon);
                (bearing_deg(mast, p), distance_m(mast, p))
            }
            _ => bail!("{}: give either bearing_deg and range_m, or lat and lon", at()),
        };
        pairs.push(Correspondence {
            pixel: Pixel::new(l.pixel_x, l.pixel_y),
            head: HeadAngles { pan_deg: l.pan_deg, tilt_deg: l.tilt_deg },
            bearing_deg: bearing,
            range_m: range,
        });
        line_numbers.push(n + 1);
    }
    Ok((pairs, line_numbers))
}
