"""Per-host CSS recipes: shipped in `data/recipes.toml`, extended by the user's own file.

A recipe is the most specific evidence there is for a host: somebody looked at that shop's
pages and wrote down where the price lives. So when a recipe matches the host and finds a
price, that price stands; when it matches but finds none, the page is "no price" rather
than a guess from the heuristic. Recipes are loaded once per process (they are small) and
the user's file wins over the shipped one, table by table and host by host.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from selectolax.lexbor import LexborNode

from planner.causes import cause_words
from planner.shipped import shipped_file
from tracker import locations
from tracker.errors import ExtractionInputError
from tracker.extract import promotions as promo
from tracker.extract.currency import normalize_code
from tracker.extract.model import Candidate, Found, Kind
from tracker.extract.page import Page, collapse
from tracker.extract.pricetext import parse_machine_amount, parse_price_text
from tracker.locations import HOME_ENV
from tracker.platforms import detect_platform


@dataclass(frozen=True, slots=True)
class Recipe:
    """Where one shop's pages keep their price, title and out-of-stock marker."""

    name: str
    hosts: tuple[str, ...]
    price: tuple[str, ...]
    list_price: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    out_of_stock: tuple[str, ...] = ()
    in_stock: tuple[str, ...] = ()
    promotions: tuple[str, ...] = ()
    currency: str | None = None
    user: bool = False

    def matches(self, host: str) -> bool:
        """Whether this recipe is for the host (or a sub-domain of one of its hosts)."""
        return any(host == h or host.endswith("." + h) for h in self.hosts)


def load_recipes(path: Path, user: bool = False) -> dict[str, Recipe]:
    """The recipes in one TOML file; a malformed file is a one-line error naming it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ExtractionInputError(
            f"cannot read recipes file {path}: {exc}",
            "fix the TOML or remove the file",
            zh=(f"无法读取规则文件 {path}：{cause_words(exc)[1]}", "修正 TOML 或删除该文件"),
        ) from exc
    recipes = {}
    for name, table in data.items():
        if not isinstance(table, dict) or not table.get("hosts") or not table.get("price"):
            raise ExtractionInputError(
                f"recipe [{name}] in {path} needs `hosts` and `price` lists",
                "see docs/extraction.md for the recipe format",
                zh=(
                    f"{path} 中的规则 [{name}] 需要 `hosts` 和 `price` 列表",
                    "规则格式见 docs/extraction.md",
                ),
            )
        recipes[name] = Recipe(
            name=name,
            hosts=tuple(str(h).lower() for h in table["hosts"]),
            price=tuple(table["price"]),
            list_price=tuple(table.get("list_price", ())),
            title=tuple(table.get("title", ())),
            out_of_stock=tuple(table.get("out_of_stock", ())),
            in_stock=tuple(table.get("in_stock", ())),
            promotions=tuple(table.get("promotions", ())),
            currency=normalize_code(table.get("currency")),
            user=user,
        )
    return recipes


@lru_cache(maxsize=8)
def _all_recipes(user_file: Path, user_mtime: float) -> tuple[Recipe, ...]:
    recipes = load_recipes(shipped_file(locations.RECIPES_NAME))
    if user_mtime:
        recipes.update(load_recipes(user_file, user=True))
    return tuple(sorted(recipes.values(), key=lambda r: not r.user))


@lru_cache(maxsize=8)
def _user_file(home: str | None, xdg: str | None) -> Path:
    """The user's recipes file; cached per environment (finding it creates the directory)."""
    return locations.recipes_file()


def recipe_for(host: str) -> Recipe | None:
    """The recipe for a host: the user's if they wrote one, else the shipped one."""
    if not host:
        return None
    user_file = _user_file(os.environ.get(HOME_ENV), os.environ.get("XDG_CONFIG_HOME"))
    try:
        found = user_file.stat()  # one system call per page, not two
    except OSError:
        found = None
    mtime = found.st_mtime if found is not None and stat.S_ISREG(found.st_mode) else 0.0
    return next((r for r in _all_recipes(user_file, mtime) if r.matches(host)), None)


def extract(page: Page, recipe: Recipe) -> Found:
    """Candidates from the recipe's selectors on this page.

    Every selector of the recipe runs in one query (lexbor matches a selector list in a
    single walk of the tree); each field then takes the first of its own selectors, in the
    recipe's order, that matched.
    """
    source = f"recipe:{recipe.name}"
    hint = recipe.currency or page.hint
    every = recipe.price + recipe.list_price + recipe.title + recipe.out_of_stock + recipe.in_stock
    every += recipe.promotions
    matches = page.tree.css(", ".join(every))
    candidates = []
    for kind, selectors in (("price", recipe.price), ("list", recipe.list_price)):
        hit = _first_price(matches, selectors, hint)
        if hit is None:
            continue
        final: Kind = "list" if kind == "list" else "from" if hit.is_from else "price"
        evidence = f'{hit.selector} "{hit.shown}"'
        candidates.append(Candidate(hit.amount, hit.currency or hint, source, evidence, final))
    title = next((t for _, node in _matching(matches, recipe.title) if (t := _text(node))), None)
    stated = _promotions(matches, recipe, page)
    return Found(tuple(candidates), _stock(matches, recipe), title, promotions=stated)


def _promotions(
    matches: list[LexborNode], recipe: Recipe, page: Page
) -> tuple[promo.Promotion, ...]:
    """The promotions stated in the recipe's promotion elements, each element one phrase
    (a phrase the promotion reader does not understand states nothing)."""
    platform = detect_platform(page.url) if page.url else "web"
    texts = dict.fromkeys(
        t for _, node in _matching(matches, recipe.promotions) if (t := _text(node))
    )
    return tuple(p for text in texts for p in promo.from_text(text, platform))


def _matching(
    matches: list[LexborNode], selectors: tuple[str, ...]
) -> Iterator[tuple[str, LexborNode]]:
    """(selector, node) for each selector in order and each node it matched."""
    for selector in selectors:
        for node in matches:
            if node.css_matches(selector):
                yield selector, node


def _stock(matches: list[LexborNode], recipe: Recipe) -> bool | None:
    if any(True for _ in _matching(matches, recipe.out_of_stock)):
        return False
    if any(_text(node) for _, node in _matching(matches, recipe.in_stock)):
        return True
    return None


@dataclass(frozen=True, slots=True)
class _Hit:
    amount: Decimal
    currency: str | None
    selector: str
    shown: str
    is_from: bool


def _first_price(
    matches: list[LexborNode], selectors: tuple[str, ...], hint: str | None
) -> _Hit | None:
    """The first selector, in the recipe's order, whose element reads as a price."""
    for selector, node in _matching(matches, selectors):
        raw = node.attrs.get("content")
        text = collapse(raw if raw else node.text(separator=""))
        if not text:
            continue
        machine = parse_machine_amount(raw) if raw else None
        parsed = parse_price_text(text, hint)
        currency = parsed.currency if parsed else None
        if machine is not None:
            return _Hit(machine, currency, selector, text, False)
        if parsed is not None:
            return _Hit(parsed.amount, currency, selector, text, parsed.is_from)
    return None


def _text(node: LexborNode) -> str | None:
    return collapse(node.text())
