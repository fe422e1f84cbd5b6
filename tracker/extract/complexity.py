"""Refusing pages whose shape would keep the parser busy for minutes.

lexbor's tree building costs grow with the square of the nesting depth: 200,000 nested
`<div>`s (1.2 MB) take minutes of CPU inside C, where neither a time limit nor Ctrl-C can
reach. So before parsing, one linear pass over the tags measures the page's nesting and
element count; a page past either bound is "too complex" and gives no price, in about the
time it takes to read it. Real product pages nest a few dozen deep and hold tens of
thousands of elements, far inside both bounds.

The pass is an estimate, erring towards depth: elements the HTML parser closes by itself
(`<p>`, `<li>`, table cells...) and void elements count no depth, and scripts, styles and
comments are skipped, so an honest page is not mistaken for a deep one.
"""

from __future__ import annotations

import re

__all__ = ["MAX_DEPTH", "MAX_ELEMENTS", "complexity_reason"]

MAX_DEPTH = 1024
"""Deeper nesting than any shop's page (lexbor parses 1,024 levels in milliseconds)."""

MAX_ELEMENTS = 300_000
"""More elements than any product page holds (a large JD page has about 20,000)."""

_OPAQUE = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea|template)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]{0,30})[^<>]*?(/?)>")
_FLAT = frozenset(
    b"area base br col embed hr img input link meta param source track wbr "
    b"p li dt dd option optgroup tr td th thead tbody tfoot rt rp colgroup".split()
)


def complexity_reason(html: str) -> str | None:
    """Why `html` is too complex to parse safely, or None when it may be parsed."""
    if html.count("<") <= MAX_DEPTH:
        return None  # too few tags to be either too many or too deep
    text = _OPAQUE.sub("", html).encode("utf-8", "surrogatepass")
    depth = deepest = elements = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.groups()
        if name.lower() in _FLAT or self_closing:
            elements += not closing
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        elements += 1
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return f"page too complex: elements nested more than {MAX_DEPTH} deep"
        if elements > MAX_ELEMENTS:
            return f"page too complex: more than {MAX_ELEMENTS:,} elements"
    return None
