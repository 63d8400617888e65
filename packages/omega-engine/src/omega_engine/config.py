"""The engine configuration: schema, validation and loading (dict, JSON or TOML file).

``load_config(source)`` returns a frozen :class:`EngineConfig` or raises one
:class:`ConfigError` that lists **every** problem found (unknown keys, wrong types, values out
of range, missing data files), each prefixed with its dotted path (``symbols[0].spec.tick_size``).
The schema is documented key by key in ``packages/omega-engine/docs/config.md``.

Relative paths are resolved against the directory of the config file (for a dict: against
``base_dir``, default the current directory). A missing section takes its defaults; no config at
all (``load_config(None)``) is the bundled default: the synthetic EURUSD M5 dataset and the
``MeanReversionZScore`` strategy with its own default parameters.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib
import json
import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeAlias

import pandas as pd

from omega_indicators.data import SIDES, TIMEFRAME_MINUTES

from .data.default_dataset import DATASET_NAME, EURUSD_SPEC_FIELDS
from .data.timestamps import TimeZoneSpec, parse_timezone, parse_utc_offset

__all__ = [
    "BacktestWindow",
    "ConfigError",
    "DataConfig",
    "EngineConfig",
    "ExecutionConfig",
    "FeeConfig",
    "OutputConfig",
    "PortfolioConfig",
    "SlippageConfig",
    "StrategyConfig",
    "SymbolConfig",
    "SymbolSpecConfig",
    "default_config",
    "load_config",
]

ConfigSource: TypeAlias = "Mapping[str, Any] | str | Path | None"
StrategyValidator: TypeAlias = "Callable[[str, Mapping[str, Any]], Sequence[str]]"
"""``(strategy name, params) -> problems``; each problem is reported under ``strategy.params``."""

BUILTIN_DATASETS = (DATASET_NAME,)
DEFAULT_STRATEGY = "MeanReversionZScore"
FORMATS = ("auto", "csv", "parquet", "mt5")
PRICE_BASES = ("mid", "bid")
SPREAD_UNITS = ("price", "points", "pips")
BAD_ROW_POLICIES = ("error", "drop")
INTRABAR_POLICIES = ("pessimistic",)
FILL_AT = ("next_open", "close")
PROGRESS_MODES = ("auto", "always", "never")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_SEED = 2**64


class ConfigError(ValueError):
    """An invalid configuration; ``problems`` lists every problem found, one line each."""

    def __init__(self, problems: Sequence[str], source: str = "config") -> None:
        self.problems = list(problems)
        self.source = source
        count = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"invalid {source} ({count} {noun}):\n{lines}")


# --------------------------------------------------------------------------------------------
# The schema, as frozen dataclasses (what the engine reads after validation)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SymbolSpecConfig:
    """Contract specification; the fields of ``omega_portfolio.SymbolSpec`` plus ``point``."""

    tick_size: float
    tick_value: float | None = None
    contract_size: float | None = None
    pip_size: float | None = None
    point: float | None = None
    """MT5 point size (the unit of MT5's SPREAD column); defaults to ``tick_size``."""
    volume_min: float = 0.0
    volume_max: float = math.inf
    volume_step: float = 0.0
    base_currency: str = ""
    quote_currency: str = ""
    account_currency: str = ""
    """Currency ``tick_value`` is in (``""``: the portfolio's account currency)."""

    @property
    def point_size(self) -> float:
        """``point``, or ``tick_size`` when not given."""
        return self.tick_size if self.point is None else self.point

    @property
    def pip(self) -> float:
        """``pip_size``, or ``tick_size`` when not given."""
        return self.tick_size if self.pip_size is None else self.pip_size

    def portfolio_spec(self, symbol: str) -> dict[str, Any]:
        """Keyword arguments of ``omega_portfolio.SymbolSpec`` (everything but ``point``)."""
        return {
            "symbol": symbol,
            "tick_size": self.tick_size,
            "tick_value": self.tick_value,
            "contract_size": self.contract_size,
            "pip_size": self.pip_size,
            "volume_min": self.volume_min,
            "volume_max": self.volume_max,
            "volume_step": self.volume_step,
            "base_currency": self.base_currency,
            "quote_currency": self.quote_currency,
            "account_currency": self.account_currency,
        }


@dataclass(frozen=True)
class DataConfig:
    """Where one symbol's candles come from, and how to read them.

    Exactly one source: ``path`` (one file holding both sides: ``bid_*``/``ask_*`` columns, mid
    or bid OHLC plus a spread column, or an MT5 export), ``files`` (``{timeframe: {"bid": path,
    "ask": path}}``, one file per side and timeframe) or ``builtin`` (a bundled dataset).
    """

    path: Path | None = None
    files: Mapping[str, Mapping[str, Path]] = field(default_factory=dict)
    builtin: str | None = None
    seed: int | None = None
    """Seed of a builtin (generated) dataset; ``None``: the dataset's documented default."""
    format: str = "auto"
    timeframe: str | None = None
    """Timeframe of ``path``; detected from the timestamps when omitted."""
    timezone: TimeZoneSpec | None = None
    """How naive timestamps in the files are read; ``None``: UTC."""
    price_basis: str | None = None
    """For a file with one OHLC set plus a spread: ``"mid"`` or ``"bid"`` (MT5 default)."""
    spread_unit: str | None = None
    """``"price"``, ``"points"`` (× ``spec.point``) or ``"pips"`` (× ``spec.pip_size``)."""
    on_bad_rows: str = "error"

    @property
    def kind(self) -> Literal["path", "files", "builtin"]:
        """Which of the three sources this is."""
        if self.builtin is not None:
            return "builtin"
        return "path" if self.path is not None else "files"


@dataclass(frozen=True)
class SymbolConfig:
    """One traded symbol: its name, data source and contract specification."""

    name: str
    data: DataConfig
    spec: SymbolSpecConfig


@dataclass(frozen=True)
class StrategyConfig:
    """The strategy by registry name, its timeframes and its parameters (passed through)."""

    name: str = DEFAULT_STRATEGY
    timeframe: str | None = None
    """Primary timeframe; ``None``: the primary timeframe of the data."""
    higher_timeframes: tuple[str, ...] = ()
    """Extra timeframes to resample the primary data to (the strategy may add its own)."""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SlippageConfig:
    """``none``; ``fixed``: ``pips`` against the trader on every fill; ``random``: uniform in
    ``[0, max_pips]`` against the trader, drawn from the seeded per-fill RNG (DESIGN §7)."""

    model: str = "none"
    pips: float = 0.0
    max_pips: float = 0.0


@dataclass(frozen=True)
class FeeConfig:
    """``none``; ``per_lot``: ``amount`` per lot and side; ``per_notional``: ``rate`` × notional
    per side — both in the account currency."""

    model: str = "none"
    amount: float = 0.0
    rate: float = 0.0


@dataclass(frozen=True)
class ExecutionConfig:
    """Settings for ``omega_execution.ExecutionSimulator``."""

    risk_per_trade: float = 100.0
    pip_buffer_factor: float = 0.5
    slippage: SlippageConfig = field(default_factory=SlippageConfig)
    fees: FeeConfig = field(default_factory=FeeConfig)
    intrabar_policy: str = "pessimistic"
    fill_at: str = "next_open"
    seed: int = 0


@dataclass(frozen=True)
class PortfolioConfig:
    """One account shared by every symbol."""

    initial_balance: float = 100_000.0
    account_currency: str = "USD"
    annualization: float = 252.0


@dataclass(frozen=True)
class BacktestWindow:
    """Primary bars with ``start <= open time < end`` (UTC) are used; ``None``: unbounded."""

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


@dataclass(frozen=True)
class OutputConfig:
    """Where and what a run writes."""

    dir: Path = Path("omega-output")
    parquet: bool = True
    report: bool = True
    progress: str = "auto"


@dataclass(frozen=True)
class EngineConfig:
    """A validated configuration (``to_dict()``: its JSON-serializable, reloadable form).
    ``base_dir`` is where relative paths were resolved; ``source`` names the input."""

    symbols: tuple[SymbolConfig, ...]
    strategy: StrategyConfig
    execution: ExecutionConfig
    portfolio: PortfolioConfig
    backtest: BacktestWindow
    output: OutputConfig
    base_dir: Path
    source: str = "config"

    def symbol(self, name: str) -> SymbolConfig:
        """The symbol called ``name``; ``KeyError`` listing the known names otherwise."""
        for symbol in self.symbols:
            if symbol.name == name:
                return symbol
        raise KeyError(f"symbol: expected one of {', '.join(s.name for s in self.symbols)}")

    def to_dict(self) -> dict[str, Any]:
        """Every setting as a JSON-serializable dict that :func:`load_config` accepts again
        (defaults filled in, paths absolute, times ISO 8601 in UTC; unset options left out)."""
        result = _jsonable(self)
        assert isinstance(result, dict)
        result.pop("base_dir", None)
        result.pop("source", None)
        return result


def _jsonable(value: Any) -> Any:
    """Dataclasses → dicts without unset (``None``/empty) fields; a slippage or fee model keeps
    only its own parameters; an infinite ``volume_max`` (the default) is left out."""
    if isinstance(value, TimeZoneSpec):
        return value.describe()
    if isinstance(value, SlippageConfig | FeeConfig):
        params = {**_SLIPPAGE_PARAMS, **_FEE_PARAMS}[value.model]
        return {"model": value.model, **{key: getattr(value, key) for key in params}}
    if hasattr(value, "__dataclass_fields__"):
        out = {}
        for name in value.__dataclass_fields__:
            item = getattr(value, name)
            if item is None or (name == "files" and not item):
                continue
            if name == "volume_max" and item == math.inf:
                continue
            out[name] = _jsonable(item)
        return out
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


EURUSD_SPEC = SymbolSpecConfig(**EURUSD_SPEC_FIELDS)
"""The spec of the bundled default symbol (a standard 5-digit EURUSD contract)."""


def default_config(base_dir: Path | None = None) -> EngineConfig:
    """What ``omega backtest`` runs with no config: EURUSD (synthetic, M5) and the reference
    ``MeanReversionZScore`` strategy with its default parameters."""
    return load_config({}, base_dir=base_dir)


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def load_config(
    source: ConfigSource = None,
    *,
    base_dir: str | Path | None = None,
    check_paths: bool = True,
    strategy_validator: StrategyValidator | None = None,
) -> EngineConfig:
    """Validates ``source`` and returns the :class:`EngineConfig`.

    ``source``: a mapping, a path to a ``.json`` or ``.toml`` file, or ``None`` (the default
    config). ``check_paths``: report data files that do not exist. ``strategy_validator``: an
    optional ``(name, params) -> [problem, ...]`` whose problems are listed with the others.
    Raises :class:`ConfigError` listing every problem.
    """
    if source is None:
        source = {}
    if isinstance(source, str | Path):
        path = Path(source)
        raw = _read_file(path)
        label = str(path)
        root = Path(base_dir) if base_dir is not None else path.resolve().parent
    elif isinstance(source, Mapping):
        raw = source
        label = "config"
        root = Path(base_dir) if base_dir is not None else Path.cwd()
    else:
        raise TypeError(
            f"config: expected a mapping, a path to a .json/.toml file or None, "
            f"got {type(source).__name__}"
        )
    checker = _Checker(root.resolve(), check_paths)
    config = checker.engine(raw, label)
    if strategy_validator is not None:
        for problem in strategy_validator(config.strategy.name, config.strategy.params):
            checker.problem("strategy.params", problem)
    if checker.problems:
        raise ConfigError(checker.problems, label)
    return config


def _read_file(path: Path) -> Mapping[str, Any]:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml"):
        raise ConfigError([f"expected a .json or .toml file, got {path.name!r}"], str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"file not found: {path}"], str(path)) from None
    except OSError as exc:
        raise ConfigError([f"cannot read the file: {exc}"], str(path)) from None
    try:
        data: Any = json.loads(text) if suffix == ".json" else _toml().loads(text)
    except ValueError as exc:  # json.JSONDecodeError and tomllib.TOMLDecodeError
        kind = "JSON" if suffix == ".json" else "TOML"
        raise ConfigError([f"not valid {kind}: {exc}"], str(path)) from None
    if not isinstance(data, Mapping):
        raise ConfigError(
            [f"expected a table/object at the top level, got {type(data).__name__}"], str(path)
        )
    return data


