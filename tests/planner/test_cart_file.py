"""cart.toml: reading every field, one-line errors naming file, line and field, writing back."""

from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from planner.cart import EveryOff, FreeShipping, PercentOff, Threshold
from planner.cart_file import dump_cart, load_cart, parse_cart, save_cart
from planner.errors import CartError
from planner.multibuy import multibuy_from

CARTS = Path(__file__).parent.parent / "fixtures" / "carts"

GOOD = """\
currency = "CNY"
budget = "3000"
members = ["88vip"]
subsidy_used = ["phone"]
now = "2025-11-01"

[[item]]
id = "detergent"
name = "Liby 3kg x2"
qty = 2
pack = "3kg*2"
category = "household"

  [[item.offer]]
  platform = "tmall"
  shop = "Liby flagship"
  price = "129.00"
  list_price = "159.00"
  presale = { deposit = "20", worth = "40", deposit_at = "2025-10-24", balance_from = "2025-10-31" }
  instant_off = "15%"
  multibuy = "2nd-half"
  cross_store = true
  shipping = "0"
  limit = 2

[[item]]
id = "tv"
qty = 1
optional = true

  [[item.offer]]
  platform = "jd"
  shop = "TCL"
  price = "3999.00"
  subsidy = "cn-2025-appliance"
  energy_grade = 1

[[promotion]]
kind = "every"
platform = "tmall"
scope = "cross_store"
every = "300"
off = "50"

[[promotion]]
kind = "threshold"
platform = "tmall"
scope = "shop"
shop = "Liby flagship"
tiers = [["200", "20"], ["400", "50"]]
coupon = true

[[promotion]]
kind = "percent"
platform = "tmall"
rate = "0.95"
cap = "50"
requires_member = "88VIP"

[[promotion]]
kind = "credit"
platform = "tmall"
pay = "1000"
get = "1100"

[[promotion]]
kind = "free_shipping"
platform = "jd"
over = "99"
"""


def test_reads_every_field():
    cart = parse_cart(GOOD)
    detergent = cart.item("detergent")
    assert cart.budget == D(3000) and cart.members == ("88vip",)
    assert detergent.pack.quantity == D(6) and detergent.pack.unit == "kg"
    offer = detergent.offers[0]
    assert offer.presale is not None and offer.presale.saving == D(20)
    assert offer.instant_off is not None and offer.instant_off.rate == D("0.15")
    assert offer.multibuy is not None and offer.multibuy.group == 2
    assert cart.item("tv").optional and cart.item("tv").name == "tv"
    kinds = [type(p) for p in cart.promotions]
    assert kinds[:3] == [EveryOff, Threshold, PercentOff]
    percent = cart.promotions[2]
    assert isinstance(percent, PercentOff) and percent.requires_member == "88vip"


@pytest.mark.parametrize("path", sorted(CARTS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_fixture_round_trips(path):
    cart = load_cart(path)
    assert parse_cart(dump_cart(cart), path) == cart


def test_good_cart_round_trips():
    cart = parse_cart(GOOD)
    assert parse_cart(dump_cart(cart)) == cart


def _error(text: str) -> str:
    with pytest.raises(CartError) as info:
        parse_cart(text, Path("cart.toml"))
    message = info.value.one_line()
    assert "\n" not in message
    return message


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('price = "3999.00"', 'price = "39x9.00"', "item[1].offer[0].price"),
        ('price = "129.00"', "price = 129.0", "item[0].offer[0].price"),
        ('price = "3999.00"', 'price = "3999.001"', "item[1].offer[0].price"),
        ("qty = 2", "qty = 0", "item[0].qty"),
        ('pack = "3kg*2"', 'pack = "a lot"', "item[0].pack"),
        ('instant_off = "15%"', 'instant_off = "lots"', "item[0].offer[0].instant_off"),
        ('multibuy = "2nd-half"', 'multibuy = "buy more"', "item[0].offer[0].multibuy"),
        ('worth = "40"', 'worth = "10"', "item[0].offer[0].presale.worth"),
        ('deposit_at = "2025-10-24"', 'deposit_at = "soon"', "item[0].offer[0].presale.deposit_at"),
        ('shipping = "0"', 'shiping = "0"', "item[0].offer[0].shiping"),
        ('every = "300"', 'every = "0"', "promotion[0].every"),
        ('rate = "0.95"', 'rate = "95"', "promotion[2].rate"),
        ('kind = "credit"', 'kind = "cashback"', "promotion[3].kind"),
        ('scope = "cross_store"', 'scope = "store"', "promotion[0].scope"),
        ('tiers = [["200", "20"], ["400", "50"]]', 'tiers = [["200"]]', "promotion[1].tiers"),
        ("energy_grade = 1", "energy_grade = 0", "item[1].offer[0].energy_grade"),
        ('budget = "3000"', 'budget = "-5"', "budget"),
        ('members = ["88vip"]', 'members = "88vip"', "members"),
        ("limit = 2", "limit = true", "item[0].offer[0].limit"),
    ],
)
def test_malformed_field_names_file_line_and_field(old, new, field):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    message = _error(text)
    line = _line_of(text, new.split(" = ")[0].split(", ")[-1] if "presale" in field else new)
    assert message.startswith(f"cart.toml:{line}: {field}: "), message


