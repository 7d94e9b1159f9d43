//! A persistent pool of helper threads for splitting one kernel call (a large
//! GEMM, a large elementwise kernel) across the cores.
//!
//! [`run_blocks`] runs `f(0)`, …, `f(n-1)` once each. The calling thread
//! works on the blocks itself, and helper threads that are awake take blocks
//! too; when the caller has run out of blocks it waits only for helpers that
//! are *inside* a block, never for a helper that has not started yet. So a
//! core that is busy with other work (a shared machine) delays a call by at
//! most one block, where spawning threads per call (`std::thread::scope`)
//! waits for every spawned thread to be scheduled, and `rayon`'s scopes run
//! the work on pool threads that must first be woken (both measured: ~4 ms
//! tails on a loaded 2-core machine for a ~2 ms product).
//!
//! Hand-offs cost no system call while the helpers are awake: idle helpers
//! poll the job counter ([`spin`]: `pause` loops, a `sched_yield` between
//! rounds) for [`SPIN`] before they sleep on a condition variable, and the
//! condition variables are only signalled when someone sleeps on them. A
//! loop of small products (an RNN step: ~14 µs per product on 2 cores)
//! spent a third of its time in `futex`/`sched_yield` calls before.
//!
//! One job runs at a time: a call made while another is in progress (from a
//! second thread, or from inside a block) runs all its blocks on the calling
//! thread. Blocks must not panic: a panicking block ends its helper thread
//! (the caller still returns, and the panic's message is printed).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// The job the helpers may join: a lifetime-erased pointer to the caller's
/// closure and the shared block counter.
#[derive(Clone)]
struct Job {
    /// The caller's closure. Only dereferenced by a helper that registered
    /// in [`Pool::active`] while the job was posted (see [`run_blocks`]).
    f: *const (dyn Fn(usize) + Sync + 'static),
    /// The next unclaimed block.
    next: Arc<AtomicUsize>,
    /// How many blocks.
    n: usize,
}

// SAFETY: `f` points to a `Sync` closure that outlives every use (the
// posting caller does not return while a helper is registered in `active`).
unsafe impl Send for Job {}

/// The pool's lock-protected state, behind [`Pool::state`].
struct State {
    /// The posted job, if any.
    job: Option<Job>,
    /// Incremented per posted job, so a helper joins each job once.
    generation: u64,
    /// Helpers asleep on [`Pool::posted`] (only then is it signalled).
    sleepers: usize,
    /// Whether the caller sleeps on [`Pool::left`].
    caller_asleep: bool,
}

/// The helper threads' shared state.
struct Pool {
    state: Mutex<State>,
    /// Signalled when a job is posted and a helper sleeps.
    posted: Condvar,
    /// Signalled when the last active helper leaves a job and the caller sleeps.
    left: Condvar,
    /// A copy of [`State::generation`] that idle helpers poll.
    generation: AtomicU64,
    /// Helpers currently inside the posted job. Only incremented under the
    /// lock while a job is posted, so once the caller has closed the job
    /// (under the lock) it can only fall.
    active: AtomicUsize,
}

/// How long a helper polls for the next job before it sleeps on the
/// condition variable, and how long the caller polls for helpers to leave
/// before it sleeps. The products of one call (a forward pass, a training
/// step) come microseconds to a few milliseconds apart: a polling helper
/// starts at once and keeps its core, where a sleeping one must be woken
/// and is then often queued on the caller's own (busy) core.
const SPIN: Duration = Duration::from_millis(2);

/// `pause` instructions per polling round, between the yields that let a
/// thread sharing the core (on a loaded machine) run: a few microseconds.
const PAUSES: usize = 64;

/// Polls `done` with `pause` loops, yielding the core between rounds, until
/// it holds (true) or [`SPIN`] has passed (false). Pure spinning without the
/// yields made a product 1.5× slower than on one thread when a helper shared
/// a core with the caller (a loaded 2-core machine); yielding after every
/// check cost a system call per check (~1–2 µs of hand-off latency each).
fn spin(done: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    loop {
        for _ in 0..PAUSES {
            if done() {
                return true;
            }
            std::hint::spin_loop();
        }
        if start.elapsed() >= SPIN {
            return done();
        }
        std::thread::yield_now();
    }
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Blocks never panic while holding the lock; recover regardless.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

thread_local! {
    /// Set while this thread runs a block. A call from inside a block runs
    /// its blocks on this thread: the posted job may already be closed (the
    /// caller ran out of blocks while a helper is still inside one), and a
    /// helper that posted a new job would wait for itself to leave the old
    /// one.
    static IN_BLOCK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Clears [`IN_BLOCK`] again (also if a block panics).
struct InBlock(bool);
impl Drop for InBlock {
    fn drop(&mut self) {
        IN_BLOCK.with(|b| b.set(self.0));
    }
}

/// Claims and runs blocks `0..n` (shared counter `next`) until none are left.
fn work(next: &AtomicUsize, n: usize, f: &(dyn Fn(usize) + Sync)) {
    let _restore = InBlock(IN_BLOCK.with(|b| b.replace(true)));
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= n {
            return;
        }
        f(i);
    }
}

/// Leaves a job: decrements `active` (also if a block panics, so the caller
/// is never left waiting) and wakes a sleeping caller.
struct Leave<'a>(&'a Pool);
impl Drop for Leave<'_> {
    fn drop(&mut self) {
        if self.0.active.fetch_sub(1, Ordering::AcqRel) == 1 {
            // Under the lock: a caller that found `active` > 0 and went to
            // sleep set `caller_asleep` under it first.
            let st = self.0.lock();
            if st.caller_asleep {
                self.0.left.notify_all();
            }
        }
    }
}

