"""Config schema and validation: every problem is listed at once, with its dotted path."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from omega_engine.config import (
    ConfigError,
    EngineConfig,
    default_config,
    load_config,
)

SPEC = {"tick_size": 0.00001, "tick_value": 1.0, "pip_size": 0.0001, "volume_step": 0.01}

TOML = """
[portfolio]
initial_balance = 25000
account_currency = "USD"

[strategy]
name = "MeanReversionZScore"
timeframe = "M5"
higher_timeframes = ["H1"]
params = { window_length = 100, z_score_long = -2.0 }

[execution]
risk_per_trade = 50.0
slippage = { model = "fixed", pips = 0.2 }
fees = { model = "per_lot", amount = 3.5 }
seed = 7

[backtest]
start = 2024-01-01
end = "2024-06-30"

[output]
dir = "out"
progress = false

[[symbols]]
name = "EURUSD"
data = { path = "data/eurusd.csv", timezone = "America/New_York+7", on_bad_rows = "drop" }
spec = { tick_size = 0.00001, tick_value = 1.0, pip_size = 0.0001, volume_min = 0.01 }

[[symbols]]
name = "GBPUSD"
data = { files = { M5 = { bid = "data/gbp_bid.csv", ask = "data/gbp_ask.csv" } } }
spec = { tick_size = 0.00001, tick_value = 1.0, base_currency = "GBP", quote_currency = "USD" }
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    for name in ("eurusd.csv", "gbp_bid.csv", "gbp_ask.csv"):
        (tmp_path / "data" / name).write_text("")
    (tmp_path / "omega.toml").write_text(TOML)
    return tmp_path


