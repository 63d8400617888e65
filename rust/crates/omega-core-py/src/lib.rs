//! Helpers every Omega binding crate shares.
//!
//! Binding crates only convert arguments and delegate to a core crate; the three things they
//! all need live here once:
//! - [`to_py_err`]: [`OmegaError`] → `ValueError` / `TypeError` / `RuntimeError`;
//! - [`run_detached`]: run a kernel with the GIL released and no panic crossing the FFI;
//! - [`CallCounter`]: how many calls the Rust backend actually served (the engine's
//!   end-to-end backend verification reads these counts, never the flags);
//! - [`as_slice`]: borrow a numpy array as a slice without copying, or say why not.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

use numpy::{Element, PyReadonlyArray1, PyUntypedArrayMethods};
use omega_core::{ErrorKind, OmegaError};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

/// Maps an [`OmegaError`] onto the Python exception class its [`ErrorKind`] names.
pub fn to_py_err(err: OmegaError) -> PyErr {
    let message = err.to_string();
    match err.kind() {
        ErrorKind::Value => PyValueError::new_err(message),
        ErrorKind::Type => PyTypeError::new_err(message),
        ErrorKind::Runtime => PyRuntimeError::new_err(message),
    }
}

/// Borrows a 1-D numpy array as a slice (no copy); `TypeError` naming `name` if it is not
/// C-contiguous. Dtype and byte order were already checked when the argument was extracted.
pub fn as_slice<'a, T: Element>(
    name: &str,
    array: &'a PyReadonlyArray1<'_, T>,
) -> PyResult<&'a [T]> {
    array.as_slice().map_err(|_| {
        to_py_err(OmegaError::invalid_type(
            name,
            "a C-contiguous 1-D array",
            format!("an array with strides {:?}", array.strides()),
        ))
    })
}

/// Runs `kernel` with the GIL released; maps its error and turns a panic into `RuntimeError`.
///
/// `what` names the operation for the panic message (a panic is an Omega bug, reported as such).
pub fn run_detached<T, F>(py: Python<'_>, what: &str, kernel: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> Result<T, OmegaError> + Send,
{
    caught(what, py.detach(|| catch_unwind(AssertUnwindSafe(kernel))))
}

/// [`run_detached`] without releasing the GIL: for O(1) work (one strategy decision per bar),
/// where releasing and re-taking the GIL would cost more than the work.
pub fn run_attached<T, F>(what: &str, kernel: F) -> PyResult<T>
where
    F: FnOnce() -> Result<T, OmegaError>,
{
    caught(what, catch_unwind(AssertUnwindSafe(kernel)))
}

fn caught<T>(what: &str, outcome: std::thread::Result<Result<T, OmegaError>>) -> PyResult<T> {
    match outcome {
        Ok(result) => result.map_err(to_py_err),
        Err(payload) => Err(PyRuntimeError::new_err(format!(
            "internal error in {what}: {} (please report this)",
            panic_message(payload.as_ref())
        ))),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// A process-wide count of calls served by one extension module.
#[derive(Debug, Default)]
pub struct CallCounter(AtomicU64);

impl CallCounter {
    /// A counter at zero, usable in a `static`.
    pub const fn new() -> Self {
        Self(AtomicU64::new(0))
    }

    /// Records one served call.
    pub fn record(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Calls recorded so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Calls served by the extension this crate is linked into.
///
/// Each binding crate is its own cdylib with its own copy of this static, so the count is per
/// wave. Every binding function that does work calls `RUST_CALLS.record()` once.
pub static RUST_CALLS: CallCounter = CallCounter::new();

/// Number of calls the Rust backend of this extension has served in this process.
#[pyfunction]
pub fn call_count() -> u64 {
    RUST_CALLS.get()
}

/// Exercises the shared core types once; `Err` names what failed.
///
/// The Python side calls each extension's `self_check()` before choosing the Rust backend, so
/// an extension that imports but cannot run is treated as unavailable.
pub fn core_self_check() -> PyResult<()> {
    use omega_core::{OhlcvColumns, Side, Timeframe};
    let fail = |what: String| PyRuntimeError::new_err(format!("self-check failed: {what}"));
    for tf in Timeframe::ALL {
        if tf.as_str().parse::<Timeframe>() != Ok(tf) {
            return Err(fail(format!("timeframe {tf} does not round-trip")));
        }
    }
    for side in Side::ALL {
        if side.as_str().parse::<Side>() != Ok(side) {
            return Err(fail(format!("side {side} does not round-trip")));
        }
    }
    let (t, p, v) = ([0_i64, 60_000_000], [1.0, 1.0], [0.0, 0.0]);
    OhlcvColumns::new(&t, &p, &p, &p, &p, &v).map_err(|e| fail(e.to_string()))?;
    Ok(())
}

/// Registers what every Omega extension exposes: `__version__` and `call_count()`.
pub fn add_backend_api(m: &Bound<'_, PyModule>, version: &str) -> PyResult<()> {
    m.add("__version__", version)?;
    m.add_function(wrap_pyfunction!(call_count, m)?)?;
    Ok(())
}
