//! The source stage of tfjit: parse Python with `rustpython-parser`, check
//! that it stays inside the supported subset (SPEC §2), and — next issue —
//! AutoGraph's conversion of tensor control flow.
