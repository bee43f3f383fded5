"""The drawing kit behind the report's plots: one style, figures without pyplot, PNG `data:` URIs, and the
two bar layouts every per-system or per-outcome plot uses.

matplotlib is imported inside the functions, never at module level: it costs about half a second, which
`caas-sandbox --help` must not pay. Figures are built without pyplot, so no global figure registry grows
while a long suite renders.
"""

from __future__ import annotations

import io
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from reports._runs import ScenarioRuns


@dataclass(frozen=True)
class Plot:
    title: str
    caption: str
    uri: str | None = None  # None: nothing to draw, and the caption says why
    wide: bool = True  # the small per-system bar charts sit side by side


@contextmanager
def style() -> Iterator[None]:
    import matplotlib

    # rc_context, not rcParams: the report must not restyle plots drawn elsewhere in the same process.
    with matplotlib.rc_context(
        {
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.frameon": False,
        }
    ):
        yield


def new_figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **kw: Any) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)  # Agg, explicitly: never a GUI backend, whatever the environment says
    axes = figure.subplots(nrows, ncols, squeeze=False, **kw)
    return figure, axes


def png_bytes(figure: Any, dpi: float = 110) -> bytes:
    # savefig would lay a constrained figure out in a draw of its own before the one it renders: laid out
    # here, at the output's dpi, it is the same picture, byte for byte, with one draw fewer.
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    figure.set_dpi(dpi)
    ConstrainedLayoutEngine().execute(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + b64encode(png).decode("ascii")


def png_uri(figure: Any) -> str:
    return data_uri(png_bytes(figure))


def time_scale(duration_s: float) -> tuple[float, str]:
    return (3600.0, "simulated time (hours)") if duration_s > 3 * 3600 else (60.0, "simulated time (minutes)")


def top_legend(ax: Any, handles_from: list[Any]) -> None:
    """One legend above the plot, outside the data: a breaker open at the end would hide under it."""
    seen: dict[str, Any] = {}
    for source in handles_from:
        for handle, label in zip(*source.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    if len(seen) > 1 or {"fault window", "core down", "alert paged"} & seen.keys():
        ax.legend(seen.values(), seen.keys(), loc="lower right", bbox_to_anchor=(1, 1), ncol=len(seen))


def hbars(ax: Any, runs: ScenarioRuns, rows: tuple[tuple[str, str, str], ...]) -> None:
    """Horizontal bars, first row on top, mean with a min-max whisker and the mean written at the end."""
    labels, means, low, high, colours = [], [], [], [], []
    for label, metric, colour in rows:
        stat = runs.stat(metric)
        mean, lo, hi = (stat.mean, stat.lo, stat.hi) if stat else (0.0, 0.0, 0.0)
        labels.append(label)
        means.append(mean)
        low.append(mean - lo)
        high.append(hi - mean)
        colours.append(colour)
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(rows)))[::-1]
    whiskers = [low, high] if len(runs.records) > 1 else None
    ax.barh(positions, means, color=colours, xerr=whiskers, capsize=3, error_kw={"lw": 1})
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.set_yticks(positions, labels)
    ax.grid(axis="y", alpha=0)
    top = max([m + h for m, h in zip(means, high, strict=True)] + [1.0])
    ax.set_xlim(0, top * 1.18)  # room for the numbers written after the bars
    for y, mean, extra in zip(positions, means, high, strict=True):
        ax.text(mean + extra + top * 0.01, y, f"{mean:,.4g}", va="center", fontsize=8)


def grouped(ax: Any, runs: ScenarioRuns, systems: list[str], series: list[tuple[str, str, str]]) -> None:
    """Bars grouped by system; `series` is (label, metric template with {s}, colour)."""
    width = 0.8 / len(series)
    for i, (label, template, colour) in enumerate(series):
        stats = [runs.stat(template.format(s=s)) for s in systems]
        means = [st.mean if st else 0.0 for st in stats]
        whiskers = None
        if len(runs.records) > 1:
            whiskers = [
                [st.mean - st.lo if st else 0.0 for st in stats],
                [st.hi - st.mean if st else 0.0 for st in stats],
            ]
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(systems))]
        ax.bar(xs, means, width, label=label, color=colour, yerr=whiskers, capsize=2, error_kw={"lw": 1})
    ax.set_xticks(range(len(systems)), systems)
    ax.grid(axis="x", alpha=0)
