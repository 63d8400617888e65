//! The streaming classes (`omega_indicators._rust.EmaStream`, …): one `omega-indicators`
//! streaming state per object, fed one value (or one bar) per call.
//!
//! Every class has `update(x)`, `peek(x)`, `value`, `reset()` and `copy()`; the public classes
//! of `omega_indicators.stream` wrap them (or their pure-Python twins in
//! `omega_indicators._python.stream`, same names, same signatures, same messages).
//!
//! * `update` converts the input (a `float`, or anything `PyFloat_AsDouble` takes; otherwise
//!   `TypeError: value: expected a real number, got str`), checks it
//!   ([`omega_indicators::stream_input`]: `±inf` → `ValueError`, GARCH prices `<= 0` →
//!   `ValueError`, bars with `high < low` → `ValueError`), feeds the state and remembers the
//!   output as `value`. A NaN input (or a `None` candle) returns NaN and leaves the state as it
//!   was; `value` becomes NaN, as the batch output is NaN there. A rejected input changes
//!   nothing.
//! * `peek` returns what `update` would return and changes nothing.
//! * Bar classes take `update(high, low, close)` or `update(candle)`: an object with `high`,
//!   `low` and `close` attributes, or a mapping with those keys (`collections.abc.Mapping`).
//! * Three-output classes return the `NamedTuple`s of the fallback (`MacdPoint`,
//!   `BollingerPoint`, `DmiPoint`), built here with `tuple.__new__`.
//!
//! Every constructor, `update`, `peek` and `reset` counts one served call
//! (`RUST_CALLS.record()`, one relaxed atomic add). The state structs are stored inline: an
//! `update` allocates nothing but its Python result.

// The GARCH family mirrors Python keyword APIs with up to a dozen parameters; `R`/`Q` keep
// the Python spelling.
#![allow(clippy::too_many_arguments, non_snake_case)]

use omega_core::OmegaResult;
use omega_core_py::{RUST_CALLS, to_py_err};
use omega_indicators::atr::AtrState;
use omega_indicators::bollinger::{BollingerPoint, BollingerState};
use omega_indicators::choppiness::ChoppinessState;
use omega_indicators::dema::DemaState;
use omega_indicators::dmi::{DmiPoint, DmiState};
use omega_indicators::ema::EmaState;
use omega_indicators::garch_volatility::GarchState;
use omega_indicators::garch_volatility_local::GarchLocalState;
use omega_indicators::kalman_garch_zscore::{KalmanGarchZScoreLocalState, KalmanGarchZScoreState};
use omega_indicators::kalman_mean::KalmanState;
use omega_indicators::kalman_zscore::KalmanZScoreState;
use omega_indicators::macd::{MacdPoint, MacdState};
use omega_indicators::momentum::MomentumState;
use omega_indicators::roc::RocState;
use omega_indicators::rolling_std::RollingStdState;
use omega_indicators::rsi::RsiState;
use omega_indicators::sma::SmaState;
use omega_indicators::stream_input::{check_bar, check_price, check_value};
use omega_indicators::tema::TemaState;
use omega_indicators::true_range::TrueRangeState;
use omega_indicators::zscore::ZScoreState;
use omega_indicators::{GarchParams, VolClusterState};
use pyo3::exceptions::{PyAttributeError, PyKeyError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyFloat, PyMapping, PyString, PyTuple, PyType};

/// What one `update` returns, and how Python sees it.
trait Output: Copy {
    /// The output of a NaN input (and `value` of a fresh object).
    const NAN: Self;
    /// The Python object (`float`, or the fallback's `NamedTuple`).
    fn to_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl Output for f64 {
    const NAN: Self = f64::NAN;

    #[inline(always)]
    fn to_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyFloat::new(py, self).into_any())
    }
}

/// `tuple.__new__`, which builds a `NamedTuple` instance without running its Python-level
/// `__new__`.
static TUPLE_NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static MACD_POINT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static BOLLINGER_POINT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DMI_POINT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// An instance of the `NamedTuple` `module.name` with the fields `v`.
fn named_triple<'py>(
    py: Python<'py>,
    class: &'static PyOnceLock<Py<PyType>>,
    module: &str,
    name: &str,
    v: [f64; 3],
) -> PyResult<Bound<'py, PyAny>> {
    let new = TUPLE_NEW.get_or_try_init(py, || {
        py.get_type::<PyTuple>()
            .getattr("__new__")
            .map(Bound::unbind)
    })?;
    let class = class.import(py, module, name)?;
    new.bind(py).call1((class, (v[0], v[1], v[2])))
}

