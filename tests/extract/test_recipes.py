"""Host recipes: the shipped file, the user's file winning, and malformed files."""

from decimal import Decimal

import pytest

from planner.shipped import shipped_file
from tracker.errors import ExtractionInputError
from tracker.extract import extract_page
from tracker.extract.recipes import load_recipes, recipe_for
from tracker.locations import config_dir

PAGE = """<html><head><title>Desk Lamp</title></head><body>
<h1>Desk Lamp</h1>
<div class="buybox"><span class="now">€ 49,90</span><span class="was">€ 59,90</span></div>
<div class="tiles"><span class="price">€ 12,00</span></div>
</body></html>"""


def test_shipped_recipes_load_and_cover_real_hosts():
    recipes = load_recipes(shipped_file("recipes.toml"))
    assert "amazon" in recipes
    assert recipes["amazon"].matches("www.amazon.co.uk")
    assert not recipes["amazon"].matches("notamazon.com")


def test_user_recipe_is_used_for_its_host():
    (config_dir() / "recipes.toml").write_text(
        '[lamps]\nhosts = ["lamps.example.nl"]\nprice = [".buybox .now"]\n'
        'list_price = [".buybox .was"]\n',
        encoding="utf-8",
    )
    result = extract_page(PAGE, "https://www.lamps.example.nl/p/desk-lamp")
    assert (result.price, result.currency, result.list_price) == (
        Decimal("49.90"),
        "EUR",
        Decimal("59.90"),
    )
    assert result.source == "recipe:lamps"


def test_user_recipe_replaces_a_shipped_one_with_the_same_name():
    (config_dir() / "recipes.toml").write_text(
        '[amazon]\nhosts = ["amazon.com"]\nprice = [".buybox .now"]\n', encoding="utf-8"
    )
    recipe = recipe_for("www.amazon.com")
    assert recipe is not None and recipe.user and recipe.price == (".buybox .now",)
    assert recipe_for("www.amazon.de") is None


def test_recipe_that_finds_nothing_means_no_price_not_a_guess():
    (config_dir() / "recipes.toml").write_text(
        '[lamps]\nhosts = ["lamps.example.nl"]\nprice = ["#missing"]\n', encoding="utf-8"
    )
    result = extract_page(PAGE, "https://lamps.example.nl/p/desk-lamp")
    assert result.price is None
    assert "recipe [lamps]" in (result.reason or "")


@pytest.mark.parametrize(
    "text", ['[broken\nhosts = ["x"]', '[nohosts]\nprice = [".p"]\n', "[x]\nhosts = []\n"]
)
def test_malformed_user_file_is_a_one_line_error(text):
    path = config_dir() / "recipes.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExtractionInputError) as caught:
        load_recipes(path, user=True)
    assert str(path) in caught.value.one_line()
