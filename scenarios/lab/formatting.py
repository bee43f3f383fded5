"""How the lab's renderers write numbers: a few significant figures, intervals as mean ± half-width."""

from __future__ import annotations

import math

from scenarios.lab.stats import Difference, Estimate


def number(value: float | None) -> str:
    if value is None:
        return "-"
    size = abs(value)
    if value == int(value):
        return f"{int(value):,}"
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _decimals(value: float) -> int:
    size = abs(value)
    if 0 < size < 0.01:
        return min(8, 1 - math.floor(math.log10(size)))  # two significant figures of a small value
    return 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 3


def signed(value: float) -> str:
    """A difference with its sign always written: '+0.412', '-12.5', '0'."""
    return ("+" if value > 0 else "") + number(value)


def interval(e: Estimate) -> str:
    """'0.577 ± 0.036': the half-width to the mean's decimals, so the column reads evenly."""
    if e.half_width is None:
        return number(e.mean)
    if e.mean == int(e.mean) and e.half_width == 0:
        return f"{number(e.mean)} ± 0"
    places = _decimals(e.mean)
    return f"{e.mean:,.{places}f} ± {e.half_width:,.{places}f}"


def difference(d: Difference) -> str:
    e = d.estimate
    if e.half_width is None or (e.mean == 0 and e.half_width == 0):
        return number(e.mean)
    places = _decimals(max(abs(e.mean), e.half_width))
    return f"{e.mean:+,.{places}f} [{e.low:,.{places}f}, {e.high:,.{places}f}]"


def count(n: int, noun: str) -> str:
    """'1 scenario', '3 scenarios'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def point_label(values: dict[str, object]) -> str:
    """'max_retries=3, backoff=fixed': the last part of each key is enough to tell points apart."""
    return ", ".join(f"{k.rsplit('.', 1)[-1]}={value(v)}" for k, v in values.items())