impl Output for MacdPoint {
    const NAN: Self = MacdPoint {
        macd: f64::NAN,
        signal: f64::NAN,
        hist: f64::NAN,
    };

    fn to_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = [self.macd, self.signal, self.hist];
        named_triple(
            py,
            &MACD_POINT,
            "omega_indicators._python.macd",
            "MacdPoint",
            v,
        )
    }
}

impl Output for BollingerPoint {
    const NAN: Self = BollingerPoint {
        upper: f64::NAN,
        middle: f64::NAN,
        lower: f64::NAN,
    };

    fn to_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = [self.upper, self.middle, self.lower];
        let module = "omega_indicators._python.bollinger";
        named_triple(py, &BOLLINGER_POINT, module, "BollingerPoint", v)
    }
}

impl Output for DmiPoint {
    const NAN: Self = DmiPoint {
        plus_di: f64::NAN,
        minus_di: f64::NAN,
        adx: f64::NAN,
    };

    fn to_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = [self.plus_di, self.minus_di, self.adx];
        named_triple(
            py,
            &DMI_POINT,
            "omega_indicators._python.dmi",
            "DmiPoint",
            v,
        )
    }
}

/// The GARCH(1,1) parameters, flattened as the Python API spells them.
fn garch(
    alpha: f64,
    beta: f64,
    omega: Option<f64>,
    use_log_returns: bool,
    scale: f64,
    min_periods: usize,
    sigma_floor: f64,
) -> GarchParams {
    GarchParams {
        alpha,
        beta,
        omega,
        use_log_returns,
        scale,
        min_periods,
        sigma_floor,
    }
}

// ------------------------------------------------------------------------------ bar input

/// The name of a Python object's type, for messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// A number argument of `update`/`peek`: a `float` (fast path) or anything with `__float__`
/// or `__index__`, as `PyFloat_AsDouble` takes it. A wrong type is a `TypeError` naming the
/// argument: `"value: expected a real number, got str"`.
#[inline(always)]
fn number(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(f.value());
    }
    number_slow(obj, name)
}

#[cold]
#[inline(never)]
fn number_slow(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    match obj.extract::<f64>() {
        Ok(v) => Ok(v),
        // e.g. OverflowError for an int beyond the float range: raised as is.
        Err(e) if !e.is_instance_of::<PyTypeError>(obj.py()) => Err(e),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{name}: expected a real number, got {}",
            type_name(obj)
        ))),
    }
}

#[cold]
fn missing_field(candle: &Bound<'_, PyAny>, field: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "candle: expected high, low and close as attributes or mapping keys, got {} without '{field}'",
        type_name(candle)
    ))
}

/// One field of a candle: a mapping key for a `collections.abc.Mapping`, else an attribute.
fn candle_field(
    candle: &Bound<'_, PyAny>,
    is_mapping: bool,
    field: &Bound<'_, PyString>,
    name: &str,
) -> PyResult<f64> {
    let py = candle.py();
    let got = if is_mapping {
        candle.get_item(field)
    } else {
        candle.getattr(field)
    };
    match got {
        Ok(v) => number(&v, name),
        Err(e)
            if e.is_instance_of::<PyKeyError>(py) || e.is_instance_of::<PyAttributeError>(py) =>
        {
            Err(missing_field(candle, &field.to_string_lossy()))
        }
        Err(e) => Err(e),
    }
}

