"""Chart geometry for the page templates: bars, columns and their axis, computed here so the
templates only draw. A value of None is a withheld figure: it gets a marker, never a bar; a
text (`—`) is a figure that is not defined (a rate of no answers): no bar, the text shown."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int | str | None
    x: float
    y: float
    length: float
    planned: bool = False

    @property
    def withheld(self) -> bool:
        return self.value is None


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    at: float


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    band: float
    left: int
    baseline: float


def axis_top(largest: int) -> tuple[int, int]:
    """The axis end and step for counts up to `largest`: whole steps of 1, 2 or 5 times a power
    of ten, at most five of them, ending at the first step at or above the largest value."""
    if largest <= 0:
        return 1, 1
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(s * magnitude for s in (1, 2, 5, 10) if s * magnitude >= raw)
    return step * math.ceil(largest / step), step


def horizontal(
    rows: Sequence[tuple[str, int | None]], *, width: int = 960, left: int = 200
) -> Chart:
    """One bar a row, in the order given; bars scale to the largest shown value."""
    band, gap = 22, 8
    shown = [v for _, v in rows if v is not None]
    top = max(shown, default=0) or 1
    span = width - left - 70
    bars = tuple(
        Bar(
            label=label,
            value=value,
            x=left,
            y=i * (band + gap) + 4,
            length=0.0 if value is None else max(2.0, span * value / top),
        )
        for i, (label, value) in enumerate(rows)
    )
    height = len(rows) * (band + gap) + 10
    return Chart(width, height, bars, (), band, left, height)


def columns(
    rows: Sequence[tuple[str, int | str | None, bool]], *, width: int = 960, height: int = 240
) -> Chart:
    """Vertical columns over time; the third item marks a planned (future) period."""
    left, bottom, top_pad = 44, 34, 20
    plot = height - bottom - top_pad
    largest = max((v for _, v, _ in rows if isinstance(v, int)), default=0)
    top, step = axis_top(largest)
    slot = (width - left - 10) / max(1, len(rows))
    band = min(48.0, slot * 0.62)
    baseline = top_pad + plot
    bars = tuple(
        Bar(
            label=label,
            value=value,
            x=left + slot * i + (slot - band) / 2,
            y=baseline - (plot * value / top if isinstance(value, int) else 0),
            length=plot * value / top if isinstance(value, int) else 0.0,
            planned=planned,
        )
        for i, (label, value, planned) in enumerate(rows)
    )
    ticks = tuple(Tick(v, baseline - plot * v / top) for v in range(0, top + 1, step))
    return Chart(width, height, bars, ticks, band, left, baseline)