def test_missing_required_field_points_at_its_table():
    text = GOOD.replace('  price = "3999.00"\n', "")
    message = _error(text)
    line = _line_of(text, 'platform = "jd"') - 1
    assert message.startswith(f"cart.toml:{line}: item[1].offer[0]: missing field 'price'"), message


def test_duplicate_item_ids():
    text = GOOD.replace('id = "tv"', 'id = "detergent"')
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line == 'id = "detergent"']
    message = _error(text)
    assert message.startswith(f"cart.toml:{lines[1]}: item[1].id: ") and "used twice" in message


def test_item_without_offers():
    text = 'currency = "CNY"\n\n[[item]]\nid = "x"\n'
    assert _error(text).startswith("cart.toml:3: item[0]: no [[item[0].offer]] given")


def test_syntax_error_names_the_line():
    message = _error('currency = "CNY"\n[[item]\nid = "x"\n')
    assert message.startswith("cart.toml: not valid TOML") and "line 2" in message


def test_missing_file(tmp_path):
    with pytest.raises(CartError, match="does not exist"):
        load_cart(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "group", "rate", "whole", "discounted"),
    [
        ("2nd-half", 2, "0.5", False, 1),
        ("第二件半价", 2, "0.5", False, 1),
        ("3for2", 3, "0", False, 1),
        ("5for3", 5, "0", False, 2),
        ("买2送1", 3, "0", False, 1),
        ("2@0.9", 2, "0.9", True, 1),
        ("3件8折", 3, "0.8", True, 1),
        ("第2件5折", 2, "0.5", False, 1),
        ("第三件0元", 3, "0", False, 1),
    ],
)
def test_multibuy_forms(text, group, rate, whole, discounted):
    parsed = multibuy_from(text)
    assert parsed is not None
    assert (parsed.group, parsed.rate, parsed.whole, parsed.discounted) == (
        group, D(rate), whole, discounted,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "qty", "total"),
    [("2nd-half", 3, "250"), ("3for2", 7, "500"), ("2@0.9", 1, "100"), ("2@0.9", 2, "180")],
)
def test_multibuy_totals(text, qty, total):
    parsed = multibuy_from(text)
    assert parsed is not None and parsed.total(D(100), qty) == D(total)


def test_save_cart_writes_a_cart_that_loads_back(tmp_path):
    cart = parse_cart(GOOD)
    path = tmp_path / "saved.toml"
    save_cart(cart, path)
    assert load_cart(path) == replace(cart, source=path)


@pytest.mark.parametrize(
    ("alias", "kind"),
    [("red_packet", Threshold), ("coupon", Threshold), ("free-shipping", FreeShipping)],
)
def test_kind_aliases(alias, kind):
    extra = "off" if kind is Threshold else "over"
    text = f'{GOOD}\n[[promotion]]\nkind = "{alias}"\nplatform = "jd"\n{extra} = "10"\n'
    assert isinstance(parse_cart(text).promotions[-1], kind)


@pytest.mark.parametrize("written", ['"1.5"', "1.5", "2"])
def test_explicit_pack_size(written):
    text = GOOD.replace('pack = "3kg*2"', f'unit = "l"\nper_pack = {written}')
    pack = parse_cart(text).item("detergent").pack
    assert pack.unit == "l" and pack.quantity == D(written.strip('"'))


def test_bad_explicit_pack_size_names_per_pack():
    text = GOOD.replace('pack = "3kg*2"', 'unit = "l"\nper_pack = "lots"')
    line = _line_of(text, 'per_pack = "lots"')
    assert _error(text).startswith(f"cart.toml:{line}: item[0].per_pack: ")
