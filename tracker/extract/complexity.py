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
from collections.abc import Iterator

__all__ = ["HARMLESS_TAGS", "MAX_DEPTH", "MAX_ELEMENTS", "complexity_reason"]

MAX_DEPTH = 1024
"""Deeper nesting than any shop's page (lexbor parses 1,024 levels in milliseconds)."""

MAX_ELEMENTS = 300_000
"""More elements than any product page holds (a large JD page has about 20,000)."""

HARMLESS_TAGS = 16_384
"""Below this many `<`, no nesting costs the parser much: even 16,384 tags all nested parse
in about 0.3 s of CPU (measured: 20,000 in 0.45 s, 40,000 in 2 s), so the scan is skipped.
The real shop and platform pages we hold have 800 to 11,500."""

_OPAQUE_START = re.compile(r"<!--|<(script|style|textarea|template)\b", re.IGNORECASE)
_OPAQUE_END = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name in ("script", "style", "textarea", "template")
}
_FLAT = (
    "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|"
    "p|li|dt|dd|option|optgroup|tr|td|th|thead|tbody|tfoot|rt|rp|colgroup"
)
# A tag that nests: not one the parser closes by itself. Groups: the closing slash; the name
# when it starts foreign content (svg, math); the self-closing slash. The name's length
# bound and `[^<>]` keep the scan linear on hostile text.
_NESTING = re.compile(
    rf"<(/?)(?!(?:{_FLAT})[\s/>])(?:(svg|math)(?=[\s/>])|[A-Za-z][A-Za-z0-9:-]{{0,30}})"
    r"[^<>]*?(/?)>",
    re.IGNORECASE,
)
_ELEMENT = re.compile(r"<[A-Za-z]")


def complexity_reason(html: str) -> str | None:
    """Why `html` is too complex to parse safely, or None when it may be parsed.

    Regular expressions do the scanning (in C); Python only steps through the tags that
    nest, which keeps the pass at a few milliseconds on a megabyte page. A self-closing
    slash counts only in foreign content (inside svg or math): on an HTML element the
    parser ignores it, so `<div/>` repeated nests as deep as `<div>` does.
    """
    if html.count("<") <= HARMLESS_TAGS:
        return None  # too few tags for any nesting of them to be slow
    parts = list(_markup_parts(html))
    depth = foreign = 0  # foreign: the depth where svg/math content began, 0 outside it
    for part in parts:
        for closing, root, self_closing in _NESTING.findall(part):
            if closing:
                depth = depth - 1 if depth else 0
                foreign = foreign if depth >= foreign else 0
            elif not (self_closing and (foreign or root)):
                depth += 1
                foreign = foreign or (depth if root else 0)
                if depth > MAX_DEPTH:
                    return f"page too complex: elements nested more than {MAX_DEPTH} deep"
    if sum(len(_ELEMENT.findall(part)) for part in parts) > MAX_ELEMENTS:
        return f"page too complex: more than {MAX_ELEMENTS:,} elements"
    return None


def _markup_parts(html: str) -> Iterator[str]:
    """`html` without comments, scripts, styles, textareas and templates (an unclosed one
    runs to the end), as the slices between them."""
    pos = 0
    while (start := _OPAQUE_START.search(html, pos)) is not None:
        yield html[pos : start.start()]
        if start.group(1) is None:
            end = html.find("-->", start.end())
            pos = len(html) if end < 0 else end + 3
        else:
            close = _OPAQUE_END[start.group(1).lower()].search(html, start.end())
            pos = len(html) if close is None else close.end()
    yield html[pos:]
