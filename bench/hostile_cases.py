"""New hostile inputs, made by mutating and combining the classes of hostile input.

Each generator takes a seeded `random.Random` and returns one `Case`: what to feed daoshou
(a page, a served page, a cart or a URL) and what an honest answer is (`allowed`: the
prices that would be right; None in it means "no price" is acceptable). Nothing here
imports daoshou: the judge must not share the code it judges, and this process stays
small so the children it measures are not charged its memory.
"""

from __future__ import annotations

import functools
import gzip
import json
import random
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

MAGNITUDES = {"万": 10_000, "萬": 10_000, "千": 1_000, "亿": 100_000_000}
SLOPPY_MAGNITUDES = ("k", "K", "w", "W")  # a size or a model as often as a price
TITLES = [
    "苏泊尔 电水壶 1.7L",
    "Kettle Pro 1.7L",
    "华为 Mate 80 Pro",
    "Acme Desk Lamp",
    "小米 空气净化器",
]


@dataclass
class Case:
    """One hostile input and what would be an honest answer to it."""

    cls: str
    kind: str  # "page" (a file for `daoshou extract`), "served", "cart" or "url"
    body: bytes | str
    allowed: set[Decimal | None] = field(default_factory=lambda: {None})
    headers: dict[str, str] = field(default_factory=dict)
    note: str = ""
    deposit: str | None = None  # a presale deposit the verdict should record


def _price(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(10, 99999)) + Decimal(rng.choice([0, 0, 50, 99])) / 100


def _money(amount: Decimal, rng: random.Random) -> str:
    text = f"{amount:.2f}" if rng.random() < 0.6 else f"{amount.normalize():f}"
    return rng.choice(["¥", "￥", "¥ ", ""]) + text + rng.choice(["", "", "元"])


def _page(title: str, body: str, head: str = "", lang: str = "zh-CN") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title>{head}</head><body><h1>{title}</h1>{body}</body></html>"
    )


class _Raw(str):
    """A JSON number token written as it is (too long for Python's int conversion)."""


def _jsonld(title: str, price: object) -> str:
    offer = {"@type": "Offer", "priceCurrency": "CNY", "price": "@PRICE@"}
    data = {"@context": "https://schema.org", "@type": "Product", "name": title, "offers": offer}
    token = str(price) if isinstance(price, _Raw) else json.dumps(price)
    text = json.dumps(data).replace('"@PRICE@"', token)
    return f'<script type="application/ld+json">{text}</script>'


def magnitude(rng: random.Random) -> Case:
    """¥1.2万, 3万元, ¥3千, ¥1亿, ¥1.3k: a magnitude is read or the candidate refused."""
    title = rng.choice(TITLES)
    base = Decimal(rng.randint(1, 99)) / rng.choice([1, 10])
    unit = rng.choice([*MAGNITUDES, *SLOPPY_MAGNITUDES])
    text = rng.choice(["¥{n}{u}", "{n}{u}元", "￥{n}{u}", "¥ {n} {u}"]).format(n=base, u=unit)
    cls = rng.choice(["price", "jg", "p-now", "x1"])
    body = f'<div class="buy"><span class="{cls}">{text}</span></div>'
    allowed: set[Decimal | None] = {None}
    if unit in MAGNITUDES:
        allowed.add(base * MAGNITUDES[unit])
    return Case("magnitude", "page", _page(title, body), allowed, note=text)


def sign(rng: random.Random) -> Case:
    """A negative amount, visible or declared, is no price."""
    title = rng.choice(TITLES)
    amount = _price(rng)
    visible = rng.choice([f"¥-{amount}", f"-¥{amount}", f"− ¥{amount}", f"￥−{amount}"])
    if rng.random() < 0.5:
        declared = rng.choice([f"-{amount}", -float(amount), f"−{amount}"])
        html = _page(title, "<p>见详情</p>", _jsonld(title, declared))
        return Case("sign", "page", html, note=f"json-ld {declared}")
    body = f'<div class="price-box"><span class="price">{visible}</span></div>'
    return Case("sign", "page", _page(title, body), note=visible)