/// `(high, low, close)` of `update(high, low, close)` or `update(candle)`; `None` for
/// `update(None)` (a missing bar, like a NaN bar).
#[inline]
fn bar_args(
    high: &Bound<'_, PyAny>,
    low: Option<&Bound<'_, PyAny>>,
    close: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<(f64, f64, f64)>> {
    match (low, close) {
        (Some(l), Some(c)) => Ok(Some((
            number(high, "high")?,
            number(l, "low")?,
            number(c, "close")?,
        ))),
        (None, None) => {
            if high.is_none() {
                return Ok(None);
            }
            let py = high.py();
            let is_mapping = high.cast::<PyMapping>().is_ok();
            Ok(Some((
                candle_field(high, is_mapping, intern!(py, "high"), "candle.high")?,
                candle_field(high, is_mapping, intern!(py, "low"), "candle.low")?,
                candle_field(high, is_mapping, intern!(py, "close"), "candle.close")?,
            )))
        }
        (Some(_), None) => Err(PyTypeError::new_err(
            "close: expected a number after high and low (or a single candle), got None",
        )),
        (None, Some(_)) => Err(PyTypeError::new_err(
            "low: expected a number between high and close (or a single candle), got None",
        )),
    }
}

// ------------------------------------------------------------------------------ classes

/// Stamps out a class over a state fed one value per call (`update(x: float)`).
macro_rules! series_stream {
    (
        $(#[$doc:meta])*
        $class:ident: $state:ty => $out:ty, arg = $arg:ident, check = $check:path,
        $(#[$sig:meta])*
        new($($param:ident: $ptype:ty),*) => $make:expr
    ) => {
        $(#[$doc])*
        #[pyclass(module = "omega_indicators._rust")]
        pub struct $class {
            state: $state,
            last: $out,
        }

        #[pymethods]
        impl $class {
            #[new]
            $(#[$sig])*
            fn new($($param: $ptype),*) -> PyResult<Self> {
                RUST_CALLS.record();
                let state: OmegaResult<$state> = $make;
                Ok(Self {
                    state: state.map_err(to_py_err)?,
                    last: <$out as Output>::NAN,
                })
            }

            /// Feeds one value; returns the indicator after it (NaN during warm-up and for a
            /// NaN input, which leaves the state unchanged).
            fn update<'py>(
                &mut self,
                py: Python<'py>,
                $arg: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyAny>> {
                RUST_CALLS.record();
                let x = number($arg, stringify!($arg))?;
                $check(stringify!($arg), x).map_err(to_py_err)?;
                let out = self.state.update(x);
                self.last = out;
                out.to_py(py)
            }

            /// What `update` would return for this value, without committing it.
            fn peek<'py>(
                &self,
                py: Python<'py>,
                $arg: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyAny>> {
                RUST_CALLS.record();
                let x = number($arg, stringify!($arg))?;
                $check(stringify!($arg), x).map_err(to_py_err)?;
                self.state.peek(x).to_py(py)
            }

            /// The output of the last `update` (NaN before the first one).
            #[getter]
            fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.last.to_py(py)
            }

            /// Forgets every value (the parameters are kept).
            fn reset(&mut self) {
                RUST_CALLS.record();
                self.state.reset();
                self.last = <$out as Output>::NAN;
            }

            /// An independent copy (state and `value`).
            fn copy(&self) -> Self {
                Self {
                    state: self.state.clone(),
                    last: self.last,
                }
            }

            fn __copy__(&self) -> Self {
                self.copy()
            }

            fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
                self.copy()
            }
        }
    };
}

/// Stamps out a class over a state fed one bar per call (`update(high, low, close)` or
/// `update(candle)`); `$check(&state, high, low, close)` validates the bar.
macro_rules! bar_stream {
    (
        $(#[$doc:meta])*
        $class:ident: $state:ty => $out:ty, check = $check:path,
        $(#[$sig:meta])*
        new($($param:ident: $ptype:ty),*) => $make:expr
    ) => {
        $(#[$doc])*
        #[pyclass(module = "omega_indicators._rust")]
        pub struct $class {
            state: $state,
            last: $out,
        }

        #[pymethods]
        impl $class {
            #[new]
            $(#[$sig])*
            fn new($($param: $ptype),*) -> PyResult<Self> {
                RUST_CALLS.record();
                let state: OmegaResult<$state> = $make;
                Ok(Self {
                    state: state.map_err(to_py_err)?,
                    last: <$out as Output>::NAN,
                })
            }

            /// Feeds one bar (`high, low, close` or a candle); returns the indicator after it.
            /// A bar with a NaN (or a `None` candle) returns NaN and leaves the state unchanged.
            #[pyo3(signature = (high, low=None, close=None))]
            fn update<'py>(
                &mut self,
                py: Python<'py>,
                high: &Bound<'py, PyAny>,
                low: Option<&Bound<'py, PyAny>>,
                close: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                RUST_CALLS.record();
                let out = match bar_args(high, low, close)? {
                    Some((h, l, c)) => {
                        $check(&self.state, h, l, c).map_err(to_py_err)?;
                        self.state.update(h, l, c)
                    }
                    None => <$out as Output>::NAN,
                };
                self.last = out;
                out.to_py(py)
            }

            /// What `update` would return for this bar, without committing it.
            #[pyo3(signature = (high, low=None, close=None))]
            fn peek<'py>(
                &self,
                py: Python<'py>,
                high: &Bound<'py, PyAny>,
                low: Option<&Bound<'py, PyAny>>,
                close: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                RUST_CALLS.record();
                let out = match bar_args(high, low, close)? {
                    Some((h, l, c)) => {
                        $check(&self.state, h, l, c).map_err(to_py_err)?;
                        self.state.peek(h, l, c)
                    }
                    None => <$out as Output>::NAN,
                };
                out.to_py(py)
            }

            /// The output of the last `update` (NaN before the first one).
            #[getter]
            fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.last.to_py(py)
            }

            /// Forgets every bar (the parameters are kept).
            fn reset(&mut self) {
                RUST_CALLS.record();
                self.state.reset();
                self.last = <$out as Output>::NAN;
            }

            /// An independent copy (state and `value`).
            fn copy(&self) -> Self {
                Self {
                    state: self.state.clone(),
                    last: self.last,
                }
            }

            fn __copy__(&self) -> Self {
                self.copy()
            }

            fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
                self.copy()
            }
        }
    };
}

/// The bar check of the TA-Lib bar indicators.
#[inline(always)]
fn ta_bar<S>(_: &S, high: f64, low: f64, close: f64) -> OmegaResult<()> {
    check_bar(high, low, close)
}

/// The bar check of [`VolClusterState`] (depends on the mode).
#[inline(always)]
fn vol_cluster_bar(s: &VolClusterState, high: f64, low: f64, close: f64) -> OmegaResult<()> {
    s.check_bar(high, low, close)
}

series_stream! {
    /// Streaming EMA (TA-Lib seeding).
    EmaStream: EmaState => f64, arg = value, check = check_value,
    new(period: usize) => EmaState::new(period)
}

series_stream! {
    /// Streaming SMA.
    SmaStream: SmaState => f64, arg = value, check = check_value,
    new(period: usize) => SmaState::new(period)
}

series_stream! {
    /// Streaming DEMA.
    DemaStream: DemaState => f64, arg = value, check = check_value,
    new(period: usize) => DemaState::new(period)
}

series_stream! {
    /// Streaming TEMA.
    TemaStream: TemaState => f64, arg = value, check = check_value,
    new(period: usize) => TemaState::new(period)
}

series_stream! {
    /// Streaming Wilder RSI.
    RsiStream: RsiState => f64, arg = value, check = check_value,
    #[pyo3(signature = (period=14))]
    new(period: usize) => RsiState::new(period)
}

series_stream! {
    /// Streaming rate of change.
    RocStream: RocState => f64, arg = value, check = check_value,
    #[pyo3(signature = (period=10))]
    new(period: usize) => RocState::new(period)
}

series_stream! {
    /// Streaming momentum.
    MomentumStream: MomentumState => f64, arg = value, check = check_value,
    #[pyo3(signature = (period=10))]
    new(period: usize) => MomentumState::new(period)
}

series_stream! {
    /// Streaming rolling population standard deviation.
    RollingStdStream: RollingStdState => f64, arg = value, check = check_value,
    new(period: usize) => RollingStdState::new(period)
}

series_stream! {
    /// Streaming MACD → `MacdPoint(macd, signal, hist)`.
    MacdStream: MacdState => MacdPoint, arg = value, check = check_value,
    #[pyo3(signature = (fast=12, slow=26, signal=9))]
    new(fast: usize, slow: usize, signal: usize) => MacdState::new(fast, slow, signal)
}

series_stream! {
    /// Streaming Bollinger bands → `BollingerPoint(upper, middle, lower)`.
    BollingerStream: BollingerState => BollingerPoint, arg = value, check = check_value,
    #[pyo3(signature = (period=20, std_factor=2.0))]
    new(period: usize, std_factor: f64) => BollingerState::new(period, std_factor)
}

series_stream! {
    /// Streaming z-score against the rolling mean or an EMA.
    ZScoreStream: ZScoreState => f64, arg = value, check = check_value,
    #[pyo3(signature = (window=100, mean_source="rolling", ema_period=None))]
    new(window: usize, mean_source: &str, ema_period: Option<usize>) => mean_source
        .parse()
        .and_then(|source| ZScoreState::new(window, source, ema_period))
}

series_stream! {
    /// Streaming local-level Kalman mean.
    KalmanMeanStream: KalmanState => f64, arg = value, check = check_value,
    #[pyo3(signature = (R=0.01, Q=1.0))]
    new(R: f64, Q: f64) => KalmanState::new(R, Q)
}

series_stream! {
    /// Streaming Kalman z-score.
    KalmanZScoreStream: KalmanZScoreState => f64, arg = value, check = check_value,
    #[pyo3(signature = (window=100, R=0.01, Q=1.0))]
    new(window: usize, R: f64, Q: f64) => KalmanZScoreState::new(window, R, Q)
}

series_stream! {
    /// Streaming GARCH(1,1) volatility (prices > 0).
    GarchVolatilityStream: GarchState => f64, arg = value, check = check_price,
    #[pyo3(signature = (
        alpha=0.05, beta=0.90, omega=None, use_log_returns=true, scale=100.0, min_periods=50,
        sigma_floor=1e-6
    ))]
    new(
        alpha: f64,
        beta: f64,
        omega: Option<f64>,
        use_log_returns: bool,
        scale: f64,
        min_periods: usize,
        sigma_floor: f64
    ) => GarchState::new(garch(
        alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor,
    ))
}

