//! Shared by the integration tests: running the `tfjit` binary with a
//! timeout, and comparing outputs with the rules of
//! `shared/conformance/compare.py` (ported to Rust).
#![allow(dead_code)]

pub mod compare;

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The binary under test: `$TFJIT_BIN` if set (to test the harness against
/// a stand-in), else the `tfjit` built by Cargo.
pub fn tfjit_bin() -> PathBuf {
    match std::env::var_os("TFJIT_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_tfjit")),
    }
}

/// How a run ended.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code, if the process exited normally.
    pub code: Option<i32>,
    /// The signal that killed it, if any.
    pub signal: Option<i32>,
    /// Whether it was killed for running past the timeout.
    pub timed_out: bool,
    /// Everything it wrote to stdout (lossy UTF-8).
    pub stdout: String,
    /// Everything it wrote to stderr (lossy UTF-8).
    pub stderr: String,
}

impl Outcome {
    /// A one-line description of how the process ended.
    pub fn describe(&self) -> String {
        if self.timed_out {
            "timed out".to_string()
        } else if let Some(s) = self.signal {
            format!("killed by signal {s}")
        } else {
            format!("exit code {}", self.code.unwrap_or(-1))
        }
    }

    /// Whether the run shows a crash: a Rust panic (exit 101 or a
    /// `panicked at` message), or death by a signal (abort, segfault).
    pub fn crashed(&self) -> bool {
        self.signal.is_some() || self.code == Some(101) || self.stderr.contains("panicked at")
    }

    /// The last lines of stderr, for failure reports.
    pub fn stderr_tail(&self, lines: usize) -> String {
        let all: Vec<&str> = self.stderr.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// Run `bin args…` in `cwd` with stdin closed, the environment compare.py
/// sets, and a timeout after which the process is killed.
pub fn run_with_timeout(bin: &Path, args: &[&str], cwd: &Path, timeout: Duration) -> Outcome {
    let mut child = match Command::new(bin)
        .args(args)
        .current_dir(cwd)
        .env("TF_CPP_MIN_LOG_LEVEL", "3")
        .env("PYTHONHASHSEED", "0")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            return Outcome {
                code: None,
                signal: None,
                timed_out: false,
                stdout: String::new(),
                stderr: format!("cannot start {}: {e}", bin.display()),
            }
        }
    };
    let mut out_pipe = child.stdout.take();
    let mut err_pipe = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(p) = out_pipe.as_mut() {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(p) = err_pipe.as_mut() {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    });
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Outcome {
        code: status.and_then(|s| s.code()),
        signal: if timed_out { None } else { status.and_then(|s| s.signal()) },
        timed_out,
        stdout,
        stderr,
    }
}

/// The `*.py` files directly in `dir`, sorted (names starting with `.` or
/// `_` skipped, as compare.py does).
pub fn python_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    p.extension().is_some_and(|e| e == "py") && !name.starts_with(['.', '_'])
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Apply `f` to every item on `workers` threads; results in input order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], workers: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    results.into_inner().unwrap().into_iter().map(|r| r.expect("every item ran")).collect()
}

/// How many programs to run at once (the test machines have 2 cores).
pub fn workers() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(4)
}

/// The class name on the last exception line of a Python-style report:
/// the last line that reads `Name: message` or `Name`, with any dotted
/// module prefix dropped (`tensorflow.….InvalidArgumentError` →
/// `InvalidArgumentError`). The rule of `tests/hostile/regen_expect.sh`.
pub fn last_exception_class(stderr: &str) -> Option<String> {
    let mut found = None;
    for line in stderr.lines() {
        let line = line.trim_end();
        let name_len = line
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '.') || (i == 0 && c.is_ascii_digit()))
            .map_or(line.len(), |(i, _)| i);
        if name_len == 0 {
            continue;
        }
        let rest = &line[name_len..];
        let ok = rest.is_empty() || rest == ":" || rest.starts_with(": ") || rest.starts_with(":\t");
        if ok {
            let name = &line[..name_len];
            found = Some(name.rsplit('.').next().unwrap_or(name).to_string());
        }
    }
    found
}