def _toml() -> Any:
    """``tomllib`` (Python ≥ 3.11) or its backport ``tomli``."""
    return importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")


# --------------------------------------------------------------------------------------------
# Validation. Every check records its problems and returns a usable value (the default when the
# given one is invalid); whether the config is valid is decided once, by ``problems`` being empty.
# --------------------------------------------------------------------------------------------

_TOP_KEYS = ("symbols", "strategy", "execution", "portfolio", "backtest", "output")
_SYMBOL_KEYS = ("name", "data", "spec")
_DATA_KEYS = (
    "path",
    "files",
    "builtin",
    "seed",
    "format",
    "timeframe",
    "timezone",
    "utc_offset",
    "price_basis",
    "spread_unit",
    "on_bad_rows",
)
_SPEC_KEYS = tuple(SymbolSpecConfig.__dataclass_fields__)
_STRATEGY_KEYS = tuple(StrategyConfig.__dataclass_fields__)
_EXECUTION_KEYS = tuple(ExecutionConfig.__dataclass_fields__)
_SLIPPAGE_PARAMS = {"none": (), "fixed": ("pips",), "random": ("max_pips",)}
_FEE_PARAMS = {"none": (), "per_lot": ("amount",), "per_notional": ("rate",)}
_PORTFOLIO_KEYS = tuple(PortfolioConfig.__dataclass_fields__)
_BACKTEST_KEYS = tuple(BacktestWindow.__dataclass_fields__)
_OUTPUT_KEYS = tuple(OutputConfig.__dataclass_fields__)

