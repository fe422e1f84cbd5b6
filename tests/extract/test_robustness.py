"""extract_page never crashes and never states a price without a currency, whatever it is
given: empty input, plain text, broken markup, script soup."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extract import extract_page

FRAGMENTS = [
    "<h1>",
    "</h1>",
    "<div class='price'>",
    "</div>",
    "<del>",
    "</del>",
    "£",
    "€",
    "¥",
    "$",
    "元",
    "12.99",
    "1.299,00",
    "起",
    "<script>",
    "</script>",
    "window.rawData = {",
    '<script type="application/ld+json">',
    '{"@type":"Product","offers":{"price":',
    "}}",
    "<meta property='product:price:amount' content='9.5'>",
    "<title>",
    "</title>",
    "Out of stock",
    "券后价",
    "<input type=password>",
    "登录",
    " ",
    "\n",
    "<",
    ">",
    '"',
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40),
    st.sampled_from([None, "https://x.example.com/p", "https://item.jd.com/1.html", "not a url"]),
)
def test_never_crashes_on_markup_soup(parts, url):
    result = extract_page("".join(parts), url)
    assert (result.price is None) == (result.reason is not None)
    if result.price is not None:
        assert result.currency is not None and result.price > 0


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_on_any_text(text):
    result = extract_page(text)
    assert result.price is None or result.currency is not None
