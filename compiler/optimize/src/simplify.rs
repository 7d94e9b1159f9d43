//! Algebraic simplification: named `rw!` rule lists, one comment each.
//!
//! Rules for rules (after Cranelift's `opts/README.md`): a rule must never
//! make the graph worse and never change a printed result — not even the
//! sign of a zero or a NaN — nor the static type of a value (so a rule that
//! drops an operand checks that broadcasting did not widen it), nor whether
//! the graph raises (a rule that drops a subterm requires it to be `safe`).
//! No general commutativity or associativity: each rule states the operand
//! order it matches.

use crate::fold::{ClassData, TfAnalysis, TfEGraph};
use crate::language::TfLang;
use egg::{rewrite as rw, Applier, Id, PatternAst, Rewrite, Subst, Symbol, Var};
use std::sync::OnceLock;
use tfjit_tensor::{DType, Data, StaticShape, Tensor};

/// A rewrite rule of the op language.
pub type Rule = Rewrite<TfLang, TfAnalysis>;

fn var(s: &str) -> Var {
    s.parse().expect("rule variables are valid")
}

fn data<'a>(eg: &'a TfEGraph, subst: &Subst, v: Var) -> &'a ClassData {
    &eg[subst[v]].data
}

/// Every element of the constant `t` satisfies `f` (on its value as f64;
/// `f` also sees the sign bit of floats through `is_sign_negative`).
fn all_elems(t: &Tensor, f: impl Fn(f64) -> bool) -> bool {
    match t.data() {
        Data::F32(v) => v.iter().all(|&x| f(x as f64)),
        Data::F64(v) => v.iter().all(|&x| f(x)),
        Data::I32(v) => v.iter().all(|&x| f(x as f64)),
        Data::I64(v) => v.iter().all(|&x| f(x as f64)),
        Data::Bool(_) => false,
    }
}

/// Broadcasting `x` (static type) against a constant of shape `c` gives
/// `x`'s shape back: `x`'s rank is known and each of `c`'s dims is 1 or
/// equal to the matching known dim of `x`.
fn broadcast_keeps(x: &StaticShape, c: &[usize]) -> bool {
    let Some(dims) = &x.dims else { return false };
    if c.len() > dims.len() {
        return false;
    }
    let off = dims.len() - c.len();
    c.iter()
        .enumerate()
        .all(|(i, &d)| d == 1 || dims[off + i] == Some(d))
}

/// `?c` is a constant whose every element satisfies `f`, and `?x op ?c`
/// has exactly `?x`'s type.
fn neutral(
    x: &str,
    c: &str,
    f: impl Fn(DType, f64) -> bool,
) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let (x, c) = (var(x), var(c));
    move |eg, id, s| {
        let (xd, cd) = (data(eg, s, x), data(eg, s, c));
        let (Some(t), Some(xt), Some(out)) = (&cd.konst, &xd.ty, &eg[id].data.ty) else {
            return false;
        };
        let d = t.dtype();
        xt == out && broadcast_keeps(&xt.shape, t.shape()) && all_elems(t, |v| f(d, v))
    }
}

/// `x + 0 = x`: any zero for ints; for floats only `-0.0` (`-0.0 + 0.0` is `+0.0`).
fn add_identity(d: DType, v: f64) -> bool {
    v == 0.0 && (d.is_int() || v.is_sign_negative())
}

/// `x - 0 = x`: any zero for ints; for floats only `+0.0`.
fn sub_identity(d: DType, v: f64) -> bool {
    v == 0.0 && (d.is_int() || v.is_sign_positive())
}

fn one(_: DType, v: f64) -> bool {
    v == 1.0
}

/// `?x` has an integer dtype and cannot fail, and the matched class has a
/// fully known type (so its zeros can be made).
fn int_and_safe(x: &str) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let x = var(x);
    move |eg, id, s| {
        let xd = data(eg, s, x);
        xd.safe
            && xd.dtype().is_some_and(|d| d.is_int())
            && eg[id].data.ty.as_ref().is_some_and(|t| t.shape.is_fully_defined())
    }
}

/// `?c` is an integer constant of zeros.
fn int_zeros(c: &str) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let c = var(c);
    move |eg, _, s| {
        data(eg, s, c)
            .konst
            .as_ref()
            .is_some_and(|t| t.dtype().is_int() && all_elems(t, |v| v == 0.0))
    }
}

/// `?x` has a fully known type equal to the matched class's.
fn same_known_type(x: &str) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let x = var(x);
    move |eg, id, s| match (&data(eg, s, x).ty, &eg[id].data.ty) {
        (Some(a), Some(b)) => a == b && a.shape.is_fully_defined(),
        _ => false,
    }
}

