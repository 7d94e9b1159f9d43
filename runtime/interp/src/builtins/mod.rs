//! Python builtins and the `math`, `sys`, `time` modules.

use crate::exc::PyResult;
use crate::interp::Interp;
use crate::value::Object;
use std::any::Any;

/// `sys.stdout` / `sys.stderr`. `tf.print(..., output_stream=sys.stdout)`
/// recognises these by downcasting.
pub struct StdStream {
    pub stderr: bool,
}

impl Object for StdStream {
    fn type_name(&self) -> &'static str {
        "TextIOWrapper"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(if self.stderr {
            "<_io.TextIOWrapper name='<stderr>' mode='w' encoding='utf-8'>".into()
        } else {
            "<_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>".into()
        })
    }
}
