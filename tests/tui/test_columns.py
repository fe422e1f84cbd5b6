"""Fitting table columns to the room they have, and chart text that keeps its cells."""

from rich.cells import cell_len
from rich.text import Text

from tui.widgets.columns import Column, fit_columns
from tui.widgets.price_chart import _plot_text

COLUMNS = [
    Column("name", "Name", 8, 40, flexible=True, wanted=12),
    Column("price", "Price", 6, 6),
    Column("status", "Status", 6, 60, rank=2, flexible=True),
    Column("trend", "Trend", 12, 12, rank=5),
]
ROW = [
    Text("A rather long product name here"),
    Text("¥12,345,678.00"),
    Text("no price: login required by the shop"),
    Text("▁▂▃▄▅▆▇█▇▆▅▄"),
]


def _fit(room):
    return {key: width for key, _, width in fit_columns(COLUMNS, [ROW], room)}


def test_a_price_is_as_wide_as_its_cell_whatever_its_bound():
    assert _fit(40)["price"] == ROW[1].cell_len


def test_a_status_claims_its_reason_before_a_lower_ranked_column_stays():
    wide = _fit(70)
    assert "trend" not in wide
    assert wide["status"] >= ROW[2].cell_len
    everything = _fit(140)
    assert set(everything) == {"name", "price", "status", "trend"}
    assert everything["name"] >= ROW[0].cell_len


def test_a_name_claims_what_it_wants_before_squeezing_and_never_drops():
    narrow = _fit(50)
    assert narrow["name"] >= 12
    assert set(narrow) == {"name", "price", "status"}
    assert sum(w + 2 for w in narrow.values()) <= 50
    tiny = _fit(20)
    assert set(tiny) == {"name", "price"}


def test_chart_text_gives_plotext_one_character_per_terminal_cell():
    for label in ("京东 · Apple 京东自营", "拼多多 · 百亿补贴", "Tee Corner"):
        text = _plot_text(label, limit=40)
        assert len(text) == cell_len(text) == cell_len(label)
