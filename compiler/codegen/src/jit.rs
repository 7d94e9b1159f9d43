//! A Cranelift JIT module holding the machine code of one compiled
//! function or kernel, and the helpers every code generator here shares.

use cranelift_codegen::ir::{types, AbiParam, Endianness, InstBuilder, MemFlagsData, Signature, Type, Value};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module};
use std::sync::{Arc, OnceLock};
use tfjit_tensor::{DType, TfError, TfResult};

/// An internal compile failure: the caller falls back to the reference path.
pub fn cl_err(e: impl std::fmt::Display) -> TfError {
    TfError::invalid_argument(format!("codegen: {e}"))
}

/// The host ISA (detected once: AVX/FMA where present).
fn isa() -> TfResult<OwnedTargetIsa> {
    static ISA: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut fb = settings::builder();
        fb.set("opt_level", "speed").map_err(|e| e.to_string())?;
        fb.set("use_colocated_libcalls", "false").map_err(|e| e.to_string())?;
        fb.set("is_pic", "false").map_err(|e| e.to_string())?;
        // The IR verifier re-checks every function we build (~10% of a
        // first call's compile time); keep it for debug builds and tests.
        let verify = if cfg!(debug_assertions) { "true" } else { "false" };
        fb.set("enable_verifier", verify).map_err(|e| e.to_string())?;
        let ib = cranelift_native::builder().map_err(|e| e.to_string())?;
        ib.finish(settings::Flags::new(fb)).map_err(|e| e.to_string())
    })
    .clone()
    .map_err(cl_err)
}

/// Finalized machine code. Dropping it frees the code, so every function
/// pointer taken from it is kept next to an `Arc<Code>`.
pub struct Code {
    module: Option<JITModule>,
}

// SAFETY: after `finalize_definitions` the module's memory is immutable
// executable code; nothing mutates it until `Drop` (which needs `&mut`,
// i.e. no other owner).
unsafe impl Send for Code {}
unsafe impl Sync for Code {}

impl Drop for Code {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: the last owner of the code is gone; no pointer into it
            // outlives the `Arc<Code>` that holds it.
            unsafe { m.free_memory() };
        }
    }
}

/// Builds one JIT module: declare functions, define them, finish.
pub struct Jit {
    module: JITModule,
    ctx: Context,
    fbc: FunctionBuilderContext,
}

impl Jit {
    pub fn new() -> TfResult<Jit> {
        let jb = JITBuilder::with_isa(isa()?, cranelift_module::default_libcall_names());
        let module = JITModule::new(jb);
        let ctx = module.make_context();
        Ok(Jit { module, ctx, fbc: FunctionBuilderContext::new() })
    }

    /// The pointer type.
    pub fn ptr(&self) -> Type {
        self.module.target_config().pointer_type()
    }

    /// Defines a function with signature `params -> rets`, its body built by
    /// `build` (which must fill and finalize nothing: this seals and
    /// finalizes the builder).
    pub fn define(
        &mut self,
        name: &str,
        params: &[Type],
        rets: &[Type],
        build: impl FnOnce(&mut FunctionBuilder) -> TfResult<()>,
    ) -> TfResult<FuncId> {
        self.module.clear_context(&mut self.ctx);
        let mut sig = self.module.make_signature();
        sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
        sig.returns.extend(rets.iter().map(|&t| AbiParam::new(t)));
        let id = self
            .module
            .declare_function(name, Linkage::Local, &sig)
            .map_err(cl_err)?;
        self.ctx.func.signature = sig;
        let disasm = std::env::var_os("TFJIT_DISASM").is_some();
        self.ctx.set_disasm(disasm);
        let cfg = self.module.target_config();
        {
            let mut b = FunctionBuilder::new(&mut self.ctx.func, &mut self.fbc);
            build(&mut b)?;
            b.seal_all_blocks();
            b.finalize(cfg);
        }
        self.module.define_function(id, &mut self.ctx).map_err(cl_err)?;
        if disasm {
            if let Some(v) = self.ctx.compiled_code().and_then(|c| c.vcode.as_ref()) {
                eprintln!("=== {name}\n{v}");
            }
        }
        self.module.clear_context(&mut self.ctx);
        Ok(id)
    }

    /// Finalizes all definitions; returns the code and a lookup of each
    /// function's address.
    pub fn finish(mut self, ids: &[FuncId]) -> TfResult<(Arc<Code>, Vec<*const u8>)> {
        self.module.finalize_definitions().map_err(cl_err)?;
        let ptrs = ids.iter().map(|&id| self.module.get_finalized_function(id)).collect();
        Ok((Arc::new(Code { module: Some(self.module) }), ptrs))
    }
}

/// An input's value in generated code: its splatted value when it has one,
/// else a load of type `ty` from its pointer `ptr` plus byte offset `off`.
pub fn input_at(b: &mut FunctionBuilder, splat: Option<Value>, ptr: Value, off: Value, ty: Type) -> Value {
    match splat {
        Some(s) => s,
        None => {
            let a = b.ins().iadd(ptr, off);
            b.ins().load(ty, mem(), a, 0)
        }
    }
}

/// Flags for loads and stores of buffers the caller has checked: no trap,
/// no alignment assumed.
pub fn mem() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// Flags for a bit reinterpretation of vectors.
pub fn lanes_cast() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// The Cranelift type of one element of `d` (bool as a 0/1 byte).
pub fn cl_type(d: DType) -> Type {
    match d {
        DType::Float32 => types::F32,
        DType::Float64 => types::F64,
        DType::Int32 => types::I32,
        DType::Int64 => types::I64,
        DType::Bool => types::I8,
    }
}

/// A signature for an indirect call to an `extern "C"` helper.
pub fn helper_sig(b: &FunctionBuilder, params: &[Type], rets: &[Type]) -> Signature {
    let mut sig = Signature::new(b.func.signature.call_conv);
    sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
    sig.returns.extend(rets.iter().map(|&t| AbiParam::new(t)));
    sig
}
