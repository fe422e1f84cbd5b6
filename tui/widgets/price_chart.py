"""The price-history chart: one line per listing, sale days marked, the forecast band ahead.
A listing's in-hand line (its recorded promotions applied) is dotted, in its colour.

x is "days from today" (negative: the past), so sale-event markers and the forecast band
share one axis with the history; the tick labels show the dates. Plotext draws with
floats: they are plot coordinates only, never used for arithmetic on money. Every label
passes through `planner.display.display_text`, because Plotext's output is parsed as ANSI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rich.cells import cell_len
from textual_plotext import PlotextPlot

from tui.text import display_text

_COLOURS = ("cyan", "magenta", "green", "orange", "blue", "red")


@dataclass(frozen=True)
class ChartLine:
    """One listing's daily prices (per unit when the product's packs are known)."""

    label: str
    points: tuple[tuple[date, Decimal], ...]
    in_hand: bool = False  # the in-hand series of the listing drawn just before it


@dataclass(frozen=True)
class ChartEvent:
    """A sale day to mark."""

    day: date
    name: str


@dataclass(frozen=True)
class ChartBand:
    """A forecast for a coming sale day: point and 80% interval."""

    day: date
    point: Decimal
    lower: Decimal
    upper: Decimal


class PriceChart(PlotextPlot):
    """History, events and forecast on one plot."""

    def show(
        self,
        lines: Sequence[ChartLine],
        events: Sequence[ChartEvent],
        bands: Sequence[ChartBand],
        today: date,
        title: str,
    ) -> None:
        """Redraw with the given data."""
        plt = self.plt
        plt.clear_figure()
        plt.title(_plot_text(title, limit=60))
        lows: list[float] = []
        highs: list[float] = []
        for colour, line in zip(_line_colours(lines), lines, strict=True):
            if not line.points:
                continue
            xs = [(day - today).days for day, _ in line.points]
            ys = [float(price) for _, price in line.points]
            lows.append(min(ys))
            highs.append(max(ys))
            marker = "dot" if line.in_hand else "braille"
            label = _plot_text(line.label, limit=24)
            plt.plot(xs, ys, label=label, color=colour, marker=marker)
        for band in bands:
            x = (band.day - today).days
            plt.plot([0, x], [float(band.lower)] * 2, color="gray", marker="dot")
            plt.plot([0, x], [float(band.upper)] * 2, color="gray", marker="dot")
            plt.scatter([x], [float(band.point)], color="yellow", marker="●")
            lows.append(float(band.lower))
            highs.append(float(band.upper))
        start = min((line.points[0][0] for line in lines if line.points), default=today)
        end = max([today, *(band.day for band in bands)])
        for event in events:
            if start <= event.day <= end:
                plt.vline((event.day - today).days, "orange")
        plt.xticks(*_ticks(start, end, today))
        if lows:
            pad = (max(highs) - min(lows)) * 0.05 or 1.0
            plt.ylim(min(lows) - pad, max(highs) + pad)
        self.refresh()


def _plot_text(text: str, limit: int) -> str:
    """Literal text for Plotext, which gives every character one cell: a wide character
    (京, 东) takes two in the terminal, so each is followed by a zero-width space that
    Plotext counts and the terminal does not. Otherwise every legend line of a Chinese
    shop name would push the chart's right end (today, the forecast) off the widget."""
    return "".join(
        char + "\u200b" if cell_len(char) == 2 else char for char in display_text(text, limit=limit)
    )


def _line_colours(lines: Sequence[ChartLine]) -> list[str]:
    """A colour per listing; an in-hand line takes its listing's colour."""
    colours: list[str] = []
    index = -1
    for line in lines:
        if not line.in_hand or index < 0:
            index += 1
        colours.append(_COLOURS[index % len(_COLOURS)])
    return colours


def _ticks(start: date, end: date, today: date, count: int = 6) -> tuple[list[float], list[str]]:
    span = max((end - start).days, 1)
    days = [start + timedelta(days=span * i // (count - 1)) for i in range(count)]
    return [float((d - today).days) for d in days], [d.strftime("%y-%m-%d") for d in days]
