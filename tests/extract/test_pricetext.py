"""Price strings as shops write them, in many locales, including the ambiguous ones."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.extract.currency import currency_hint, normalize_code
from tracker.extract.pricetext import parse_machine_amount, parse_price_text


@pytest.mark.parametrize(
    ("text", "hint", "amount", "currency", "is_from"),
    [
        ("¥1,299.00", None, "1299.00", "CNY", False),
        ("￥2999起", None, "2999", "CNY", True),
        ("券后价 ¥1999", None, "1999", "CNY", False),
        ("1.299,00 €", None, "1299.00", "EUR", False),
        ("299.000₫", None, "299000", "VND", False),
        ("$19.99 - $24.99", None, "19.99", "USD", True),
        ("$2.449", "ARS", "2449", "ARS", False),
        ("249 ₽", None, "249", "RUB", False),
        ("RUR 249", None, "249", "RUB", False),
        ("270,00 Kn", None, "270.00", "HRK", False),
        ("173,34 Lei", None, "173.34", "RON", False),
        ("1 149,00 zł", None, "1149.00", "PLN", False),
        ("NT$1,200", None, "1200", "TWD", False),
        ("只要960元起", "TWD", "960", "TWD", True),
        ("CHF 1'299.50", None, "1299.50", "CHF", False),
        ("GBP 1.99", None, "1.99", "GBP", False),
        ("Rs 23,450", "PKR", "23450", "PKR", False),
        ("from £10.00", None, "10.00", "GBP", True),
        ("ab 89,00 €", None, "89.00", "EUR", True),
        ("1.234 KWD", None, "1.234", "KWD", False),
        ("9,99 €", None, "9.99", "EUR", False),
        ("¥3,980", "JPY", "3980", "JPY", False),
        ("US $24.99", "GBP", "24.99", "USD", False),
        ("39,000원", None, "39000", "KRW", False),
        ("R$ 1.299,00", None, "1299.00", "BRL", False),
        ("1 299 Kč", None, "1299", "CZK", False),
    ],
)
def test_reads_price_text(text, hint, amount, currency, is_from):
    parsed = parse_price_text(text, hint)
    assert parsed is not None
    assert (parsed.amount, parsed.currency, parsed.is_from) == (Decimal(amount), currency, is_from)


def test_range_keeps_both_ends():
    parsed = parse_price_text("$19.99 - $24.99")
    assert parsed is not None and parsed.high == Decimal("24.99")


def test_coupon_price_is_marked():
    parsed = parse_price_text("券后价 ¥1999")
    assert parsed is not None and parsed.after_coupon


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Add to basket",
        "$2.449",  # three decimals in dollars: 2.449 or 2449, the page must say
        "-50% 270,00 Kn",  # two amounts that are not a range
        "1-10 delovnih dni 100.00€",
        "¥0.00",
        "1.2.3",
    ],
)
def test_refuses_text_that_states_no_single_price(text):
    assert parse_price_text(text) is None


def test_machine_amounts():
    assert parse_machine_amount("67.8400") == Decimal("67.8400")
    assert parse_machine_amount(19.5) == Decimal("19.5")
    assert parse_machine_amount(2449) == Decimal("2449")
    assert parse_machine_amount("1,149.00") == Decimal("1149.00")
    assert parse_machine_amount("0") is None
    assert parse_machine_amount(True) is None
    assert parse_machine_amount("n/a") is None
    assert parse_machine_amount("1.149,00") is None  # continental text, not a machine value
    assert parse_machine_amount("1e3") is None


def test_currency_codes_and_hints():
    assert normalize_code("rur") == "RUB"
    assert normalize_code("XYZ") is None
    assert currency_hint("https://www.stockcenter.com.ar/p/1") == "ARS"
    assert currency_hint("https://item.jd.com/1.html") == "CNY"
    assert currency_hint("https://ar-sa.namshi.com/x") == "SAR"
    assert currency_hint(None, "zh-TW") == "TWD"


@given(
    units=st.integers(min_value=1, max_value=9_999_999),
    cents=st.integers(min_value=0, max_value=99),
)
def test_grouped_prices_round_trip(units, cents):
    """Any price written with English or continental separators reads back exactly."""
    english = f"€{units:,}.{cents:02d}"
    continental = f"{units:,}".replace(",", ".") + f",{cents:02d} €"
    expected = Decimal(f"{units}.{cents:02d}")
    for text in (english, continental):
        parsed = parse_price_text(text)
        assert parsed is not None and parsed.amount == expected, text