/// A helper thread's loop: wait for a new job, join it, run blocks, leave.
fn helper(pool: &'static Pool) {
    let mut seen = 0u64;
    loop {
        spin(|| pool.generation.load(Ordering::Acquire) != seen);
        let job = {
            let mut st = pool.lock();
            loop {
                if st.generation != seen {
                    seen = st.generation;
                    if let Some(job) = st.job.clone() {
                        pool.active.fetch_add(1, Ordering::AcqRel);
                        break job;
                    }
                }
                st.sleepers += 1;
                st = pool.posted.wait(st).unwrap_or_else(|e| e.into_inner());
                st.sleepers -= 1;
            }
        };
        let _leave = Leave(pool);
        // SAFETY: registered in `active` while the job was posted; the
        // caller keeps the closure alive until `active` is back to 0.
        let f = unsafe { &*job.f };
        work(&job.next, job.n, f);
    }
}

/// The pool, started on first use with one helper per core beyond the first.
fn pool() -> &'static Pool {
    static POOL: OnceLock<&'static Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = threads();
        let pool: &'static Pool = Box::leak(Box::new(Pool {
            state: Mutex::new(State { job: None, generation: 0, sleepers: 0, caller_asleep: false }),
            posted: Condvar::new(),
            left: Condvar::new(),
            generation: AtomicU64::new(0),
            active: AtomicUsize::new(0),
        }));
        for i in 1..cores {
            // A helper that fails to start only means less parallelism.
            let _ = std::thread::Builder::new().name(format!("tfjit-pool-{i}")).spawn(move || helper(pool));
        }
        pool
    })
}

/// How many threads [`run_blocks`] can use (the caller plus the helpers).
pub fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |c| c.get()))
}

/// Closes the posted job and waits for the helpers inside it (also when the
/// caller's own block panics, so no helper outlives the borrowed closure).
struct Close<'a>(&'a Pool);
impl Drop for Close<'_> {
    fn drop(&mut self) {
        let pool = self.0;
        pool.lock().job = None;
        // The helpers still inside are finishing one block each: poll (a
        // sleeping caller must be woken, which on a busy machine can take a
        // scheduler slice), then sleep if that takes unusually long.
        if spin(|| pool.active.load(Ordering::Acquire) == 0) {
            return;
        }
        let mut st = pool.lock();
        while pool.active.load(Ordering::Acquire) > 0 {
            st.caller_asleep = true;
            st = pool.left.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.caller_asleep = false;
    }
}

/// Runs `f(i)` once for each `i` in `0..n`, on the calling thread and on the
/// pool's helper threads; returns when all have run. Blocks may run in any
/// order and concurrently, so they must not depend on each other.
pub fn run_blocks(n: usize, f: &(dyn Fn(usize) + Sync)) {
    if n <= 1 || threads() < 2 || IN_BLOCK.with(|b| b.get()) {
        (0..n).for_each(f);
        return;
    }
    let pool = pool();
    let next = Arc::new(AtomicUsize::new(0));
    let wake = {
        let mut st = pool.lock();
        if st.job.is_some() {
            drop(st);
            (0..n).for_each(f);
            return;
        }
        // SAFETY (lifetime erasure): the `Close` guard below removes the job
        // and waits until no helper is inside it before this function
        // returns or unwinds, so `f` outlives every helper's use of it.
        let f: *const (dyn Fn(usize) + Sync + '_) = f;
        let f: *const (dyn Fn(usize) + Sync + 'static) = unsafe { std::mem::transmute(f) };
        st.job = Some(Job { f, next: next.clone(), n });
        st.generation = st.generation.wrapping_add(1);
        pool.generation.store(st.generation, Ordering::Release);
        st.sleepers > 0
    };
    let _close = Close(pool);
    if wake {
        pool.posted.notify_all();
    }
    work(&next, n, f);
}

#[cfg(test)]
mod tests {
    use super::run_blocks;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A call from inside a block (here: while the outer job may already be
    /// closed) runs on the calling thread and returns.
    #[test]
    fn nested_calls_return() {
        for _ in 0..200 {
            let hits = AtomicUsize::new(0);
            run_blocks(2, &|_| {
                run_blocks(4, &|_| {
                    hits.fetch_add(1, Ordering::Relaxed);
                });
            });
            assert_eq!(hits.load(Ordering::Relaxed), 8);
        }
    }

    /// Every block runs exactly once, also with concurrent callers.
    #[test]
    fn each_block_once() {
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for n in [0usize, 1, 2, 7, 64] {
                        let hits: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
                        run_blocks(n, &|i| {
                            hits[i].fetch_add(1, Ordering::Relaxed);
                        });
                        assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
                    }
                });
            }
        });
    }
}
