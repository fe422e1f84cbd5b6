"""Money parsing, half-up rounding and largest-remainder allocation."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.money import allocate, cents, parse_money, parse_rate


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("89.90", D("89.90")),
        ("¥1,299", D("1299")),
        ("12元", D("12")),
        (7, D(7)),
        (" 0.5 ", D("0.5")),
    ],
)
def test_parse_money_reads_amounts(text, value):
    assert parse_money(text) == value


@pytest.mark.parametrize("text", ["abc", "-1", "NaN", "Infinity", 89.9, True, ""])
def test_parse_money_refuses_non_amounts(text):
    with pytest.raises(ValueError):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("15%", D("0.15")), ("0.95", D("0.95")), ("95折", D("0.95")), ("9折", D("0.9")),
     ("8.8折", D("0.88")), ("100%", D(1))],
)  # fmt: skip
def test_parse_rate(text, value):
    assert parse_rate(text) == value


@pytest.mark.parametrize("text", ["15", "-5%", "abc", "0.9.5", 0.95])
def test_parse_rate_refuses_ambiguous_or_bad(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_cents_rounds_half_up():
    assert cents(D("5.375")) == D("5.38")
    assert cents(D("2.125")) == D("2.13")
    assert cents(D("2.124999")) == D("2.12")


def test_allocate_spec_example():
    # 50 over 218 / 119.80: 32.2676 and 17.7324 -> 3226 + 1773 = 4999; the cent to .76
    assert allocate(D("50"), [D("218"), D("119.80")]) == [D("32.27"), D("17.73")]


def test_allocate_zero_weights_split_evenly():
    assert allocate(D("0.10"), [D(0), D(0), D(0)]) == [D("0.04"), D("0.03"), D("0.03")]


def test_allocate_refuses_fractions_of_a_cent():
    with pytest.raises(ValueError):
        allocate(D("0.005"), [D(1)])


@given(
    st.integers(min_value=0, max_value=10_000_00),
    st.lists(st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=12),
)
def test_allocate_shares_sum_exactly_and_stay_proportional(total_cents, weights):
    total = D(total_cents) / 100
    shares = allocate(total, [D(w) for w in weights])
    assert sum(shares) == total
    assert all(s >= 0 for s in shares)
    weight_sum = sum(weights) or len(weights)
    for share, weight in zip(shares, weights or [], strict=True):
        exact = total * D(weight if sum(weights) else 1) / weight_sum
        assert abs(share - exact) < D("0.01")