/// `?x` and the matched class both have fully known shapes.
fn both_known(x: &str) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let x = var(x);
    move |eg, id, s| {
        let known = |d: &ClassData| d.ty.as_ref().is_some_and(|t| t.shape.is_fully_defined());
        known(data(eg, s, x)) && known(&eg[id].data)
    }
}

fn perm(d: &ClassData) -> Option<Vec<i64>> {
    d.konst.as_ref().filter(|t| t.dtype().is_int()).map(|t| t.to_i64_vec())
}

/// `transpose(transpose(?x, ?p), ?q)` is `?x`: `p[q[i]] == i`, and `?x`'s
/// rank is known and matches.
fn inverse_perms(x: &str, p: &str, q: &str) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let (x, p, q) = (var(x), var(p), var(q));
    move |eg, id, s| {
        let (Some(p), Some(q)) = (perm(data(eg, s, p)), perm(data(eg, s, q))) else {
            return false;
        };
        let rank = data(eg, s, x).ty.as_ref().and_then(|t| t.shape.rank());
        rank == Some(p.len())
            && p.len() == q.len()
            && (0..p.len()).all(|i| {
                usize::try_from(q[i]).ok().and_then(|j| p.get(j)) == Some(&(i as i64))
            })
            && data(eg, s, x).ty == eg[id].data.ty
    }
}

/// `?p` is the identity permutation of `?x`'s (known) rank.
fn identity_perm(x: &str, p: &str) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let (x, p) = (var(x), var(p));
    move |eg, id, s| {
        let Some(p) = perm(data(eg, s, p)) else {
            return false;
        };
        let rank = data(eg, s, x).ty.as_ref().and_then(|t| t.shape.rank());
        rank == Some(p.len())
            && p.iter().enumerate().all(|(i, &v)| v == i as i64)
            && data(eg, s, x).ty == eg[id].data.ty
    }
}

/// `?x` already has the dtype the cast produces.
fn cast_to_own_dtype(x: &str) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let x = var(x);
    move |eg, id, s| {
        let xd = data(eg, s, x);
        xd.ty.is_some() && xd.ty == eg[id].data.ty
    }
}

/// `?c` is a float constant of powers of two whose reciprocals are normal
/// numbers, so `x / c == x * (1/c)` exactly, and `?x / ?c` is `?x`'s type.
fn pow2_divisor(x: &str, c: &str) -> impl Fn(&mut TfEGraph, Id, &Subst) -> bool {
    let (x, c) = (var(x), var(c));
    move |eg, id, s| {
        let (xd, cd) = (data(eg, s, x), data(eg, s, c));
        let Some(t) = &cd.konst else { return false };
        let exact = match t.data() {
            Data::F32(v) => v.iter().all(|&y| pow2_f32(y)),
            Data::F64(v) => v.iter().all(|&y| pow2_f64(y)),
            _ => false,
        };
        exact && xd.ty.is_some() && xd.ty == eg[id].data.ty
    }
}

fn pow2_f32(y: f32) -> bool {
    y.is_normal() && (y.to_bits() & 0x007f_ffff) == 0 && (1.0 / y).is_normal()
}

fn pow2_f64(y: f64) -> bool {
    y.is_normal() && (y.to_bits() & 0x000f_ffff_ffff_ffff) == 0 && (1.0 / y).is_normal()
}

/// Replaces the matched class by a constant of zeros of its type.
#[derive(Debug)]
struct Zeros;

impl Applier<TfLang, TfAnalysis> for Zeros {
    fn apply_one(
        &self,
        eg: &mut TfEGraph,
        id: Id,
        _: &Subst,
        _: Option<&PatternAst<TfLang>>,
        _: Symbol,
    ) -> Vec<Id> {
        let Some(ty) = eg[id].data.ty.clone() else {
            return vec![];
        };
        let Some(dims) = ty.shape.as_known() else {
            return vec![];
        };
        if dims.iter().product::<usize>() > eg.analysis.fold_limit {
            return vec![];
        }
        let Ok(z) = Tensor::zeros(ty.dtype, &dims) else {
            return vec![];
        };
        let k = eg.analysis.tables.intern_const(&z);
        let c = eg.add(TfLang::Const(k));
        if eg.union(id, c) {
            vec![c]
        } else {
            vec![]
        }
    }
}

/// `x / c` → `x * (1/c)` (guarded by [`pow2_divisor`]).
#[derive(Debug)]
struct MulByReciprocal {
    a: Var,
    x: Var,
    c: Var,
}

