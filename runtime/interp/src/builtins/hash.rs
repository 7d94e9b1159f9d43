//! CPython's hash functions (with `PYTHONHASHSEED=0`, as the conformance
//! goldens are generated) and CPython's set table layout, so `hash(x)` and
//! the iteration order of sets match CPython.

use crate::interp::Interp;
use crate::value::{Dict, HashKey, Value};
use std::cell::RefCell;

const MODULUS: u64 = (1u64 << 61) - 1;
const BITS: u32 = 61;

/// `hash(i)` for an int.
pub fn hash_int(i: i64) -> i64 {
    let a = i.unsigned_abs() % MODULUS;
    let h = if i < 0 { -(a as i64) } else { a as i64 };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash(f)` for a float.
pub fn hash_float(v: f64) -> i64 {
    if v.is_infinite() {
        return if v > 0.0 { 314159 } else { -314159 };
    }
    if v.is_nan() {
        return 0;
    }
    let (mut m, mut e) = frexp(v);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | x >> (BITS - 28);
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 { (e % BITS as i32) as u32 } else { BITS - 1 - ((-1 - e) % BITS as i32) as u32 };
    x = ((x << e) & MODULUS) | x >> (BITS - e);
    let mut h = (x as i64).wrapping_mul(sign);
    if h == -1 {
        h = -2;
    }
    h
}

fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // subnormal
        let (m, e) = frexp(v * (1u64 << 54) as f64);
        return (m, e - 54);
    }
    let e = exp - 1022;
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, e)
}

fn rotl(x: u64, b: u32) -> u64 {
    x.rotate_left(b)
}

fn siphash13(src: &[u8]) -> u64 {
    let (k0, k1) = (0u64, 0u64);
    let mut b: u64 = (src.len() as u64) << 56;
    let mut v0 = k0 ^ 0x736f6d6570736575;
    let mut v1 = k1 ^ 0x646f72616e646f6d;
    let mut v2 = k0 ^ 0x6c7967656e657261;
    let mut v3 = k1 ^ 0x7465646279746573;
    macro_rules! half_round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $s:expr, $t:expr) => {
            $a = $a.wrapping_add($b);
            $c = $c.wrapping_add($d);
            $b = rotl($b, $s) ^ $a;
            $d = rotl($d, $t) ^ $c;
            $a = rotl($a, 32);
        };
    }
    macro_rules! single_round {
        () => {
            half_round!(v0, v1, v2, v3, 13, 16);
            half_round!(v2, v1, v0, v3, 17, 21);
        };
    }
    let mut chunks = src.chunks_exact(8);
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        let mi = u64::from_le_bytes(a);
        v3 ^= mi;
        single_round!();
        v0 ^= mi;
    }
    let rest = chunks.remainder();
    let mut t = [0u8; 8];
    t[..rest.len()].copy_from_slice(rest);
    b |= u64::from_le_bytes(t);
    v3 ^= b;
    single_round!();
    v0 ^= b;
    v2 ^= 0xff;
    single_round!();
    single_round!();
    single_round!();
    (v0 ^ v1) ^ (v2 ^ v3)
}

/// `hash(s)` for a str (CPython's siphash13 over the compact representation).
pub fn hash_str(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let maxc = s.chars().map(|c| c as u32).max().unwrap_or(0);
    let bytes: Vec<u8> = if maxc < 0x100 {
        s.chars().map(|c| c as u32 as u8).collect()
    } else if maxc < 0x10000 {
        s.chars().flat_map(|c| (c as u32 as u16).to_le_bytes()).collect()
    } else {
        s.chars().flat_map(|c| (c as u32).to_le_bytes()).collect()
    };
    let h = siphash13(&bytes) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash(t)` for a tuple of item hashes.
pub fn hash_tuple(items: &[i64]) -> i64 {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let mut acc = P5;
    for &lane in items {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
    if acc == u64::MAX {
        return 1546275796;
    }
    acc as i64
}

/// Python's `hash()` of a key.
pub fn hash_of_key(k: &HashKey) -> i64 {
    match k {
        HashKey::None => 0x5f5e100,
        HashKey::Int(i) => hash_int(*i),
        HashKey::BigInt(b) => crate::interp::int::hash(b),
        HashKey::Float(b) => hash_float(f64::from_bits(*b)),
        HashKey::Str(s) => hash_str(s),
        HashKey::Tuple(t) => hash_tuple(&t.iter().map(hash_of_key).collect::<Vec<_>>()),
        HashKey::Id(id) => (*id >> 4) as i64,
        HashKey::Custom(h, _) => if *h == -1 { -2 } else { *h },
    }
}

/// Iteration order of a set: CPython's table order for the elements
/// inserted in their (insertion) order.
pub fn set_order(_interp: &mut Interp, d: &RefCell<Dict>) -> Vec<Value> {
    let b = d.borrow();
    let n = b.len();
    if n == 0 {
        return vec![];
    }
    let hashes: Vec<u64> = b.map.keys().map(|k| hash_of_key(k) as u64).collect();
    let mut mask: usize = 7;
    let mut table: Vec<Option<usize>> = vec![None; 8];
    let mut fill = 0usize;
    const LINEAR_PROBES: usize = 9;
    fn insert_clean(table: &mut [Option<usize>], mask: usize, idx: usize, hash: u64) {
        let mut perturb = hash;
        let mut i = (hash as usize) & mask;
        loop {
            if table[i].is_none() {
                table[i] = Some(idx);
                return;
            }
            if i + LINEAR_PROBES <= mask {
                for j in 1..=LINEAR_PROBES {
                    if table[i + j].is_none() {
                        table[i + j] = Some(idx);
                        return;
                    }
                }
            }
            perturb >>= 5;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
        }
    }
    for (idx, &h) in hashes.iter().enumerate() {
        insert_clean(&mut table, mask, idx, h);
        fill += 1;
        if fill * 5 >= mask * 3 {
            let minused = if fill > 50000 { fill * 2 } else { fill * 4 };
            let mut newsize = 8usize;
            while newsize <= minused {
                newsize <<= 1;
            }
            let old = std::mem::replace(&mut table, vec![None; newsize]);
            mask = newsize - 1;
            for e in old.into_iter().flatten() {
                insert_clean(&mut table, mask, e, hashes[e]);
            }
        }
    }
    let keys: Vec<&Value> = b.map.values().map(|(k, _)| k).collect();
    table.into_iter().flatten().map(|i| keys[i].clone()).collect()
}