Check: TypeAlias = Callable[[str, Any], Any]


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Checker:
    def __init__(self, base_dir: Path, check_paths: bool) -> None:
        self.base_dir = base_dir
        self.check_paths = check_paths
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    # ---- primitives: return the checked value, or None after recording a problem ------------

    def table(self, where: str, value: Any, keys: Sequence[str]) -> Mapping[str, Any]:
        """The mapping (empty if ``value`` is not one); unknown keys are recorded."""
        if not isinstance(value, Mapping):
            self.problem(where, f"expected a table, got {_describe(value)}")
            return {}
        for key in value:
            if key not in keys:
                close = difflib.get_close_matches(str(key), keys, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.problem(
                    f"{where}.{key}" if where else str(key),
                    f"unknown key{hint}; allowed: {', '.join(keys)}",
                )
        return value

    def option(
        self, table: Mapping[str, Any], where: str, key: str, check: Check, default: Any
    ) -> Any:
        """``check`` applied to ``table[key]``; ``default`` when absent or invalid."""
        if key not in table:
            return default
        value = check(f"{where}.{key}", table[key])
        return default if value is None else value

    def number(
        self,
        where: str,
        value: Any,
        *,
        minimum: float = 0.0,
        exclusive: bool = False,
        allow_inf: bool = False,
    ) -> float | None:
        relation = ">" if exclusive else ">="
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, f"expected a number {relation} {minimum:g}, got {_describe(value)}")
            return None
        number = float(value)
        if math.isnan(number) or (math.isinf(number) and not allow_inf):
            self.problem(where, f"expected a finite number, got {value!r}")
            return None
        if number < minimum or (exclusive and number == minimum):
            self.problem(where, f"expected a number {relation} {minimum:g}, got {value!r}")
            return None
        return number

    def positive(self, where: str, value: Any) -> float | None:
        return self.number(where, value, exclusive=True)

    def non_negative(self, where: str, value: Any) -> float | None:
        return self.number(where, value)

    def seed(self, where: str, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < _MAX_SEED:
            self.problem(where, f"expected an integer in [0, 2**64), got {_describe(value)}")
            return None
        return value

    def string(self, where: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"expected a non-empty string, got {_describe(value)}")
            return None
        return value

    def choice(self, choices: Sequence[str]) -> Check:
        def check(where: str, value: Any) -> str | None:
            if not isinstance(value, str) or value not in choices:
                self.problem(where, f"expected one of {', '.join(choices)}, got {_describe(value)}")
                return None
            return value

        return check

    def boolean(self, where: str, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.problem(where, f"expected true or false, got {_describe(value)}")
            return None
        return value

    def timeframe(self, where: str, value: Any) -> str | None:
        name = value.strip().upper() if isinstance(value, str) else None
        if name not in TIMEFRAME_MINUTES:
            accepted = ", ".join(TIMEFRAME_MINUTES)
            self.problem(where, f"expected one of {accepted}, got {_describe(value)}")
            return None
        return name

    def currency(self, where: str, value: Any) -> str | None:
        if value == "":
            return ""
        if not isinstance(value, str) or not _CURRENCY.match(value):
            self.problem(where, f"expected a 3-letter upper-case code, got {_describe(value)}")
            return None
        return value

    def file(self, where: str, value: Any) -> Path | None:
        if not isinstance(value, str | Path) or not str(value).strip():
            self.problem(where, f"expected a file path, got {_describe(value)}")
            return None
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = self.base_dir / path
        if self.check_paths and not path.is_file():
            reason = "is a directory" if path.is_dir() else "file not found"
            self.problem(where, f"{reason}: {path}")
            return None
        return path

    def instant(self, where: str, value: Any, *, end: bool) -> pd.Timestamp | None:
        if isinstance(value, str):
            date_only = bool(_DATE_ONLY.match(value.strip()))
        elif isinstance(value, dt.date):
            date_only = not isinstance(value, dt.datetime)
        else:
            self.problem(where, f"expected an ISO date or datetime, got {_describe(value)}")
            return None
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            self.problem(where, f"expected an ISO date or datetime, got {value!r}")
            return None
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        result: pd.Timestamp = stamp + pd.Timedelta(days=1) if date_only and end else stamp
        return result

    # ---- sections ---------------------------------------------------------------------------

    def engine(self, raw: Mapping[str, Any], label: str) -> EngineConfig:
        top = self.table("", raw, _TOP_KEYS)
        symbols = self.symbols(top["symbols"]) if "symbols" in top else _default_symbols()
        strategy = self.strategy(top.get("strategy", {}))
        execution = self.execution(top.get("execution", {}))
        portfolio = self.portfolio(top.get("portfolio", {}))
        config = EngineConfig(
            symbols=symbols,
            strategy=strategy,
            execution=execution,
            portfolio=portfolio,
            backtest=self.backtest(top.get("backtest", {})),
            output=self.output(top.get("output", {})),
            base_dir=self.base_dir,
            source=label,
        )
        for i, symbol in enumerate(symbols):
            currency = symbol.spec.account_currency
            if currency and currency != portfolio.account_currency:
                self.problem(
                    f"symbols[{i}].spec.account_currency",
                    f"expected the portfolio's account currency {portfolio.account_currency!r} "
                    f'(or ""), got {currency!r}: tick_value is money in the account currency',
                )
        return config

    def symbols(self, value: Any) -> tuple[SymbolConfig, ...]:
        if not isinstance(value, list) or not value:
            self.problem("symbols", f"expected a non-empty list of tables, got {_describe(value)}")
            return ()
        out: list[SymbolConfig] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            symbol = self.symbol(f"symbols[{i}]", item)
            name = item.get("name") if isinstance(item, Mapping) else None
            if isinstance(name, str) and name in seen:
                self.problem(
                    f"symbols[{i}].name", f"duplicate symbol {name!r} (also symbols[{seen[name]}])"
                )
            if isinstance(name, str):
                seen.setdefault(name, i)
            if symbol is not None:
                out.append(symbol)
        return tuple(out)

    def symbol(self, where: str, value: Any) -> SymbolConfig | None:
        table = self.table(where, value, _SYMBOL_KEYS)
        if not isinstance(value, Mapping):
            return None
        for key in _SYMBOL_KEYS:
            if key not in table:
                self.problem(f"{where}.{key}", "missing (required)")
        name = self.string(f"{where}.name", table["name"]) if "name" in table else None
        spec = self.spec(f"{where}.spec", table["spec"]) if "spec" in table else None
        data = self.data(f"{where}.data", table["data"], spec) if "data" in table else None
        if name is None or spec is None or data is None:
            return None
        return SymbolConfig(name, data, spec)

    def spec(self, where: str, value: Any) -> SymbolSpecConfig | None:
        table = self.table(where, value, _SPEC_KEYS)
        if not isinstance(value, Mapping):
            return None
        values: dict[str, Any] = {}
        for key in ("tick_size", "tick_value", "contract_size", "pip_size", "point"):
            values[key] = self.option(table, where, key, self.positive, None)
        for key in ("volume_min", "volume_step"):
            values[key] = self.option(table, where, key, self.non_negative, 0.0)

        def volume_max(where: str, value: Any) -> float | None:
            return self.number(where, value, exclusive=True, allow_inf=True)

        values["volume_max"] = self.option(table, where, "volume_max", volume_max, math.inf)
        for key in ("base_currency", "quote_currency", "account_currency"):
            values[key] = self.option(table, where, key, self.currency, "")
        if "tick_size" not in table:
            self.problem(f"{where}.tick_size", "missing (required)")
        if "tick_value" not in table and "contract_size" not in table:
            self.problem(
                where, "expected tick_value or contract_size (the money value of a price move)"
            )
        if values["volume_min"] > values["volume_max"]:
            self.problem(
                f"{where}.volume_min",
                f"expected <= volume_max ({values['volume_max']:g}), got {values['volume_min']:g}",
            )
        if values["tick_size"] is None:
            return None
        return SymbolSpecConfig(**values)

    def data(self, where: str, value: Any, spec: SymbolSpecConfig | None) -> DataConfig | None:
        if isinstance(value, str | Path):  # shorthand: data = "file.csv"
            value = {"path": value}
        table = self.table(where, value, _DATA_KEYS)
        sources = [key for key in ("path", "files", "builtin") if key in table]
        if len(sources) != 1:
            got = ", ".join(sources) if sources else "none"
            self.problem(where, f"expected exactly one of path, files, builtin; got {got}")
            return None
        source = sources[0]
        if source == "builtin":
            for key in table:
                if key in _DATA_KEYS and key not in ("builtin", "seed"):
                    self.problem(f"{where}.{key}", "only applies to file data, not to a builtin")
        elif "seed" in table:
            self.problem(f"{where}.seed", "only applies to a builtin dataset")
        if source == "files" and "timeframe" in table:
            self.problem(f"{where}.timeframe", "not used with files (their keys are timeframes)")
        if "timezone" in table and "utc_offset" in table:
            self.problem(where, "expected at most one of timezone, utc_offset; got both")
        options: dict[str, Any] = {
            "path": self.option(table, where, "path", self.file, None),
            "files": self.option(table, where, "files", self.files, {}),
            "builtin": self.option(table, where, "builtin", self.choice(BUILTIN_DATASETS), None),
            "seed": self.option(table, where, "seed", self.seed, None),
            "format": self.option(table, where, "format", self.choice(FORMATS), "auto"),
            "timeframe": self.option(table, where, "timeframe", self.timeframe, None),
            "timezone": self.option(table, where, "timezone", self.zone(parse_timezone), None),
            "price_basis": self.option(table, where, "price_basis", self.choice(PRICE_BASES), None),
            "spread_unit": self.option(
                table, where, "spread_unit", self.choice(SPREAD_UNITS), None
            ),
            "on_bad_rows": self.option(
                table, where, "on_bad_rows", self.choice(BAD_ROW_POLICIES), "error"
            ),
        }
        if "utc_offset" in table and "timezone" not in table:
            options["timezone"] = self.option(
                table, where, "utc_offset", self.zone(parse_utc_offset), None
            )
        if options["spread_unit"] == "pips" and spec is not None and spec.pip_size is None:
            self.problem(f"{where}.spread_unit", "'pips' needs spec.pip_size")
        return DataConfig(**options)

    def zone(self, parse: Callable[[Any], TimeZoneSpec]) -> Check:
        def check(where: str, value: Any) -> TimeZoneSpec | None:
            try:
                return parse(value)
            except (TypeError, ValueError) as exc:
                self.problem(where, str(exc))
                return None

        return check

    def files(self, where: str, value: Any) -> dict[str, dict[str, Path]] | None:
        if not isinstance(value, Mapping) or not value:
            self.problem(
                where,
                "expected a table {timeframe = {bid = path, ask = path}, ...}, "
                f"got {_describe(value)}",
            )
            return None
        out: dict[str, dict[str, Path]] = {}
        for tf_key, sides in value.items():
            tf = self.timeframe(f"{where}.{tf_key}", tf_key)
            table = self.table(f"{where}.{tf_key}", sides, SIDES)
            paths: dict[str, Path] = {}
            for side in SIDES:
                if side not in table:
                    self.problem(f"{where}.{tf_key}.{side}", "missing (required)")
                    continue
                path = self.file(f"{where}.{tf_key}.{side}", table[side])
                if path is not None:
                    paths[side] = path
            if tf is not None and tf in out:
                self.problem(f"{where}.{tf_key}", f"timeframe {tf} given twice")
            elif tf is not None:
                out[tf] = paths
        return out

    def strategy(self, value: Any) -> StrategyConfig:
        table = self.table("strategy", value, _STRATEGY_KEYS)
        where = "strategy"
        name = self.option(table, where, "name", self.string, DEFAULT_STRATEGY)
        primary = self.option(table, where, "timeframe", self.timeframe, None)
        higher: list[str] = []
        if "higher_timeframes" in table:
            raw = table["higher_timeframes"]
            if not isinstance(raw, list):
                self.problem(
                    f"{where}.higher_timeframes",
                    f"expected a list of timeframes, got {_describe(raw)}",
                )
                raw = []
            for i, item in enumerate(raw):
                tf = self.timeframe(f"{where}.higher_timeframes[{i}]", item)
                if tf is None:
                    continue
                if primary is not None and TIMEFRAME_MINUTES[tf] <= TIMEFRAME_MINUTES[primary]:
                    self.problem(
                        f"{where}.higher_timeframes[{i}]",
                        f"expected a timeframe above the primary {primary}, got {tf}",
                    )
                higher.append(tf)
        params: Mapping[str, Any] = {}
        if "params" in table:
            if isinstance(table["params"], Mapping):
                params = dict(table["params"])
            else:
                self.problem(
                    f"{where}.params", f"expected a table, got {_describe(table['params'])}"
                )
        return StrategyConfig(name, primary, tuple(dict.fromkeys(higher)), params)

    def execution(self, value: Any) -> ExecutionConfig:
        table = self.table("execution", value, _EXECUTION_KEYS)
        where = "execution"
        default = ExecutionConfig()
        return ExecutionConfig(
            risk_per_trade=self.option(
                table, where, "risk_per_trade", self.positive, default.risk_per_trade
            ),
            pip_buffer_factor=self.option(
                table, where, "pip_buffer_factor", self.non_negative, default.pip_buffer_factor
            ),
            slippage=self.option(
                table,
                where,
                "slippage",
                self.model(_SLIPPAGE_PARAMS, SlippageConfig),
                default.slippage,
            ),
            fees=self.option(
                table, where, "fees", self.model(_FEE_PARAMS, FeeConfig), default.fees
            ),
            intrabar_policy=self.option(
                table,
                where,
                "intrabar_policy",
                self.choice(INTRABAR_POLICIES),
                default.intrabar_policy,
            ),
            fill_at=self.option(table, where, "fill_at", self.choice(FILL_AT), default.fill_at),
            seed=self.option(table, where, "seed", self.seed, default.seed),
        )

    def model(
        self, params: Mapping[str, tuple[str, ...]], cls: type[SlippageConfig] | type[FeeConfig]
    ) -> Check:
        def check(where: str, value: Any) -> SlippageConfig | FeeConfig | None:
            if not isinstance(value, Mapping):
                self.problem(where, f"expected a table with a 'model' key, got {_describe(value)}")
                return None
            if "model" not in value:
                self.problem(f"{where}.model", f"missing (one of {', '.join(params)})")
                return None
            model = self.choice(tuple(params))(f"{where}.model", value["model"])
            if model is None:
                return None
            table = self.table(where, value, ("model", *params[model]))
            options: dict[str, Any] = {"model": model}
            for key in params[model]:
                if key not in table:
                    self.problem(f"{where}.{key}", f"missing (required by model {model!r})")
                options[key] = self.option(table, where, key, self.non_negative, 0.0)
            return cls(**options)

        return check

    def portfolio(self, value: Any) -> PortfolioConfig:
        table = self.table("portfolio", value, _PORTFOLIO_KEYS)
        default = PortfolioConfig()

        def currency(where: str, value: Any) -> str | None:
            return None if value == "" else self.currency(where, value)

        return PortfolioConfig(
            initial_balance=self.option(
                table, "portfolio", "initial_balance", self.positive, default.initial_balance
            ),
            account_currency=self.option(
                table, "portfolio", "account_currency", currency, default.account_currency
            ),
            annualization=self.option(
                table, "portfolio", "annualization", self.positive, default.annualization
            ),
        )

    def backtest(self, value: Any) -> BacktestWindow:
        table = self.table("backtest", value, _BACKTEST_KEYS)

        def start(where: str, value: Any) -> pd.Timestamp | None:
            return self.instant(where, value, end=False)

        def end(where: str, value: Any) -> pd.Timestamp | None:
            return self.instant(where, value, end=True)

        window = BacktestWindow(
            self.option(table, "backtest", "start", start, None),
            self.option(table, "backtest", "end", end, None),
        )
        if window.start is not None and window.end is not None and window.start >= window.end:
            self.problem(
                "backtest.end",
                f"expected a time after start ({table['start']}), got {table['end']}",
            )
        return window

    def output(self, value: Any) -> OutputConfig:
        table = self.table("output", value, _OUTPUT_KEYS)
        default = OutputConfig()

        def directory(where: str, value: Any) -> Path | None:
            if not isinstance(value, str | Path) or not str(value).strip():
                self.problem(where, f"expected a directory path, got {_describe(value)}")
                return None
            return Path(value).expanduser()

        def progress(where: str, value: Any) -> str | None:
            if isinstance(value, bool):
                return "always" if value else "never"
            result: str | None = self.choice(PROGRESS_MODES)(where, value)
            return result

        out_dir: Path = self.option(table, "output", "dir", directory, default.dir)
        return OutputConfig(
            dir=out_dir if out_dir.is_absolute() else self.base_dir / out_dir,
            parquet=self.option(table, "output", "parquet", self.boolean, default.parquet),
            report=self.option(table, "output", "report", self.boolean, default.report),
            progress=self.option(table, "output", "progress", progress, default.progress),
        )


def _default_symbols() -> tuple[SymbolConfig, ...]:
    return (SymbolConfig("EURUSD", DataConfig(builtin=DATASET_NAME), EURUSD_SPEC),)
