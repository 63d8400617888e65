"""Market data for the engine: loading (CSV, Parquet, MetaTrader 5), format detection,
resampling, the bundled synthetic dataset and file inspection. Rules: ``docs/data.md``."""

from .default_dataset import DEFAULT_SEED, SyntheticDataset, synthetic_eurusd_m5
from .errors import BadRow, BadRowsError, DataError, DroppedRowsWarning
from .formats import DetectedFormat, Layout, detect_format, detect_timeframe
from .inspect import Inspection, format_inspection, inspect_file
from .loaders import (
    LoadedCandles,
    LoadReport,
    SymbolData,
    load_candles,
    load_market_data,
    load_symbol_data,
)
from .mt5 import write_mt5
from .resample import resample
from .timestamps import TimeZoneSpec, parse_timezone, parse_utc_offset

__all__ = [
    "DEFAULT_SEED",
    "BadRow",
    "BadRowsError",
    "DataError",
    "DetectedFormat",
    "DroppedRowsWarning",
    "Inspection",
    "Layout",
    "LoadReport",
    "LoadedCandles",
    "SymbolData",
    "SyntheticDataset",
    "TimeZoneSpec",
    "detect_format",
    "detect_timeframe",
    "format_inspection",
    "inspect_file",
    "load_candles",
    "load_market_data",
    "load_symbol_data",
    "parse_timezone",
    "parse_utc_offset",
    "resample",
    "synthetic_eurusd_m5",
    "write_mt5",
]
