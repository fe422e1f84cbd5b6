"""The fixture shop as pytest fixtures: a real server process on loopback per test.

Import what you need in your test package's conftest.py:

    from tests.shop_fixture import shop  # noqa: F401

`shop` is a `tracker.shop.client.FixtureShop` with one listener and products p0001..p0020;
`shop3` has three listeners (three origins, for per-host politeness). Each test gets its
own process on free ports, so tests share nothing under `pytest -n`.
"""

from collections.abc import Iterator

import pytest

from tracker.shop.client import FixtureShop

#: A user recipe (`recipes.toml` in the config directory) for the loopback shop, an
#: ordinary web shop: where it shows its price and states its promotions.
LOOPBACK_RECIPE = """[loopback]
hosts = ["127.0.0.1"]
price = [".price-box .price"]
list_price = [".price-box .list-price"]
title = ["h1.product-title"]
promotions = [".promotion"]
"""


@pytest.fixture
def shop() -> Iterator[FixtureShop]:
    """A fresh fixture shop with products p0001..p0020."""
    with FixtureShop.start(products=20) as running:
        yield running


@pytest.fixture
def shop3() -> Iterator[FixtureShop]:
    """A fresh fixture shop listening on three ports (three hosts) sharing one catalogue."""
    with FixtureShop.start(products=20, listeners=3) as running:
        yield running