def _problems(raw: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(raw, **kwargs)
    return caught.value.problems


def test_no_config_is_the_bundled_default(tmp_path: Path) -> None:
    config = default_config(tmp_path)
    assert [s.name for s in config.symbols] == ["EURUSD"]
    assert config.symbols[0].data.builtin == "synthetic_eurusd_m5"
    assert config.symbols[0].spec.point_size == 0.00001
    assert config.strategy.name == "MeanReversionZScore"
    assert config.strategy.params == {}
    assert config.portfolio.initial_balance == 100_000.0
    assert config.execution.fill_at == "next_open"
    assert config.output.dir == tmp_path / "omega-output"
    assert load_config(None, base_dir=tmp_path) == config


def test_toml_file_with_two_symbols(project: Path) -> None:
    config = load_config(project / "omega.toml")
    assert isinstance(config, EngineConfig)
    eur, gbp = config.symbols
    assert eur.data.path == project / "data" / "eurusd.csv"  # relative to the config file
    assert eur.data.timezone is not None
    assert eur.data.timezone.describe() == "America/New_York+7"
    assert eur.data.on_bad_rows == "drop"
    assert gbp.data.kind == "files"
    assert gbp.data.files["M5"]["ask"] == project / "data" / "gbp_ask.csv"
    assert gbp.spec.portfolio_spec("GBPUSD")["base_currency"] == "GBP"
    assert config.portfolio.initial_balance == 25_000.0
    assert config.strategy.higher_timeframes == ("H1",)
    assert config.strategy.params == {"window_length": 100, "z_score_long": -2.0}
    assert config.execution.slippage.pips == 0.2
    assert config.execution.fees.amount == 3.5
    assert config.backtest.start == pd.Timestamp("2024-01-01", tz="UTC")
    assert config.backtest.end == pd.Timestamp("2024-07-01", tz="UTC")  # the whole 30 June
    assert config.output.dir == project / "out"
    assert config.output.progress == "never"


def test_json_and_toml_give_the_same_config(project: Path) -> None:
    from_toml = load_config(project / "omega.toml")
    (project / "omega.json").write_text(json.dumps(from_toml.to_dict()))
    from_json = load_config(project / "omega.json")
    assert from_json.to_dict() == from_toml.to_dict()
    assert from_json.symbols == from_toml.symbols
    assert from_json.backtest == from_toml.backtest


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    raw = {
        "symbols": [
            {
                "name": "EURUSD",
                "data": {"path": "missing.csv", "timezone": "Mars/Olympus", "formt": "csv"},
                "spec": {"tick_size": -1, "tick_value": "1.0", "volume_min": 5, "volume_max": 1},
            },
            {"name": "EURUSD", "data": {"builtin": "synthetic_eurusd_m5"}, "spec": SPEC},
            {"data": {"path": "x.csv", "builtin": "synthetic_eurusd_m5"}, "spec": {}},
        ],
        "strategy": {"name": "", "timeframe": "M7", "params": []},
        "execution": {"risk_per_trade": 0, "slipage": {}, "fees": {"model": "per_lot"},
                      "seed": -1, "fill_at": "later"},
        "portfolio": {"initial_balance": "lots", "account_currency": "usd"},
        "backtest": {"start": "2024-06-01", "end": "2024-01-01"},
        "output": {"report": "yes"},
        "extra": 1,
    }  # fmt: skip
    problems = _problems(raw, base_dir=tmp_path)
    expected = [
        "extra: unknown key",
        "symbols[0].data.formt: unknown key (did you mean 'format'?)",
        f"symbols[0].data.path: file not found: {tmp_path / 'missing.csv'}",
        "symbols[0].data.timezone: expected 'UTC', an IANA zone",
        "symbols[0].spec.tick_size: expected a number > 0, got -1",
        "symbols[0].spec.tick_value: expected a number > 0, got '1.0'",
        "symbols[0].spec.volume_min: expected <= volume_max (1), got 5",
        "symbols[1].name: duplicate symbol 'EURUSD' (also symbols[0])",
        "symbols[2].name: missing (required)",
        "symbols[2].data: expected exactly one of path, files, builtin; got path, builtin",
        "symbols[2].spec.tick_size: missing (required)",
        "strategy.name: expected a non-empty string",
        "strategy.timeframe: expected one of M1, M5",
        "strategy.params: expected a table, got a list",
        "execution.slipage: unknown key (did you mean 'slippage'?)",
        "execution.risk_per_trade: expected a number > 0, got 0",
        "execution.fees.amount: missing (required by model 'per_lot')",
        "execution.seed: expected an integer in [0, 2**64), got -1",
        "execution.fill_at: expected one of next_open, close, got 'later'",
        "portfolio.initial_balance: expected a number > 0, got 'lots'",
        "portfolio.account_currency: expected a 3-letter upper-case code, got 'usd'",
        "backtest.end: expected a time after start (2024-06-01), got 2024-01-01",
        "output.report: expected true or false, got 'yes'",
    ]
    for fragment in expected:
        assert any(p.startswith(fragment) for p in problems), (fragment, problems)
    assert len(problems) == len(expected) + 1  # + symbols[2].spec: tick_value or contract_size
    message = str(ConfigError(problems))
    assert message.startswith(f"invalid config ({len(problems)} problems):\n  - ")


def test_unknown_and_inapplicable_data_keys(tmp_path: Path) -> None:
    problems = _problems(
        {"symbols": [{"name": "X", "spec": SPEC,
                      "data": {"builtin": "synthetic_eurusd_m5", "timezone": "UTC"}},
                     {"name": "Y", "spec": SPEC,
                      "data": {"path": "y.csv", "seed": 1, "timezone": "UTC",
                               "utc_offset": 2}}]},
        base_dir=tmp_path, check_paths=False,
    )  # fmt: skip
    assert problems == [
        "symbols[0].data.timezone: only applies to file data, not to a builtin",
        "symbols[1].data.seed: only applies to a builtin dataset",
        "symbols[1].data: expected at most one of timezone, utc_offset; got both",
    ]


def test_account_currency_of_a_spec_must_match_the_portfolio() -> None:
    spec = {**SPEC, "account_currency": "EUR"}
    problems = _problems(
        {"symbols": [{"name": "X", "data": {"builtin": "synthetic_eurusd_m5"}, "spec": spec}]}
    )
    assert problems == [
        "symbols[0].spec.account_currency: expected the portfolio's account currency 'USD' "
        "(or \"\"), got 'EUR': tick_value is money in the account currency"
    ]


def test_strategy_validator_problems_join_the_list() -> None:
    def validator(name: str, params: Any) -> list[str]:
        return [f"unknown parameter {key!r} for {name}" for key in params if key != "ok"]

    problems = _problems(
        {"strategy": {"params": {"ok": 1, "z_scor": 2}}, "portfolio": {"initial_balance": -1}},
        strategy_validator=validator,
    )
    assert problems == [
        "portfolio.initial_balance: expected a number > 0, got -1",
        "strategy.params: unknown parameter 'z_scor' for MeanReversionZScore",
    ]


def test_higher_timeframes_must_be_above_the_primary() -> None:
    problems = _problems({"strategy": {"timeframe": "H1", "higher_timeframes": ["M15", "H4"]}})
    assert problems == [
        "strategy.higher_timeframes[0]: expected a timeframe above the primary H1, got M15"
    ]


def test_files_are_checked(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[portfolio\ninitial_balance = 1")
    assert "not valid TOML" in _problems(tmp_path / "bad.toml")[0]
    (tmp_path / "list.json").write_text("[1, 2]")
    assert "expected a table/object at the top level" in _problems(tmp_path / "list.json")[0]
    assert "file not found" in _problems(tmp_path / "nope.toml")[0]
    assert "expected a .json or .toml file" in _problems(tmp_path / "config.yaml")[0]
    with pytest.raises(TypeError, match="expected a mapping, a path"):
        load_config(42)  # type: ignore[arg-type]


def test_numbers_and_infinities() -> None:
    ok = load_config(
        {"symbols": [{"name": "X", "data": {"builtin": "synthetic_eurusd_m5"},
                      "spec": {**SPEC, "volume_max": math.inf}}]}
    )  # fmt: skip
    assert ok.symbols[0].spec.volume_max == math.inf
    assert "volume_max" not in ok.to_dict()["symbols"][0]["spec"]  # the default
    problems = _problems({"portfolio": {"initial_balance": math.nan, "annualization": True}})
    assert problems == [
        "portfolio.initial_balance: expected a finite number, got nan",
        "portfolio.annualization: expected a number > 0, got True",
    ]


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    docs = Path(__file__).parents[1] / "docs" / "config.md"
    example = docs.read_text("utf-8").split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "omega.toml").write_text(example)
    config = load_config(tmp_path / "omega.toml", check_paths=False)
    assert [s.name for s in config.symbols] == ["EURUSD", "GBPUSD"]
    assert config.symbols[0].spec.volume_max == 100.0
    assert config.symbols[1].data.files["M5"]["bid"] == tmp_path / "data" / "gbpusd_bid.parquet"
