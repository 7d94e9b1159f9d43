//! Reading a program and running the source stage on it (parse, subset
//! check), with errors printed the way CPython prints them.

use std::path::Path;

use tfjit_autograph::{check, parse, Diagnostic, Module, SyntaxErrorInfo};

/// Why a program cannot run.
#[derive(Debug)]
pub enum FrontendError {
    /// The file could not be read.
    Unreadable(String),
    /// A syntax error (or a compile-time error CPython reports the same way).
    Syntax(SyntaxErrorInfo),
    /// Constructs outside the subset.
    Unsupported(Vec<Diagnostic>),
}

impl FrontendError {
    /// Print the error to stderr, in CPython's words where it has them.
    pub fn report(&self) {
        match self {
            FrontendError::Unreadable(msg) => eprintln!("{msg}"),
            FrontendError::Syntax(e) => eprintln!("{e}"),
            FrontendError::Unsupported(diags) => {
                for d in diags {
                    eprintln!("{d}");
                }
                eprintln!("{}", summary(diags));
            }
        }
    }
}

/// `N constructs outside the supported subset`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let n = diags.len();
    format!("{n} construct{} outside the supported subset", if n == 1 { "" } else { "s" })
}

/// The source text of `path`, as CPython would read it (UTF-8, BOM
/// stripped), or the error CPython would print.
pub fn read_source(path: &Path) -> Result<String, FrontendError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let errno = e.raw_os_error().map(|n| format!("[Errno {n}] ")).unwrap_or_default();
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
            std::io::ErrorKind::IsADirectory => "Is a directory".to_string(),
            _ => e.to_string(),
        };
        FrontendError::Unreadable(format!("tfjit: can't open file '{shown}': {errno}{what}"))
    })?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let byte = bytes.get(at).copied().unwrap_or(0);
            Err(FrontendError::Unreadable(format!(
                "SyntaxError: Non-UTF-8 code starting with '\\x{byte:02x}' in file {shown} on line {line}, \
                 but no encoding declared; see https://peps.python.org/pep-0263/ for details"
            )))
        }
    }
}

/// Parse and check `source`: the module if it is inside the subset.
pub fn load(path: &str, source: &str) -> Result<Module, FrontendError> {
    let module = parse(path, source).map_err(FrontendError::Syntax)?;
    let diags = check(path, source, &module.body);
    if diags.is_empty() {
        Ok(module)
    } else {
        Err(FrontendError::Unsupported(diags))
    }
}
