"""Where the product is named on the page: the anchor the visible-text readers start from.

The product's price and stock status sit next to its name; carousels, carts and footers
sit elsewhere. The anchor is the first `h1`, else the first title-like element (`h2`,
`h3`, `itemprop=name`, a class or id with "title"/"name"), whose text repeats the product
title (from structured data, `<title>` or `og:title`) outside site chrome; failing that,
the first `h1`.
Candidates are found with one CSS query, so the whole tree is never walked in Python;
`following` then walks forward from the anchor in document order.
"""

from __future__ import annotations

from collections.abc import Iterator

from selectolax.lexbor import LexborNode

from tracker.extract.budget import spend
from tracker.extract.dom import is_elsewhere
from tracker.extract.page import Page, collapse

_NAMING = (
    'h2, h3, [itemprop="name"], [class*="title" i], [class*="name" i], [id*="title" i], '
    '[id*="name" i]'
)
_MIN_NAME, _MAX_NAME = 8, 300  # characters of a product name


def find_anchor(page: Page, title: str | None, wide: bool = True) -> LexborNode | None:
    """The element naming the product: one repeating the page title, else the first h1.

    `wide=False` looks at `h1` elements only: enough for reading stock status, and it
    spares the title-like query, which walks the tree once per selector.
    """
    key = ("anchor", title, wide)
    if key not in page.memo:
        page.memo[key] = _find(page, title, wide)
    return page.memo[key]  # type: ignore[return-value]


def _find(page: Page, title: str | None, wide: bool) -> LexborNode | None:
    names = [t.lower() for t in (title, page.title_tag, page.meta("og:title")) if t]
    headings = page.tree.css("h1")
    found = _naming(headings, names, page)
    if found is None and wide:
        found = _naming(page.tree.css(_NAMING), names, page)
    if found is None and headings:
        found = headings[0]
    return found


def _naming(nodes: list[LexborNode], names: list[str], page: Page) -> LexborNode | None:
    """The first node whose text repeats one of the product's names, outside site chrome."""
    for node in nodes:
        if node.tag in ("title", "meta", "script", "style", "a", "option", "body", "html"):
            continue
        text = (collapse(node.text()) or "").lower()
        if not _MIN_NAME <= len(text) <= _MAX_NAME or not any(text in n for n in names):
            continue
        if not is_elsewhere(node, page.elsewhere):
            return node
    return None


def following(node: LexborNode, limit: int) -> Iterator[LexborNode]:
    """Up to `limit` nodes after `node` in document order, its own descendants first."""
    current: LexborNode | None = node
    for _ in range(limit):
        spend()
        assert current is not None
        if current.first_child is not None:
            current = current.first_child
        else:
            while current is not None and current.next is None:
                current = current.parent
            if current is None or current.tag in ("html", "-document"):
                return
            current = current.next
        if current is None:
            return
        yield current
