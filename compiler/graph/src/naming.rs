//! TF's op naming: `unique_name` (`add`, `add_1`, …; case-insensitive) and
//! name scopes (`mul/ReadVariableOp`).

use std::collections::HashMap;

/// The names in use in one graph and the current name-scope stack.
#[derive(Clone, Debug, Default)]
pub struct Names {
    in_use: HashMap<String, usize>,
    stack: Vec<String>,
}

impl Names {
    /// The current scope prefix (`outer/inner`), or `""`.
    pub fn scope(&self) -> &str {
        self.stack.last().map(String::as_str).unwrap_or("")
    }

    /// TF's `Graph.unique_name(name)`: prefixes the current scope, then
    /// appends `_1`, `_2`, … until the name (compared case-insensitively) is
    /// unused; marks the result as used.
    pub fn unique(&mut self, name: &str) -> String {
        let name = match self.scope() {
            "" => name.to_string(),
            s => format!("{s}/{name}"),
        };
        let key = name.to_lowercase();
        let mut i = self.in_use.get(&key).copied().unwrap_or(0);
        self.in_use.insert(key.clone(), i + 1);
        if i == 0 {
            return name;
        }
        let mut candidate = format!("{key}_{i}");
        while self.in_use.contains_key(&candidate) {
            i += 1;
            candidate = format!("{key}_{i}");
        }
        self.in_use.insert(candidate, 1);
        format!("{name}_{i}")
    }

    /// Marks an exact name as used (an op named by a scope: `total` for
    /// `tf.add(..., name="total")`).
    pub fn mark_used(&mut self, name: &str) {
        self.in_use.entry(name.to_lowercase()).or_insert(1);
    }

    /// The name for an op given a hint: a hint ending in `/` is an exact
    /// scope name (used as is, without the slash); any other hint is made
    /// unique under the current scope. An empty hint means the op type.
    pub fn op_name(&mut self, hint: &str, op_type: &str) -> String {
        if let Some(exact) = hint.strip_suffix('/') {
            self.mark_used(exact);
            return exact.to_string();
        }
        let hint = if hint.is_empty() { op_type } else { hint };
        self.unique(hint)
    }

    /// Enters `with tf.name_scope(name)`: returns the full, unique scope
    /// name. A name ending in `/` re-enters that exact scope.
    pub fn push(&mut self, name: &str) -> String {
        let full = match name.strip_suffix('/') {
            Some(exact) => exact.to_string(),
            None if name.is_empty() => String::new(),
            None => self.unique(name),
        };
        self.stack.push(full.clone());
        full
    }

    /// Leaves the innermost scope.
    pub fn pop(&mut self) {
        self.stack.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn unique_names_like_tf() {
        let mut n = Names::default();
        assert_eq!(n.unique("add"), "add");
        assert_eq!(n.unique("add"), "add_1");
        assert_eq!(n.unique("Add"), "Add_2");
        assert_eq!(n.unique("add_1"), "add_1_1");
        assert_eq!(n.unique("Identity"), "Identity");
        assert_eq!(n.unique("Identity"), "Identity_1");
    }

    #[test]
    fn scopes() {
        let mut n = Names::default();
        let s = n.push("total");
        assert_eq!(s, "total");
        assert_eq!(n.unique("y"), "total/y");
        n.pop();
        assert_eq!(n.op_name("total/", "AddV2"), "total");
        let s = n.push("total");
        assert_eq!(s, "total_1");
        n.pop();
        assert_eq!(n.op_name("", "AddV2"), "AddV2");
    }
}