def exponent(rng: random.Random) -> Case:
    """Exponents, tiny and huge numbers, too many decimals, thousands of digits."""
    title = rng.choice(TITLES)
    choice = rng.randrange(6)
    allowed: set[Decimal | None] = {None}
    if choice == 0:
        value: object = f"{rng.randint(1, 9)}e-{rng.randint(3, 30)}"
    elif choice == 1:
        value = (
            float(f"1e{rng.randint(300, 308)}")
            if rng.random() < 0.5
            else f"1e{rng.randint(20, 9999)}"
        )
    elif choice == 2:
        digits = "9" * rng.randint(30, 6000)
        value = _Raw(digits) if rng.random() < 0.5 else digits
    elif choice == 3:
        value = f"{rng.randint(1, 999)}.{rng.randint(10000, 99999999)}"
    elif choice == 4:
        mantissa = rng.randint(11, 99)
        value = f"{mantissa / 10}E2"
        allowed.add(Decimal(mantissa) * 10)
    else:
        value = "NaN" if rng.random() < 0.5 else "Infinity"
    note = str(value)[:40]
    return Case("exponent", "page", _page(title, "", _jsonld(title, value)), allowed, note=note)


def deposit(rng: random.Random) -> Case:
    """A presale's deposit, worth and balance are never the price; the presale price may be."""
    title = rng.choice(TITLES)
    price = Decimal(rng.randint(300, 9999))
    dep = Decimal(rng.choice([20, 50, 100, 200]))
    worth = dep * rng.choice([1, 2, 3])
    parts = [rng.choice(["定金", "订金", "付定金"]) + _money(dep, rng)]
    if worth != dep or rng.random() < 0.3:
        parts.append(rng.choice(["抵", "可抵", "膨胀至", "膨胀为"]) + _money(worth, rng))
    if rng.random() < 0.6:
        parts.append("尾款" + _money(price - worth, rng))
    if rng.random() < 0.3:
        parts.append("立减")
    rng.shuffle(parts[1:]) if rng.random() < 0.2 else None
    allowed: set[Decimal | None] = {None}
    if rng.random() < 0.4:
        parts.insert(0, "预售价" + _money(price, rng))
        allowed.add(price)
    sep = rng.choice(["", " ", "，", "</span><span>"])
    body = (
        f'<div class="{rng.choice(["presale", "ys", "box"])}"><span>{sep.join(parts)}</span></div>'
    )
    if rng.random() < 0.3:
        body += (
            '<div class="tail"><span>到手价</span><span>¥' + f"{price - worth + dep}</span></div>"
        )
        allowed.add(price - worth + dep)  # an in-hand price after the deposit: a price shown
    note = sep.join(parts)
    return Case("deposit", "page", _page(title, body), allowed, note=note, deposit=f"{dep:f}")


def recommend(rng: random.Random) -> Case:
    """Other products' prices in blocks not marked the usual way, before or after ours."""
    title = rng.choice(TITLES)
    ours = _price(rng)
    heading = rng.choice(
        ["猜你喜欢", "看了又看", "You may also like", "为你推荐", "Customers also viewed"]
    )
    cls = "".join(rng.choice("abcdefghjk") for _ in range(rng.randint(2, 6)))
    cards = "".join(
        f'<li><a href="/item/{n}">{rng.choice(TITLES)} {n}</a><p>¥{_price(rng)}</p></li>'
        for n in range(rng.randint(2, 8))
    )
    block = f'<div class="{cls}"><div class="h{cls}">{heading}</div><ul>{cards}</ul></div>'
    mine = f'<div class="buy"><span class="{cls}j">¥{ours}</span></div>'
    allowed: set[Decimal | None] = {None}
    if rng.random() < 0.25:
        body = block  # only other products' prices: no price
    else:
        body = block + mine if rng.random() < 0.5 else mine + block
        allowed.add(ours)
    return Case("recommend", "page", _page(title, body), allowed, note=heading)


