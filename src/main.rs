//! `tfjit`: the command-line entry point. Parses the command line
//! (`cli.rs`), runs the source stage (`frontend.rs`) and hands the program
//! to the interpreter (`tfjit_interp::run_main`).

mod cli;
mod frontend;
mod graph_cmd;

use std::process::ExitCode;

use clap::Parser;
use tfjit_interp::RunOptions;

use cli::{Cli, Command};
use frontend::FrontendError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Everything runs on a thread with a large stack: deeply nested (but
    // valid) programs and deep Python recursion need room before the
    // interpreter's own limits (RecursionError) apply.
    let code = tfjit_autograph::parse::with_large_stack(move || dispatch(cli));
    tfjit_codegen::profile::report();
    ExitCode::from((code & 0xff) as u8)
}

/// Run the chosen subcommand; returns the process exit code.
fn dispatch(cli: Cli) -> i32 {
    if cli.device != cli::Device::Cpu {
        // SPEC §4: without a usable GPU backend, fall back to the CPU with a notice.
        eprintln!("tfjit: notice: the wgpu GPU backend is not built yet; running on the CPU");
    }
    let options = RunOptions {
        eager: cli.eager,
        no_opt: cli.no_opt,
        no_jit: cli.no_jit,
        device: cli.device.name().to_string(),
    };
    match cli.command {
        Command::Run { file, args } => run(&file, args, options),
        Command::Check { file } => check(&file),
        Command::Graph { file, func, signatures, stage, format } => {
            graph_cmd::run(&file, &func, &signatures, stage, format, options)
        }
        Command::Autograph { file, func } => autograph(&file, &func),
    }
}

/// `tfjit run FILE [ARGS…]`: nothing runs unless the whole file parses and
/// stays inside the subset.
fn run(file: &std::path::Path, args: Vec<String>, options: RunOptions) -> i32 {
    let path = file.display().to_string();
    let loaded = frontend::read_source(file).and_then(|source| frontend::load(&path, &source).map(|_| source));
    match loaded {
        Ok(source) => {
            let mut argv = vec![path.clone()];
            argv.extend(args);
            tfjit_interp::run_main(&path, &source, argv, options)
        }
        Err(e) => {
            e.report();
            1
        }
    }
}

/// `tfjit check FILE`: diagnostics on stdout, exit 1 if there are any.
fn check(file: &std::path::Path) -> i32 {
    let path = file.display().to_string();
    let result = frontend::read_source(file).and_then(|source| frontend::load(&path, &source));
    match result {
        Ok(_) => 0,
        Err(FrontendError::Unsupported(diags)) => {
            for d in &diags {
                println!("{d}");
            }
            eprintln!("{}", frontend::summary(&diags));
            1
        }
        Err(e) => {
            e.report();
            1
        }
    }
}

/// `tfjit autograph FILE FUNC`: print FUNC's AutoGraph-converted code, as
/// `tf.autograph.to_code` does. Exit 1 if the file does not load or FUNC
/// cannot be converted.
fn autograph(file: &std::path::Path, func: &str) -> i32 {
    let path = file.display().to_string();
    let module = match frontend::read_source(file).and_then(|source| frontend::load(&path, &source)) {
        Ok(m) => m,
        Err(e) => {
            e.report();
            return 1;
        }
    };
    match tfjit_autograph::to_code(&module, func) {
        Ok(code) => {
            print!("{code}");
            if !code.ends_with('\n') {
                println!();
            }
            0
        }
        Err(e) => {
            match e.location(&module) {
                Some(loc) => eprintln!("{path}:{}:{}: {e}", loc.line, loc.col),
                None => eprintln!("{path}: {e}"),
            }
            1
        }
    }
}
