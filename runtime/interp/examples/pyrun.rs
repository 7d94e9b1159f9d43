//! Run a Python file with the interpreter alone (no subset check):
//! `cargo run -p tfjit-interp --example pyrun -- file.py [args]`.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().cloned() else {
        eprintln!("usage: pyrun FILE.py [ARGS...]");
        std::process::exit(2);
    };
    let source = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("pyrun: {path}: {e}");
            std::process::exit(2);
        }
    };
    let code = tfjit_interp::run_main(&path, &source, args, tfjit_interp::RunOptions::default());
    std::process::exit(code);
}
