"""The PNG of a result's equity curve (equity and balance above, drawdown % below)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .report_data import Curve, curve

if TYPE_CHECKING:
    from .result import BacktestResult

__all__ = ["render_png"]


def render_png(result: BacktestResult, path: Path, *, title: str | None = None) -> None:
    """Draws the chart into ``path`` with matplotlib's Agg canvas (no display, no pyplot
    global state)."""
    import matplotlib as mpl  # noqa: PLC0415  (imported on use: it is slow to import)

    with mpl.rc_context({"date.converter": "concise"}):  # compact date labels on the x axis
        _draw(curve(result), path, title)


def _draw(data: Curve, path: Path, title: str | None) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    figure = Figure(figsize=(11, 6.2), dpi=110)
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1, height_ratios=(3, 1.2), hspace=0.08)
    top = figure.add_subplot(grid[0])
    bottom = figure.add_subplot(grid[1], sharex=top)
    if len(data.times):
        times = data.times.tz_localize(None).to_numpy()
        top.plot(times, data.equity, color="#1f5fbf", linewidth=1.2, label="equity")
        top.plot(times, data.balance, color="#7a7a7a", linewidth=1.0, linestyle="--",
                 label="balance")  # fmt: skip
        top.legend(loc="upper left", frameon=False)
        drawdown = -data.drawdown_pct
        bottom.fill_between(times, drawdown, 0.0, color="#c0392b", alpha=0.35, linewidth=0)
        bottom.plot(times, drawdown, color="#c0392b", linewidth=0.8)
    else:
        top.text(0.5, 0.5, "no equity data", ha="center", va="center", transform=top.transAxes)
    top.set_title(title or data.title, loc="left", fontsize=12)
    top.set_ylabel(f"equity ({data.currency})" if data.currency else "equity")
    bottom.set_ylabel("drawdown %")
    for axes in (top, bottom):
        axes.grid(True, color="#e3e3e3", linewidth=0.6)
        axes.spines[["top", "right"]].set_visible(False)
    top.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    top.tick_params(labelbottom=False)
    figure.subplots_adjust(left=0.08, right=0.98, top=0.93, bottom=0.08)
    figure.savefig(path, format="png", metadata={"Software": None})
