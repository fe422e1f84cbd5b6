"""Pack sizes as Chinese and English shops write them."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.packs import Pack, pack_from, parse_pack


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("3kg*2瓶", "6", "kg"),
        ("500ml×12", "6", "l"),
        ("1.5L", "1.5", "l"),
        ("24卷", "24", "roll"),
        ("100抽×18包", "1800", "sheet"),
        ("2斤装", "1", "kg"),
        ("5包x3提", "15", "pack"),
        ("3kg*2", "6", "kg"),
        ("10袋", "10", "bag"),
        ("1kg", "1", "kg"),
        ("250g", "0.25", "kg"),
        ("半两", None, None),
        ("2 x 500 ml", "1", "l"),
        ("12-pack", "12", "piece"),
        ("1.5 lb", "0.680388555", "kg"),
        ("16 oz", "0.45359237", "kg"),
        ("12 fl oz", "0.354882354750", "l"),
        ("Liby laundry detergent 3kg x2", "6", "kg"),
        ("Vinda toilet paper 24 rolls", "24", "roll"),
        ("可口可乐 330ml*24罐 整箱", "7.92", "l"),
        ("维达卷纸 4层140克*27卷", "3.78", "kg"),
        ("洗衣液 2L×2瓶", "4", "l"),
        ("面膜 25片", "25", "sheet"),
        ("鸡蛋 30枚", "30", "piece"),
        ("牛奶 250ml*16盒*2箱", "8", "l"),
        ("Headphones", None, None),
        ("", None, None),
    ],
)
def test_parse_pack(text, quantity, unit):
    parsed = parse_pack(text)
    if quantity is None:
        assert parsed is None
    else:
        assert parsed == Pack(D(quantity), unit)


def test_two_measures_are_ambiguous():
    assert parse_pack("3kg 5l") is None


def test_user_override_wins():
    assert pack_from("3kg*2", "bottle", "2") == Pack(D(2), "bottle")


def test_no_pack_means_one_piece():
    assert pack_from(None, None, None) == Pack(D(1), "piece")


@pytest.mark.parametrize(
    ("pack", "unit", "per_pack"),
    [("Headphones", None, None), (None, "kg", None), (None, "furlong", "2"), (None, "kg", "x")],
)
def test_pack_from_explains_what_is_wrong(pack, unit, per_pack):
    with pytest.raises(ValueError):
        pack_from(pack, unit, per_pack)


_MEASURES = {"kg": ("kg", D(1)), "g": ("kg", D("0.001")), "ml": ("l", D("0.001")),
             "L": ("l", D(1)), "斤": ("kg", D("0.5")), "克": ("kg", D("0.001"))}  # fmt: skip
_COUNTS = {"卷": "roll", "袋": "bag", "包": "pack", "瓶": "bottle", "抽": "sheet", "盒": "box"}
_TIMES = ["*", "×", "x", "X"]


@given(
    st.integers(min_value=1, max_value=5000),
    st.sampled_from(sorted(_MEASURES)),
    st.integers(min_value=1, max_value=48),
    st.sampled_from(_TIMES),
    st.sampled_from([*sorted(_COUNTS), ""]),
)
def test_measure_times_count_is_the_product(amount, measure, count, times, count_word):
    unit, factor = _MEASURES[measure]
    assert parse_pack(f"{amount}{measure}{times}{count}{count_word}") == Pack(
        D(amount) * factor * count, unit
    )


@given(
    st.integers(min_value=1, max_value=500),
    st.sampled_from(sorted(_COUNTS)),
    st.integers(min_value=1, max_value=48),
    st.sampled_from(["包", "提", "箱"]),
)
def test_counts_multiply_to_the_innermost_unit(inner, word, outer, container):
    parsed = parse_pack(f"{inner}{word}×{outer}{container}")
    assert parsed == Pack(D(inner * outer), _COUNTS[word])
