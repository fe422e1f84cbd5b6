"""One parsed page and the facts every extractor asks about it, computed once.

Extractors share the tree, so a page is parsed exactly once (selectolax's lexbor backend,
the fastest parser available); script bodies and the currency hint are cached because
several extractors read them.
"""

from __future__ import annotations

from functools import cached_property

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.extract.currency import currency_hint, host_of, normalize_code


class Page:
    """A parsed HTML page with its URL (which may be unknown for a saved file)."""

    def __init__(self, html: str, url: str | None = None) -> None:
        self.html = html
        self.is_markup = is_markup(html)
        self.tree = LexborHTMLParser(html if self.is_markup else "")
        self.url = url or self._own_url()
        self.host = host_of(self.url)
        self.memo: dict[object, object] = {}  # results other modules compute once per page
        self.elsewhere: dict[int, bool] = {}  # element id -> inside other products' blocks

    def _own_url(self) -> str | None:
        """The page's own URL (og:url or canonical link), for saved files given without one."""
        values = [self.metas.get("og:url") or ""]
        link = self.tree.css_first('link[rel="canonical"]')
        if link is not None and not values[0].startswith(("http", "//")):
            values.append(link.attrs.get("href") or "")
        for value in (v.strip() for v in values):
            if value.startswith("//"):
                value = "https:" + value
            if value.startswith(("http://", "https://")):
                return value
        return None

    @cached_property
    def lang(self) -> str | None:
        """The document's declared language (`<html lang>`), if any."""
        root = self.tree.css_first("html")
        value = (root.attrs.get("lang") or "").strip() if root is not None else ""
        return value or None

    @cached_property
    def declared_currency(self) -> str | None:
        """The one currency the page's structured data declares, if it declares exactly one."""
        values = [v for k, v in self.metas.items() if k.endswith("currency")]
        values += [
            node.attrs.get("content") or node.text(strip=True)
            for node in self.tree.css('[itemprop="priceCurrency"]')
        ]
        codes = {code for value in values if (code := normalize_code(value))}
        return codes.pop() if len(codes) == 1 else None

    @cached_property
    def hint(self) -> str | None:
        """The currency a bare `$`, `¥` or `元` on this page most likely means."""
        return self.declared_currency or currency_hint(self.url, self.lang)

    @cached_property
    def scripts(self) -> tuple[str, ...]:
        """The bodies of inline scripts that are not JSON-LD (page state lives here).

        A payload that is not markup (a price-service reply as bare JSON or JSONP, a saved
        JavaScript file assigning the state) is one script: the whole text.
        """
        if not self.is_markup:
            return (self.html,)
        bodies = []
        for node in self.tree.css("script"):
            kind = (node.attrs.get("type") or "").lower()
            if kind == "application/ld+json" or node.attrs.get("src"):
                continue
            text = node.text()
            if text.strip():
                bodies.append(text)
        return tuple(bodies)

    @cached_property
    def title_tag(self) -> str | None:
        """The `<title>` text, whitespace collapsed."""
        node = self.tree.css_first("title")
        return collapse(node.text()) if node is not None else None

    @cached_property
    def body_text(self) -> str:
        """All text of the body, scripts included (for wording checks), space-joined."""
        body = self.tree.body
        return body.text(separator=" ") if body is not None else ""

    @cached_property
    def visible_length(self) -> int:
        """How many characters of the body's text are not script or style bodies."""
        body = self.tree.body
        if body is None:
            return 0
        hidden = sum(len(n.text()) for n in body.css("script, style, noscript, template"))
        return len(self.body_text) - hidden

    @cached_property
    def metas(self) -> dict[str, str]:
        """Every `<meta>` with content, by its property, name or itemprop (first one wins).

        Read in one pass: extractors ask for a dozen keys, and a selector per key would walk
        the whole tree each time.
        """
        found: dict[str, str] = {}
        for node in self.tree.css("meta[content]"):
            attrs = node.attrs
            value = (attrs.get("content") or "").strip()
            if not value:
                continue
            for attr in ("property", "name", "itemprop"):
                key = attrs.get(attr)
                if key and key not in found:
                    found[key] = value
        return found

    def meta(self, key: str) -> str | None:
        """The content of the first `<meta property|name|itemprop=key>` with one."""
        return self.metas.get(key)


def is_markup(text: str) -> bool:
    """Whether a text is an HTML document rather than JSON, JSONP or JavaScript.

    Markup starts with a tag, a doctype or a comment; a reply that starts with `{`, `[`, a
    callback name or `var` is a script payload, whatever characters follow.
    """
    head = text.lstrip("\ufeff \t\r\n")[:1]
    return head == "<" or not head


def collapse(text: str | None) -> str | None:
    """Whitespace runs to one space; None for empty text."""
    if not text:
        return None
    value = " ".join(text.split())
    return value or None


def ancestors(node: LexborNode) -> list[LexborNode]:
    """The node's ancestors, nearest first, stopping at the document root."""
    out = []
    parent = node.parent
    while parent is not None and parent.tag not in ("-document", "-undef", "#document", None):
        out.append(parent)
        parent = parent.parent
    return out