series_stream! {
    /// Streaming local-window GARCH(1,1) volatility (prices > 0).
    GarchVolatilityLocalStream: GarchLocalState => f64, arg = value, check = check_price,
    #[pyo3(signature = (
        lookback=400, alpha=0.05, beta=0.90, omega=None, use_log_returns=true, scale=100.0,
        min_periods=50, sigma_floor=1e-6
    ))]
    new(
        lookback: usize,
        alpha: f64,
        beta: f64,
        omega: Option<f64>,
        use_log_returns: bool,
        scale: f64,
        min_periods: usize,
        sigma_floor: f64
    ) => GarchLocalState::new(lookback, garch(
        alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor,
    ))
}

series_stream! {
    /// Streaming Kalman–GARCH z-score (prices > 0).
    KalmanGarchZScoreStream: KalmanGarchZScoreState => f64, arg = value, check = check_price,
    #[pyo3(signature = (
        R=0.01, Q=1.0, alpha=0.05, beta=0.90, omega=None, use_log_returns=true, scale=100.0,
        min_periods=50, sigma_floor=1e-6
    ))]
    new(
        R: f64,
        Q: f64,
        alpha: f64,
        beta: f64,
        omega: Option<f64>,
        use_log_returns: bool,
        scale: f64,
        min_periods: usize,
        sigma_floor: f64
    ) => KalmanGarchZScoreState::new(R, Q, garch(
        alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor,
    ))
}

