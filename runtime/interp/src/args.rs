//! Call arguments and Python-style binding for functions written in Rust.

use crate::exc::{Exc, PyResult};
use crate::value::{Str, Value};

/// Positional and keyword arguments of one call.
#[derive(Clone, Default)]
pub struct Args {
    pub pos: Vec<Value>,
    pub kw: Vec<(Str, Value)>,
}

impl Args {
    pub fn new(pos: Vec<Value>) -> Args {
        Args { pos, kw: vec![] }
    }
    pub fn with_kw(pos: Vec<Value>, kw: Vec<(Str, Value)>) -> Args {
        Args { pos, kw }
    }

    /// Bind to the parameter list `names` of function `fname`, as Python
    /// would: the first `required` are required; the result has one slot per
    /// name (`None` = not given). Raises Python's `TypeError`s for missing,
    /// duplicate, unexpected or too many arguments.
    ///
    /// ```ignore
    /// let [x, axis, keepdims] = args.bind("reduce_sum", ["input_tensor", "axis", "keepdims"], 1)?;
    /// ```
    pub fn bind<const N: usize>(self, fname: &str, names: [&str; N], required: usize) -> PyResult<[Option<Value>; N]> {
        let mut out: [Option<Value>; N] = std::array::from_fn(|_| None);
        if self.pos.len() > N {
            return Err(Exc::type_error(format!(
                "{fname}() takes {N} positional argument{} but {} were given",
                if N == 1 { "" } else { "s" },
                self.pos.len()
            )));
        }
        for (i, v) in self.pos.into_iter().enumerate() {
            out[i] = Some(v);
        }
        for (k, v) in self.kw {
            // `name=` is accepted and ignored by every TF function.
            let Some(i) = names.iter().position(|n| **n == *k) else {
                if &*k == "name" {
                    continue;
                }
                return Err(Exc::type_error(format!("{fname}() got an unexpected keyword argument '{k}'")));
            };
            if out[i].is_some() {
                return Err(Exc::type_error(format!("{fname}() got multiple values for argument '{k}'")));
            }
            out[i] = Some(v);
        }
        let missing: Vec<&str> = (0..required).filter(|&i| out[i].is_none()).map(|i| names[i]).collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|m| format!("'{m}'")).collect::<Vec<_>>().join(" and ");
            return Err(Exc::type_error(format!(
                "{fname}() missing {} required positional argument{}: {list}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" }
            )));
        }
        Ok(out)
    }

    /// Take the `name=` keyword argument if present.
    pub fn take_kw(&mut self, name: &str) -> Option<Value> {
        let i = self.kw.iter().position(|(k, _)| &**k == name)?;
        Some(self.kw.remove(i).1)
    }
}