def nesting(rng: random.Random) -> Case:
    """Deep or wide markup, deep JSON-LD, unclosed tags: bounded work, no wrong price."""
    title = rng.choice(TITLES)
    price = _price(rng)
    depth = rng.choice([500, 5_000, 50_000, 150_000, 250_000])
    tag = rng.choice(["div", "span", "b", "section", "table", "ul"])
    shape = rng.randrange(4)
    if shape == 0:
        body = f"<{tag}>" * depth + f"<span>¥{price}</span>" + f"</{tag}>" * depth
    elif shape == 1:
        body = f"<{tag}>" * depth + f"<span>¥{price}</span>"
    elif shape == 2:
        body = "<p><i>x</i></p>" * (depth * 2) + f'<div class="price">¥{price}</div>'
    else:
        deep = "[" * depth + "1" + "]" * depth
        body = f'<script type="application/ld+json">{deep}</script>' + _jsonld(title, str(price))
    allowed = {None, price}
    return Case("nesting", "page", _page(title, body), allowed, note=f"shape {shape} depth {depth}")


ESCAPES = ["\x1b]0;pwned\x07", "\x1b[2J", "\u202e", "\u2066", "\x9b31m", "\x00", "\x08\x08"]
FORMULAS = ['=HYPERLINK("http://x")', '＝HYPERLINK("x")', "+cmd|' /C calc'!A0", "@SUM(1)", "－1+1"]


def title_escapes(rng: random.Random) -> Case:
    """Escapes, bidi overrides and formulas in a title: printed as inert text only."""
    price = _price(rng)
    bad = rng.choice(ESCAPES) + rng.choice(TITLES) + rng.choice(ESCAPES + FORMULAS)
    if rng.random() < 0.5:
        bad = rng.choice(FORMULAS) + bad
    title_html = bad.replace("&", "&amp;").replace("<", "&lt;")
    body = f'<div class="price-box"><span class="price">¥{price}</span></div>'
    html = _page(title_html, body, _jsonld(bad, f"{price}"))
    return Case("title", "page", html, {price, None}, note=repr(bad)[:40])


def stacked_encoding(rng: random.Random) -> Case:
    """Compression stacked on compression: the decoded size is capped across layers."""
    layers = rng.randint(2, 6)
    codings = [rng.choice(["gzip", "deflate"]) for _ in range(layers)]
    data = _zeros(rng.choice([20, 200, 1000]), codings[0])
    for coding in codings[1:]:
        data = gzip.compress(data, 9) if coding == "gzip" else zlib.compress(data, 9)
    headers = {"Content-Encoding": ", ".join(codings), "Content-Type": "text/html"}
    return Case("encoding", "served", data, {None}, headers, note=headers["Content-Encoding"])