series_stream! {
    /// Streaming Kalman–GARCH z-score with the local-window σ (prices > 0).
    KalmanGarchZScoreLocalStream: KalmanGarchZScoreLocalState => f64, arg = value,
    check = check_price,
    #[pyo3(signature = (
        lookback=400, R=0.01, Q=1.0, alpha=0.05, beta=0.90, omega=None, use_log_returns=true,
        scale=100.0, min_periods=50, sigma_floor=1e-6
    ))]
    new(
        lookback: usize,
        R: f64,
        Q: f64,
        alpha: f64,
        beta: f64,
        omega: Option<f64>,
        use_log_returns: bool,
        scale: f64,
        min_periods: usize,
        sigma_floor: f64
    ) => KalmanGarchZScoreLocalState::new(lookback, R, Q, garch(
        alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor,
    ))
}

series_stream! {
    /// Streaming EMA fed one HTF close per closed HTF bar (`ema_stepwise`).
    EmaStepwiseStream: EmaState => f64, arg = htf_close, check = check_value,
    new(period: usize) => EmaState::new(period)
}

series_stream! {
    /// Streaming Bollinger bands fed one HTF close per closed HTF bar (`bollinger_stepwise`).
    BollingerStepwiseStream: BollingerState => BollingerPoint, arg = htf_close,
    check = check_value,
    #[pyo3(signature = (period=20, std_factor=2.0))]
    new(period: usize, std_factor: f64) => BollingerState::new(period, std_factor)
}

