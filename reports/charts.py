"""Chart geometry for the HTML compliance report, computed in Python so the page needs no JavaScript.

The template only places what this module measured: bars of the on-time rate per deadline, and a
grid of on-time rates per deadline and month (a cell per month in which something fell due).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from reports.compliance import ComplianceLine, MonthCell
from rules.labels import LABELS

BAR_LABEL_WIDTH: Final = 300
BAR_MAX_WIDTH: Final = 320
BAR_ROW_HEIGHT: Final = 28
CELL_WIDTH: Final = 52
CELL_HEIGHT: Final = 26
GRID_TOP: Final = 30
NO_RATE_COLOUR: Final = "#d0d4d9"
BACKLOG_MONTHS: Final = 12
"""The backlog chart's last bar gathers reviews this many whole months overdue or more."""


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    text: str
    y: int
    width: int
    colour: str


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Cell:
    x: int
    y: int
    colour: str
    text: str
    title: str


@dataclass(frozen=True, slots=True)
class GridChart:
    width: int
    height: int
    label_width: int
    cell_width: int
    cell_height: int
    months: tuple[tuple[int, str], ...]
    rows: tuple[tuple[int, str], ...]
    cells: tuple[Cell, ...]


def rate_colour(rate: float | None) -> str:
    """Return a red (0%) to green (100%) fill for an on-time rate; grey when there is none."""
    if rate is None:
        return NO_RATE_COLOUR
    return f"hsl({round(rate * 120)}, 62%, 40%)"


def percent(rate: float | None) -> str:
    """Return a rate as a whole percentage, or an en dash."""
    return "\u2013" if rate is None else f"{round(rate * 100)}%"


def label_of(key: str, owner: str) -> str:
    """Return a deadline's plain-English label with who owes it."""
    return f"{LABELS.get(key, key)} ({'LA' if owner == 'la' else 'setting'})"


def bar_chart(lines: Sequence[ComplianceLine]) -> BarChart:
    """Return one bar per deadline line: its on-time rate as a share of the bar width."""
    bars = []
    for index, line in enumerate(lines):
        rate = line.on_time_rate
        width = round((rate or 0) * BAR_MAX_WIDTH)
        bars.append(Bar(label_of(line.key, line.owner), percent(rate), index * BAR_ROW_HEIGHT, width,
                        rate_colour(rate)))
    width = BAR_LABEL_WIDTH + BAR_MAX_WIDTH + 60
    return BarChart(width, max(len(bars), 1) * BAR_ROW_HEIGHT, BAR_LABEL_WIDTH, tuple(bars))


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return date(int(year), int(number), 1).strftime("%b %y")


def month_grid(lines: Sequence[ComplianceLine], cells: Sequence[MonthCell]) -> GridChart:
    """Return a grid of on-time rates: a row per deadline key (stage order), a column per month."""
    keys = list(dict.fromkeys(line.key for line in lines))
    months = sorted({cell.month for cell in cells})
    column = {month: index for index, month in enumerate(months)}
    row = {key: index for index, key in enumerate(keys)}
    placed = []
    for cell in cells:
        if cell.key not in row:
            continue
        x = BAR_LABEL_WIDTH + column[cell.month] * CELL_WIDTH
        y = GRID_TOP + row[cell.key] * CELL_HEIGHT
        title = f"{LABELS.get(cell.key, cell.key)}, {_month_label(cell.month)}: {cell.met} on time, {cell.late} late"
        placed.append(Cell(x, y, rate_colour(cell.on_time_rate), percent(cell.on_time_rate), title))
    return GridChart(
        width=BAR_LABEL_WIDTH + max(len(months), 1) * CELL_WIDTH + 10,
        height=GRID_TOP + max(len(keys), 1) * CELL_HEIGHT + 6,
        label_width=BAR_LABEL_WIDTH,
        cell_width=CELL_WIDTH,
        cell_height=CELL_HEIGHT,
        months=tuple((BAR_LABEL_WIDTH + i * CELL_WIDTH, _month_label(m)) for i, m in enumerate(months)),
        rows=tuple((GRID_TOP + i * CELL_HEIGHT, LABELS.get(k, k)) for i, k in enumerate(keys)),
        cells=tuple(placed),
    )


def _months_label(months: int) -> str:
    if months == 0:
        return "under 1 month"
    if months == BACKLOG_MONTHS:
        return f"{months} months or more"
    return f"{months} month{'s' if months > 1 else ''}"


def backlog_chart(months_overdue: Sequence[int]) -> BarChart:
    """Return one bar per whole month overdue (0 to 12 or more): how many reviews are that late."""
    counts = Counter(min(months, BACKLOG_MONTHS) for months in months_overdue)
    most = max(counts.values(), default=0)
    bars = []
    for months in range(BACKLOG_MONTHS + 1):
        number = counts[months]
        width = round(number / most * BAR_MAX_WIDTH) if most else 0
        bars.append(Bar(_months_label(months), str(number), months * BAR_ROW_HEIGHT, width,
                        rate_colour(1 - months / BACKLOG_MONTHS)))
    return BarChart(BAR_LABEL_WIDTH + BAR_MAX_WIDTH + 60, len(bars) * BAR_ROW_HEIGHT, BAR_LABEL_WIDTH, tuple(bars))


RATE_BANDS: Final = ((0.9, "good"), (0.7, "fair"), (0.0, "poor"))
"""On-time rates of 90% or more are "good", 70% to 89% "fair", below 70% "poor" (the pages' cell colours)."""


def share(count: int, most: int) -> int:
    """Return ``count`` as a whole percentage of ``most``: a bar's length where the longest bar is 100."""
    return round(count / most * 100) if most else 0


def rate_band(rate: float | None) -> str:
    """Return the colour band of an on-time rate (``RATE_BANDS``), or ``none`` when nothing fell due."""
    if rate is None:
        return "none"
    return next(name for floor, name in RATE_BANDS if rate >= floor)


@dataclass(frozen=True, slots=True)
class RateBar:
    """One bar of a chart drawn inside a table: its label, its figure as text and its length (0 to 100)."""

    label: str
    text: str
    length: int


def rate_bars(lines: Sequence[ComplianceLine]) -> tuple[RateBar, ...]:
    """Return one bar per deadline line: its on-time rate, as text and as a length out of 100."""
    return tuple(RateBar(label_of(line.key, line.owner), percent(line.on_time_rate),
                         round((line.on_time_rate or 0) * 100)) for line in lines)


@dataclass(frozen=True, slots=True)
class RateCell:
    text: str
    band: str
    title: str


@dataclass(frozen=True, slots=True)
class MonthTable:
    """The month grid as a table: a row per deadline key (stage order), a column per month, a cell or None."""

    months: tuple[str, ...]
    rows: tuple[tuple[str, tuple[RateCell | None, ...]], ...]


def month_table(lines: Sequence[ComplianceLine], cells: Sequence[MonthCell]) -> MonthTable:
    """Return the on-time rates per deadline and month due as table cells (text, colour band, full figures)."""
    keys = list(dict.fromkeys(line.key for line in lines))
    months = sorted({cell.month for cell in cells if cell.key in keys})
    found = {(cell.key, cell.month): cell for cell in cells}
    rows = []
    for key in keys:
        row: list[RateCell | None] = []
        for month in months:
            cell = found.get((key, month))
            row.append(None if cell is None else RateCell(
                percent(cell.on_time_rate), rate_band(cell.on_time_rate), f"{cell.met} on time, {cell.late} late"))
        rows.append((LABELS.get(key, key), tuple(row)))
    return MonthTable(tuple(_month_label(month) for month in months), tuple(rows))