impl Applier<TfLang, TfAnalysis> for MulByReciprocal {
    fn apply_one(
        &self,
        eg: &mut TfEGraph,
        id: Id,
        s: &Subst,
        _: Option<&PatternAst<TfLang>>,
        _: Symbol,
    ) -> Vec<Id> {
        let Some(t) = eg[s[self.c]].data.konst.clone() else {
            return vec![];
        };
        let r = match t.data() {
            Data::F32(v) => Data::F32(v.iter().map(|y| 1.0 / y).collect()),
            Data::F64(v) => Data::F64(v.iter().map(|y| 1.0 / y).collect()),
            _ => return vec![],
        };
        let Ok(r) = Tensor::new(t.shape().to_vec(), r) else {
            return vec![];
        };
        let k = eg.analysis.tables.intern_const(&r);
        let rc = eg.add(TfLang::Const(k));
        let m = eg.add(TfLang::Mul([s[self.a], s[self.x], rc]));
        if eg.union(id, m) {
            vec![m]
        } else {
            vec![]
        }
    }
}

/// Arithmetic identities.
pub fn arithmetic_rules() -> Vec<Rule> {
    vec![
        // x + 0 = x (float zero must be -0.0), zero on either side
        rw!("add-zero"; "(AddV2 ?a ?x ?z)" => "?x" if neutral("?x", "?z", add_identity)),
        rw!("zero-add"; "(AddV2 ?a ?z ?x)" => "?x" if neutral("?x", "?z", add_identity)),
        // x - 0 = x (float zero must be +0.0)
        rw!("sub-zero"; "(Sub ?a ?x ?z)" => "?x" if neutral("?x", "?z", sub_identity)),
        // x * 1 = x, one on either side
        rw!("mul-one"; "(Mul ?a ?x ?o)" => "?x" if neutral("?x", "?o", one)),
        rw!("one-mul"; "(Mul ?a ?o ?x)" => "?x" if neutral("?x", "?o", one)),
        // x / 1 = x
        rw!("div-one"; "(RealDiv ?a ?x ?o)" => "?x" if neutral("?x", "?o", one)),
        // -(-x) = x
        rw!("neg-neg"; "(Neg ?a (Neg ?b ?x))" => "?x"),
        // x - (-y) = x + y (IEEE subtraction is addition of the negation)
        rw!("sub-neg"; "(Sub ?a ?x (Neg ?b ?y))" => "(AddV2 ?a ?x ?y)"),
        // x + (-y) = x - y
        rw!("add-neg"; "(AddV2 ?a ?x (Neg ?b ?y))" => "(Sub ?a ?x ?y)"),
        // x * x = square(x): one read instead of two
        rw!("mul-self"; "(Mul ?a ?x ?x)" => "(Square ?a ?x)"),
        // max(x, x) = x and min(x, x) = x (NaN stays NaN)
        rw!("max-self"; "(Maximum ?a ?x ?x)" => "?x"),
        rw!("min-self"; "(Minimum ?a ?x ?x)" => "?x"),
        // x * 0 = 0 for ints only (NaN * 0 and inf * 0 are NaN), when x cannot fail
        rw!("mul-zero-int"; "(Mul ?a ?x ?z)" => { Zeros } if int_zeros("?z") if int_and_safe("?x")),
        rw!("zero-mul-int"; "(Mul ?a ?z ?x)" => { Zeros } if int_zeros("?z") if int_and_safe("?x")),
        // x - x = 0 for ints only (inf - inf is NaN), when x cannot fail
        rw!("sub-self-int"; "(Sub ?a ?x ?x)" => { Zeros } if int_and_safe("?x")),
        // x / c = x * (1/c) when c is a power of two (exact)
        rw!("div-pow2"; "(RealDiv ?a ?x ?c)" => {
            MulByReciprocal { a: var("?a"), x: var("?x"), c: var("?c") }
        } if pow2_divisor("?x", "?c")),
    ]
}

/// Identities of data movement and conversion ops.
pub fn shape_rules() -> Vec<Rule> {
    vec![
        // identity(x) = x
        rw!("identity"; "(Identity ?a ?x)" => "?x"),
        // reshape(reshape(x, s1), s2) = reshape(x, s2), shapes fully known
        rw!("reshape-reshape"; "(Reshape ?a (Reshape ?b ?x ?s1) ?s2)" => "(Reshape ?a ?x ?s2)"
            if both_known("?x")),
        // reshape(x, s) = x when s is x's own (fully known) shape
        rw!("reshape-noop"; "(Reshape ?a ?x ?s)" => "?x" if same_known_type("?x")),
        // transpose(transpose(x, p), q) = x when the perms are inverse
        rw!("transpose-inverse"; "(Transpose ?a (Transpose ?b ?x ?p) ?q)" => "?x"
            if inverse_perms("?x", "?p", "?q")),
        // transpose(x, [0, 1, …]) = x
        rw!("transpose-noop"; "(Transpose ?a ?x ?p)" => "?x" if identity_perm("?x", "?p")),
        // cast(x) to x's own dtype = x
        rw!("cast-same"; "(Cast ?a ?x)" => "?x" if cast_to_own_dtype("?x")),
    ]
}

/// All rules, built once.
pub fn all_rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut v = arithmetic_rules();
        v.extend(shape_rules());
        v
    })
}
