"""BacktestResult: atomic Parquet output and the self-contained HTML + PNG report."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omega_engine.config import load_config
from omega_engine.data import synthetic_eurusd_m5
from omega_engine.result import BacktestResult
from omega_portfolio import Portfolio, Position

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result() -> BacktestResult:
    """A real portfolio's output: 40 one-lot trades on the first 6,000 synthetic bars."""
    config = load_config(None)
    dataset = synthetic_eurusd_m5()
    ts, bid, ask = dataset.bid.timestamps[:6_000], dataset.bid.close, dataset.ask.close
    spec = config.symbols[0].spec.portfolio_spec("EURUSD")
    portfolio = Portfolio(100_000.0, account_currency="USD", symbol_specs={"EURUSD": spec})

    def mark(start: int, stop: int) -> None:
        portfolio.update_equity_batch(
            ts[start:stop], {"EURUSD": (bid[start:stop], ask[start:stop])}
        )

    marked = 0
    for n, entry in enumerate(range(50, 5_850, 145), start=1):
        exit_ = entry + 60 + (n * 37) % 80
        mark(marked, entry + 1)
        long = n % 3 != 0
        price = float(ask[entry] if long else bid[entry])
        stop = price - 0.0015 if long else price + 0.0015
        portfolio.register_entry(
            Position(n, "EURUSD", "long" if long else "short", 1.0, int(ts[entry]), price,
                     stop_loss=stop)
        )  # fmt: skip
        portfolio.register_fee(3.5, int(ts[entry]), "commission", position_id=n)
        mark(entry + 1, exit_ + 1)
        portfolio.register_exit(
            n, int(ts[exit_]), float(bid[exit_] if long else ask[exit_]), "signal"
        )
        marked = exit_ + 1
    mark(marked, 6_000)
    return BacktestResult(
        trades=portfolio.trades,
        equity=portfolio.equity_curve,
        summary=portfolio.get_summary(),
        backends={"indicators": "rust", "execution": "python", "portfolio": portfolio.backend,
                  "strategy": "python"},
        config=config.to_dict(),
        timings={"load": 0.1, "run": 0.5},
        metadata={"note": "test"},
    )  # fmt: skip


def test_parquet_round_trip(tmp_path: Path, result: BacktestResult) -> None:
    files = result.to_parquet(tmp_path / "run")
    assert sorted(p.name for p in files.values()) == [
        "equity.parquet", "result.json", "summary.parquet", "trades.parquet",
    ]  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == sorted(
        p.name for p in files.values()
    )  # no temporary files left
    back = BacktestResult.from_parquet(tmp_path / "run")
    pd.testing.assert_frame_equal(back.trades, result.trades)
    pd.testing.assert_frame_equal(back.equity, result.equity)
    assert list(back.summary) == list(result.summary)
    for key, value in result.summary.items():
        assert back.summary[key] == value or (np.isnan(value) and np.isnan(back.summary[key]))
    assert back.backends == result.backends
    assert back.config == result.config
    assert back.timings == result.timings
    assert back.metadata == result.metadata


def test_failed_write_leaves_no_partial_files(
    tmp_path: Path, result: BacktestResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    target = tmp_path / "run"
    result.to_parquet(target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    real = pq.write_table

    def failing(table: object, where: object, *args: object, **kwargs: object) -> None:
        if ".equity.parquet." in str(where):  # trades.parquet's temporary file is complete
            Path(str(where)).write_bytes(b"PAR1 half")
            raise OSError("disk full")
        real(table, where, *args, **kwargs)

    monkeypatch.setattr(pq, "write_table", failing)
    changed = BacktestResult(
        result.trades.iloc[:3], result.equity, result.summary, result.backends, result.config
    )
    with pytest.raises(OSError, match="disk full"):
        changed.to_parquet(target)
    after = {p.name: p.read_bytes() for p in target.iterdir()}
    assert after == before  # old files untouched, no temporary or half-written file left
    with pytest.raises(OSError, match="disk full"):
        changed.to_parquet(tmp_path / "fresh")
    assert list((tmp_path / "fresh").iterdir()) == []


def test_report_is_self_contained_and_embeds_the_charts(
    tmp_path: Path, result: BacktestResult
) -> None:
    files = result.report(tmp_path / "report.html")
    assert files.html == tmp_path / "report.html"
    assert files.png == tmp_path / "report.png"
    html = files.html.read_text("utf-8")
    assert not re.search(r"https?://", html)
    assert not re.search(r"<(script|link|img|iframe)\b", html)  # nothing to fetch
    assert not re.search(r"\b(src|href)=", html)
    assert html.count("<svg ") == 2  # equity and drawdown, inline
    assert '<path d="M' in html
    assert "Synthetic data." in html  # the builtin dataset is flagged
    assert "Net profit" in html
    assert html.count("<tr>") >= len(result.trades) + 1
    assert f"{result.summary['trades']:,} trades" in html
    for wave, backend in result.backends.items():
        assert f'Backend: {wave}</th><td class="n">{backend}</td>' in html
    png = files.png.read_bytes()
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 20_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.png"]


def test_report_of_an_empty_run(tmp_path: Path) -> None:
    empty = BacktestResult(
        trades=pd.DataFrame(),
        equity=pd.DataFrame({"timestamp": pd.DatetimeIndex([], tz="UTC"), "equity": []}),
        summary={"trades": 0, "net_profit": 0.0, "sharpe": float("nan")},
        backends={},
        config={},
    )
    files = empty.report(tmp_path / "empty.html")
    html = files.html.read_text("utf-8")
    assert "No trades." in html
    assert "no data" in html
    assert files.png.read_bytes().startswith(PNG_MAGIC)


def test_report_needs_an_html_name(tmp_path: Path, result: BacktestResult) -> None:
    with pytest.raises(ValueError, match=r"expected a \.html file name"):
        result.report(tmp_path / "report.pdf")
