"""The result of a backtest: trades, equity curve, summary, backends, config and timings —
with Parquet output (atomic) and a self-contained HTML report plus a PNG equity chart.

Files written by :meth:`BacktestResult.to_parquet` (layout in ``docs/reports.md``):
``trades.parquet``, ``equity.parquet``, ``summary.parquet`` (one row, the summary keys in
order) and ``result.json`` (backends, config, timings, metadata). Every file is first written
under a temporary name in the target directory; only when all of them are complete are they
renamed into place, so a failure leaves no partial or half-replaced output behind.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["BacktestResult", "ReportFiles", "atomic_files"]

TRADES, EQUITY, SUMMARY, META = "trades.parquet", "equity.parquet", "summary.parquet", "result.json"


@dataclass(frozen=True)
class ReportFiles:
    """What :meth:`BacktestResult.report` wrote."""

    html: Path
    png: Path


@dataclass(frozen=True)
class BacktestResult:
    """Everything a run produced.

    ``trades`` and ``equity`` are the portfolio's DataFrames (``omega_portfolio`` columns:
    ``timestamp, equity, balance, peak, drawdown, drawdown_pct`` for the curve); ``summary`` is
    ``Portfolio.get_summary()``; ``backends`` maps each wave to the backend that actually served
    it; ``config`` is ``EngineConfig.to_dict()``; ``timings`` are seconds per phase
    (``load``, ``run``, …); ``metadata`` holds anything else worth keeping (JSON-serializable);
    ``symbol_summaries`` maps each symbol to the statistics of its closed trades
    (:func:`omega_engine.symbols.symbol_summaries`; in ``result.json``).
    """

    trades: pd.DataFrame
    equity: pd.DataFrame
    summary: Mapping[str, Any]
    backends: Mapping[str, str]
    config: Mapping[str, Any]
    timings: Mapping[str, float] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    symbol_summaries: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    # ---- Parquet ------------------------------------------------------------------------------

    def to_parquet(self, directory: str | Path) -> dict[str, Path]:
        """Writes the four files into ``directory`` (created if needed), atomically as a set;
        returns their paths by name."""
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415

        meta = {
            "backends": dict(self.backends),
            "config": self.config,
            "timings": dict(self.timings),
            "metadata": self.metadata,
            "symbol_summaries": self.symbol_summaries,
        }
        summary = pd.DataFrame([dict(self.summary)])

        def parquet(frame: pd.DataFrame) -> Callable[[Path], None]:
            def write(path: Path) -> None:
                pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)

            return write

        def write_json(path: Path) -> None:
            path.write_text(json.dumps(_jsonable(meta), indent=2, allow_nan=False) + "\n", "utf-8")

        writers = {
            TRADES: parquet(self.trades),
            EQUITY: parquet(self.equity),
            SUMMARY: parquet(summary),
            META: write_json,
        }
        directory = Path(directory)
        with atomic_files(directory, list(writers)) as temporary:
            for name, write in writers.items():
                write(temporary[name])
        return {name: directory / name for name in writers}

    @classmethod
    def from_parquet(cls, directory: str | Path) -> BacktestResult:
        """Reads what :meth:`to_parquet` wrote."""
        import pyarrow.parquet as pq  # noqa: PLC0415

        directory = Path(directory)
        meta = json.loads((directory / META).read_text("utf-8"))
        summary = pq.read_table(directory / SUMMARY).to_pandas()
        row = summary.iloc[0].to_dict() if len(summary) else {}
        return cls(
            trades=pq.read_table(directory / TRADES).to_pandas(),
            equity=pq.read_table(directory / EQUITY).to_pandas(),
            summary={str(k): _python_number(v) for k, v in row.items()},
            backends=meta["backends"],
            config=meta["config"],
            timings=meta["timings"],
            metadata=meta["metadata"],
            symbol_summaries=meta.get("symbol_summaries", {}),
        )

    # ---- Report -------------------------------------------------------------------------------

    def report(self, path: str | Path, *, title: str | None = None) -> ReportFiles:
        """Writes a self-contained HTML report to ``path`` (no network references: inline CSS
        and SVG charts) and a PNG of the equity and drawdown curves next to it (same name,
        ``.png``). Both files are written atomically."""
        from .report_html import render_html  # noqa: PLC0415
        from .report_png import render_png  # noqa: PLC0415

        html_path = Path(path)
        if html_path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"path: expected a .html file name, got {str(path)!r}")
        png_path = html_path.with_suffix(".png")
        html = render_html(self, title=title, png_name=png_path.name)
        with atomic_files(html_path.parent, [html_path.name, png_path.name]) as temporary:
            temporary[html_path.name].write_text(html, encoding="utf-8")
            render_png(self, temporary[png_path.name], title=title)
        return ReportFiles(html_path, png_path)


@contextmanager
def atomic_files(directory: Path, names: list[str]) -> Iterator[dict[str, Path]]:
    """Temporary paths for ``names`` inside ``directory`` (hidden, unique; the caller creates
    the files); on success they are renamed to the final names (``os.replace``, atomic per
    file), on any error every temporary file is deleted and nothing is renamed."""
    directory.mkdir(parents=True, exist_ok=True)
    token = f"{os.getpid()}.{uuid.uuid4().hex[:12]}"
    temporary = {name: directory / f".{name}.{token}.tmp" for name in names}
    try:
        yield temporary
    except BaseException:
        for path in temporary.values():
            path.unlink(missing_ok=True)
        raise
    for name, path in temporary.items():
        os.replace(path, directory / name)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "nan", "inf": JSON has no such numbers
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return str(value)


def _python_number(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