@functools.cache
def _zeros(megabytes: int, coding: str) -> bytes:
    """`megabytes` MB of zero bytes, compressed a slice at a time (never held whole)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31 if coding == "gzip" else 15)
    chunk = b"\0" * 1_000_000
    return b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()


def served_page(rng: random.Random) -> Case:
    """A page class above served over loopback, checked by `daoshou check`."""
    inner = rng.choice([magnitude, sign, exponent, deposit, recommend, title_escapes])(rng)
    body = inner.body if isinstance(inner.body, bytes) else inner.body.encode("utf-8")
    return Case(
        "served-" + inner.cls,
        "served",
        body,
        inner.allowed,
        {"Content-Type": "text/html; charset=utf-8"},
        inner.note,
    )


def bad_url(rng: random.Random) -> Case:
    """URLs an app may paste: bad ports, IPv6, IDNA, over-long, control characters."""
    host = rng.choice(["shop.example", "[::1]", "例子.测试", "xn--zz.example", "127.0.0.1"])
    port = rng.choice(["", ":0", ":65536", ":99999999999", ":-1", ":abc", ":８０", ":"])
    path = rng.choice(
        ["/p/1", "/p/" + "a" * rng.randint(2000, 40_000), "/p?q=\x01%00", "/p/\u202e", "/%ff"]
    )
    broken = rng.choice(
        ["", "[::1", "http://[", "http://exa mple.com", "http://-.example", "http://a..b"]
    )
    url = broken or f"{rng.choice(['http', 'https', 'HTTP', 'ftp'])}://{host}{port}{path}"
    return Case("url", "url", url, {None}, note=url[:50])


def cart(rng: random.Random) -> Case:
    """Carts with huge, tiny, signed or deep values and unknown names."""
    price = rng.choice(["10.00", "1e400", "9" * 30, "-5", "1e-30", "NaN", "0x10", "１０"])
    qty = rng.choice(
        ["1", "100000000000000000000", "-1", "0", "1.5", '"2"', "99999999999999999999999"]
    )
    pack = rng.choice(['"1 pc"', '"-3kg"', '"0 g"', '"1e400 ml"', '"500 g"', '"３ kg"'])
    extra = rng.choice(
        [
            "",
            'subsidy = "no-such-programme"',
            "limit = 100000000000000000000",
            f"nested = {'[' * rng.randint(100, 5000)}{']' * 0}",
            f"deep = {'[' * 2000}1{']' * 2000}",
        ]
    )
    budget = rng.choice(["", 'budget = "1e400"', 'budget = "' + "9" * 40 + '"', 'budget = "-1"'])
    promo = rng.choice(
        [
            "",
            '[[promotion]]\nkind = "threshold"\nplatform = "jd"\ntiers = [["5", "1"]]\n'
            'coupon = true\nitems = ["a", "nosuch"]\n',
            '[[promotion]]\nkind = "every"\nplatform = "jd"\nevery = "1e400"\noff = "1"\n',
            '[[promotion]]\nkind = "percent"\nplatform = "jd"\nrate = "' + "0." + "9" * 60 + '"\n',
        ]
    )
    text = (
        f'currency = "CNY"\n{budget}\n[[item]]\nid = "a"\nname = "A"\nqty = {qty}\npack = {pack}\n'
        f'  [[item.offer]]\n  platform = "jd"\n  shop = "S"\n'
        f'  price = "{price}"\n  {extra}\n{promo}'
    )
    return Case(
        "cart", "cart", text, {None}, note=f"price={price[:12]} qty={qty[:12]} {extra[:20]}"
    )


def mixed(rng: random.Random) -> Case:
    """Combinations: magnitudes in JSON-LD, full-width signs, exponents and huge numbers in
    visible text, deposits inside recommendations, just-in-bounds deep and wide pages."""
    title = rng.choice(TITLES)
    price = _price(rng)
    shape = rng.randrange(6)
    allowed: set[Decimal | None] = {None}
    head, note = "", ""
    if shape == 0:
        base = rng.randint(1, 9)
        note = rng.choice([f"{base}万", f"{base}.5万", f"{base}千", f"{base}k"])
        head, body = _jsonld(title, note), "<p>-</p>"
        if not note.endswith("k"):
            allowed.add(
                Decimal(note.replace("万", "")) * 10_000 if "万" in note else Decimal(base) * 1000
            )
    elif shape == 1:
        note = rng.choice([f"－¥{price}", f"¥－{price}", f"(¥{price})", f"¥{price}-"])
        body = f'<div class="price"><span>{note}</span></div>'
        allowed.add(price) if note.endswith("-") else None
    elif shape == 2:
        note = rng.choice(
            ["¥1e5", "¥9" + "9" * rng.randint(20, 400), f"¥{price}.{'9' * 8}", "¥1E+3"]
        )
        body = f'<div class="price"><span>{note}</span></div>'
    elif shape == 3:
        note = "deposit in recommendations"
        cards = "".join(
            f"<li><p>定金¥{n * 10}抵¥{n * 30}</p><p>¥{_price(rng)}</p></li>" for n in range(1, 6)
        )
        body = f'<div class="b"><span class="p">¥{price}</span></div>'
        body += f'<div class="z"><div>猜你喜欢</div><ul>{cards}</ul></div>'
        allowed.add(price)
    elif shape == 4:
        note = "1000 deep, many times"
        block = "<div>" * 1000 + "x" + "</div>" * 1000
        body = f'<div class="price">¥{price}</div>' + block * rng.randint(50, 290)
        allowed.add(price)
    else:
        note = "wide"
        body = f'<div class="price">¥{price}</div>' + "<span>¥1</span>" * rng.randint(
            100_000, 290_000
        )
        allowed.add(price)
    return Case("mixed", "page", _page(title, body, head), allowed, note=note)


GENERATORS = {
    "mixed": mixed,
    "magnitude": magnitude,
    "sign": sign,
    "exponent": exponent,
    "deposit": deposit,
    "recommend": recommend,
    "nesting": nesting,
    "title": title_escapes,
    "encoding": stacked_encoding,
    "served": served_page,
    "url": bad_url,
    "cart": cart,
}
