//! The command line (SPEC §1), declared with clap's derive API.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// tfjit: run TensorFlow 2 programs written in a Python subset, compiling
/// every `@tf.function` to native code.
#[derive(Debug, Parser)]
#[command(name = "tfjit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Where compiled graphs run (`auto`: the GPU if a wgpu adapter exists).
    #[arg(long, value_enum, default_value_t = Device::Cpu, global = true)]
    pub device: Device,
    /// Run tf.functions eagerly, like `tf.config.run_functions_eagerly(True)`.
    #[arg(long, global = true)]
    pub eager: bool,
    /// Skip the graph optimizer.
    #[arg(long = "no-opt", global = true)]
    pub no_opt: bool,
    /// Execute graphs with the reference kernels instead of compiled code.
    #[arg(long = "no-jit", global = true)]
    pub no_jit: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a program; `sys.argv` is [FILE, ARGS…].
    Run {
        /// The program.
        file: PathBuf,
        /// Arguments for the program (everything after FILE).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// List every construct outside the supported subset (exit 1 if any).
    Check {
        /// The program.
        file: PathBuf,
    },
    /// Trace FUNC and print its graph(s).
    Graph {
        /// The program.
        file: PathBuf,
        /// A module-level function or `Class.method`.
        func: String,
        /// An input signature, e.g. `float32[None,3]` or `int32[],float32[2]`; repeatable.
        #[arg(long = "signature", value_name = "SIG")]
        signatures: Vec<String>,
        /// Which stage of the pipeline to print.
        #[arg(long, value_enum, default_value_t = Stage::Traced)]
        stage: Stage,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the AutoGraph-converted code of FUNC, like `tf.autograph.to_code`.
    Autograph {
        /// The program.
        file: PathBuf,
        /// A module-level function or `Class.method`.
        func: String,
    },
}

/// `--device`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Device {
    /// Cranelift-compiled native code (the default).
    Cpu,
    /// wgpu compute shaders.
    Gpu,
    /// The GPU if a wgpu adapter exists, else the CPU.
    Auto,
}

impl Device {
    /// The name used by `RunOptions::device`.
    pub fn name(self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Gpu => "gpu",
            Device::Auto => "auto",
        }
    }
}

/// `graph --stage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Stage {
    /// The graph as traced.
    Traced,
    /// After the optimizer.
    Optimized,
    /// As compiled for the device.
    Compiled,
}

/// `graph --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// Graphviz.
    Dot,
    /// JSON.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_flags_go_before_or_after_the_subcommand() {
        let a = Cli::try_parse_from(["tfjit", "--no-opt", "run", "x.py"]).unwrap();
        let b = Cli::try_parse_from(["tfjit", "run", "--no-opt", "x.py"]).unwrap();
        assert!(a.no_opt && b.no_opt);
        let c = Cli::try_parse_from(["tfjit", "check", "x.py", "--device", "gpu", "--eager"]).unwrap();
        assert_eq!(c.device, Device::Gpu);
        assert!(c.eager);
    }

    #[test]
    fn arguments_after_the_file_belong_to_the_program() {
        let cli = Cli::try_parse_from(["tfjit", "run", "x.py", "a", "--no-jit", "-v"]).unwrap();
        assert!(!cli.no_jit);
        match cli.command {
            Command::Run { args, .. } => assert_eq!(args, ["a", "--no-jit", "-v"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn graph_options() {
        let cli = Cli::try_parse_from([
            "tfjit", "graph", "x.py", "f", "--signature", "float32[None,3]", "--signature", "int32[]",
            "--stage", "optimized", "--format", "dot",
        ])
        .unwrap();
        match cli.command {
            Command::Graph { signatures, stage, format, .. } => {
                assert_eq!(signatures, ["float32[None,3]", "int32[]"]);
                assert_eq!(stage, Stage::Optimized);
                assert_eq!(format, Format::Dot);
            }
            other => panic!("{other:?}"),
        }
    }
}
