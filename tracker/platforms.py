"""Which platform a product URL belongs to, its canonical form, the SKU it names, and
what people call the platform (the one table of platform names, in Chinese and English).

A listing is identified by its URL, so two spellings of one offer must become one URL:
the scheme and host are lower-cased, the fragment and click-tracking parameters (utm_*,
spm, scm...) are dropped, everything else is kept as written, because on Taobao, Tmall,
Pinduoduo and many web shops the query string *is* the product (`item.htm?id=...`).

Only http and https are accepted: anything else is an `UnsupportedURLError`.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tracker.errors import UnsupportedURLError

PLATFORMS = ("jd", "tmall", "taobao", "pdd", "douyin", "web")


class PlatformNames(NamedTuple):
    """What people call a platform: in Chinese, in English, and in a narrow column (the
    names shoppers use whatever their language)."""

    zh: str
    en: str
    short: str


PLATFORM_NAMES: dict[str, PlatformNames] = {
    "jd": PlatformNames("京东", "JD", "京东"),
    "tmall": PlatformNames("天猫", "Tmall", "天猫"),
    "taobao": PlatformNames("淘宝", "Taobao", "淘宝"),
    "pdd": PlatformNames("拼多多", "Pinduoduo", "拼多多"),
    "douyin": PlatformNames("抖音", "Douyin", "抖音"),
    "web": PlatformNames("网店", "web shop", "web"),
}


def platform_name(platform: str, lang: Literal["zh", "en", "short"] = "short") -> str:
    """The platform as users call it (京东 / JD); an unknown platform as it is stored."""
    names = PLATFORM_NAMES.get(platform)
    return getattr(names, lang) if names else platform


# Where a shopper signs in to each platform (`daoshou browser login <platform>` opens it).
# Douyin has no sign-in page of its own: its home page offers the QR code.
SIGN_IN_URLS: dict[str, str] = {
    "jd": "https://passport.jd.com/new/login.aspx",
    "tmall": "https://login.tmall.com/",
    "taobao": "https://login.taobao.com/",
    "pdd": "https://mobile.yangkeduo.com/login.html",
    "douyin": "https://www.douyin.com/",
}


# Host suffix -> platform. A host matches a suffix when equal to it or ending in ".suffix".
_HOST_PLATFORMS: dict[str, str] = {
    "jd.com": "jd",
    "3.cn": "jd",
    "jd.hk": "jd",
    "tmall.com": "tmall",
    "tmall.hk": "tmall",
    "taobao.com": "taobao",
    "tb.cn": "taobao",
    "yangkeduo.com": "pdd",
    "pinduoduo.com": "pdd",
    "douyin.com": "douyin",
    "iesdouyin.com": "douyin",
    "jinritemai.com": "douyin",
}

# Parameters that record how the user arrived, never which product it is.
_TRACKING_PARAMS = frozenset(
    {"spm", "scm", "pvid", "gclid", "fbclid", "ali_trackid", "ali_refid", "_u", "share_crt_v"}
)

# Query parameters that name the item / the variant on each platform.
_ITEM_PARAMS = {
    "tmall": ("skuId", "id"),
    "taobao": ("skuId", "id"),
    "pdd": ("goods_id",),
    "douyin": ("id",),
}
_JD_ITEM_PATH = re.compile(r"/(?:product/)?(\d{5,})\.html$")


def normalise_url(url: str) -> str:
    """The canonical form of a product URL; UnsupportedURLError if it is not http(s)."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsupportedURLError(
            f"not an http(s) URL: {text!r}",
            "give the full address of the product page, starting with https://",
        )
    if not parts.hostname:
        raise UnsupportedURLError(
            f"URL has no host: {text!r}", "give the full address, e.g. https://item.jd.com/1.html"
        )
    netloc = parts.hostname.lower()
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in _TRACKING_PARAMS and not key.startswith("utm_")
    ]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def detect_platform(url: str) -> str:
    """jd | tmall | taobao | pdd | douyin by host, else web."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for suffix, platform in _HOST_PLATFORMS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return "web"


def sku_from_url(url: str) -> str | None:
    """The item (or variant) id the URL names on a known platform, else None."""
    platform = detect_platform(url)
    parts = urlsplit(url)
    if platform == "jd":
        match = _JD_ITEM_PATH.search(parts.path)
        return match.group(1) if match else None
    params = dict(parse_qsl(parts.query))
    for name in _ITEM_PARAMS.get(platform, ()):
        if params.get(name):
            return params[name]
    return None