series_stream! {
    /// Streaming Kalman z-score fed one HTF close per closed HTF bar
    /// (`kalman_zscore_stepwise`).
    KalmanZScoreStepwiseStream: KalmanZScoreState => f64, arg = htf_close, check = check_value,
    #[pyo3(signature = (window=100, R=0.01, Q=1.0))]
    new(window: usize, R: f64, Q: f64) => KalmanZScoreState::new(window, R, Q)
}

bar_stream! {
    /// Streaming true range (NaN on the first valid bar).
    TrueRangeStream: TrueRangeState => f64, check = ta_bar,
    new() => Ok(TrueRangeState::new())
}

bar_stream! {
    /// Streaming Wilder ATR.
    AtrStream: AtrState => f64, check = ta_bar,
    #[pyo3(signature = (period=14))]
    new(period: usize) => AtrState::new(period)
}

bar_stream! {
    /// Streaming DMI → `DmiPoint(plus_di, minus_di, adx)`.
    DmiStream: DmiState => DmiPoint, check = ta_bar,
    #[pyo3(signature = (period=14))]
    new(period: usize) => DmiState::new(period)
}

bar_stream! {
    /// Streaming choppiness index.
    ChoppinessStream: ChoppinessState => f64, check = ta_bar,
    #[pyo3(signature = (period=14))]
    new(period: usize) => ChoppinessState::new(period)
}

bar_stream! {
    /// Streaming volatility feature: ATR or the local GARCH σ of the closes.
    VolClusterStream: VolClusterState => f64,
    check = vol_cluster_bar,
    #[pyo3(signature = (
        mode, atr_period=14, garch_lookback=400, alpha=0.05, beta=0.90, omega=None,
        use_log_returns=true, scale=100.0, min_periods=50, sigma_floor=1e-6
    ))]
    new(
        mode: &str,
        atr_period: usize,
        garch_lookback: usize,
        alpha: f64,
        beta: f64,
        omega: Option<f64>,
        use_log_returns: bool,
        scale: f64,
        min_periods: usize,
        sigma_floor: f64
    ) => mode.parse().and_then(|mode| {
        VolClusterState::new(mode, atr_period, garch_lookback, garch(
            alpha, beta, omega, use_log_returns, scale, min_periods, sigma_floor,
        ))
    })
}

/// Adds the streaming classes to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EmaStream>()?;
    m.add_class::<SmaStream>()?;
    m.add_class::<DemaStream>()?;
    m.add_class::<TemaStream>()?;
    m.add_class::<RsiStream>()?;
    m.add_class::<RocStream>()?;
    m.add_class::<MomentumStream>()?;
    m.add_class::<RollingStdStream>()?;
    m.add_class::<MacdStream>()?;
    m.add_class::<BollingerStream>()?;
    m.add_class::<ZScoreStream>()?;
    m.add_class::<KalmanMeanStream>()?;
    m.add_class::<KalmanZScoreStream>()?;
    m.add_class::<GarchVolatilityStream>()?;
    m.add_class::<GarchVolatilityLocalStream>()?;
    m.add_class::<KalmanGarchZScoreStream>()?;
    m.add_class::<KalmanGarchZScoreLocalStream>()?;
    m.add_class::<EmaStepwiseStream>()?;
    m.add_class::<BollingerStepwiseStream>()?;
    m.add_class::<KalmanZScoreStepwiseStream>()?;
    m.add_class::<TrueRangeStream>()?;
    m.add_class::<AtrStream>()?;
    m.add_class::<DmiStream>()?;
    m.add_class::<ChoppinessStream>()?;
    m.add_class::<VolClusterStream>()?;
    Ok(())
}
