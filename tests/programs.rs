//! File tests: `tfjit run` on every `tests/programs/NAME.py` (cwd =
//! tests/programs) must print `NAME.out`, compared with the rules of
//! `shared/conformance/compare.py`. Goldens come from real TensorFlow
//! (`tests/regen_goldens.sh`). `$TFJIT_PROGRAMS_DIR` selects another folder.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::compare::first_difference;
use common::{parallel_map, python_files, run_with_timeout, tfjit_bin, workers};

/// compare.py's per-program timeout.
const TIMEOUT: Duration = Duration::from_secs(60);

fn clip(s: &str) -> String {
    if s.chars().count() <= 160 { s.to_string() } else { s.chars().take(160).collect::<String>() + "..." }
}

#[test]
fn programs_print_their_goldens() {
    // `$TFJIT_PROGRAMS_DIR` points the same harness at another folder of
    // programs and goldens (e.g. a conformance category).
    let dir = match std::env::var_os("TFJIT_PROGRAMS_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs"),
    };
    let programs = python_files(&dir);
    let bin = tfjit_bin();
    let results = parallel_map(&programs, workers(), |prog| {
        let name = prog.file_name().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let Ok(expected) = std::fs::read_to_string(prog.with_extension("out")) else {
            return Some(format!("ERROR {name}: missing golden"));
        };
        let outcome = run_with_timeout(&bin, &["run", &name], &dir, TIMEOUT);
        if outcome.timed_out || outcome.code != Some(0) {
            let last = outcome.stderr.trim_end().lines().last().unwrap_or("").to_string();
            return Some(format!("ERROR {name}: {}: {}", outcome.describe(), clip(&last)));
        }
        first_difference(&expected, &outcome.stdout).map(|(n, e, g)| {
            format!("FAIL {name}: first differing line {n}: expected {:?} got {:?}", clip(&e), clip(&g))
        })
    });
    let failures: Vec<&String> = results.iter().flatten().collect();
    println!("{} passed, {} failed", programs.len() - failures.len(), failures.len());
    let report: Vec<&str> = failures.iter().map(|s| s.as_str()).collect();
    assert!(failures.is_empty(), "{} of {} programs failed:\n{}", failures.len(), programs.len(), report.join("\n"));
}
