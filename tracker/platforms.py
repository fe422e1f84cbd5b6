"""Which platform a product URL belongs to, its canonical form, the SKU it names, and
what people call the platform (the one table of platform names, in Chinese and English).

A listing is identified by its URL, so two spellings of one offer must become one URL:
the scheme and host are lower-cased, the fragment and click-tracking parameters (utm_*,
spm, scm...) are dropped, everything else is kept as written, because on Taobao, Tmall,
Pinduoduo and many web shops the query string *is* the product (`item.htm?id=...`).

Only http and https are accepted: anything else is an `UnsupportedURLError`.
"""

from __future__ import annotations

import ipaddress
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
    "360buy.com": "jd",
    "yiyaojd.com": "jd",  # 京东大药房
    "tmall.com": "tmall",
    "tmall.hk": "tmall",
    "liangxinyao.com": "tmall",  # 阿里健康大药房, a Tmall store on its own domain
    "taobao.com": "taobao",
    "tb.cn": "taobao",
    "yangkeduo.com": "pdd",
    "pinduoduo.com": "pdd",
    "douyin.com": "douyin",
    "iesdouyin.com": "douyin",
    "jinritemai.com": "douyin",
    "ec.snssdk.com": "douyin",  # Douyin's product service
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


MAX_URL_LENGTH = 4096
"""Longer than any product page's address; a longer "URL" is pasted text or an attack."""


def fetchable_netloc(url: str) -> str:
    """The host and port of `url` as the fetcher will send them, or UnsupportedURLError.

    `add` and the fetcher (`tracker.fetch.fetcher.checked_url`) both call this, so nothing
    is stored that can never be checked: http(s) only, a sane length, a host (an IPv6
    literal keeps its brackets; a non-ASCII name is IDNA-encoded, a malformed one or an
    invalid `xn--` label refused), and a port from 1 to 65535.
    """
    text = url.strip()
    shown = text if len(text) <= 100 else text[:100] + "..."
    if len(text) > MAX_URL_LENGTH:
        raise UnsupportedURLError(
            f"URL longer than {MAX_URL_LENGTH} characters: {shown!r}",
            "give the product page's own address, without tracking parameters",
            zh=(
                f"地址超过 {MAX_URL_LENGTH} 个字符：{shown!r}",
                "给出商品页本身的地址，去掉跟踪参数",
            ),
        )
    try:
        parts = urlsplit(text)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
        if scheme in ("http", "https") and host:
            host = _encoded_host(host)
    except (ValueError, UnicodeError) as exc:  # idna.IDNAError is a UnicodeError
        reason = " ".join(str(exc).split())[:120]
        raise UnsupportedURLError(
            f"not a usable URL: {shown!r} ({reason})",
            "check the URL",
            zh=(f"不可用的地址：{shown!r}（{reason}）", "检查地址"),
        ) from None
    if scheme not in ("http", "https"):
        raise UnsupportedURLError(
            f"not an http(s) URL: {shown!r}",
            "give the full address of the product page, starting with https://",
            zh=(f"不是 http(s) 地址：{shown!r}", "给出以 https:// 开头的完整商品页地址"),
        )
    if not host:
        raise UnsupportedURLError(
            f"URL has no host: {shown!r}",
            "give the full address, e.g. https://item.jd.com/1.html",
            zh=(f"地址没有主机名：{shown!r}", "给出完整地址，例如 https://item.jd.com/1.html"),
        )
    if port == 0:
        raise UnsupportedURLError(
            f"not a usable URL: {shown!r} (port 0)",
            "check the port",
            zh=(f"不可用的地址：{shown!r}（端口 0）", "检查端口"),
        )
    default = 443 if scheme == "https" else 80
    return host if port in (None, default) else f"{host}:{port}"


_ASCII_HOST = re.compile(r"^[a-z0-9_.-]+$")
_IPV4_STYLE = re.compile(r"^[0-9.]+$")


def _encoded_host(host: str) -> str:
    """`host` (lower case, without brackets) as sent on the wire; ValueError if invalid."""
    if ":" in host:
        return f"[{ipaddress.IPv6Address(host)}]"
    if _IPV4_STYLE.match(host):
        return str(ipaddress.IPv4Address(host))
    import idna  # here, not at import: a store-reading command never needs it

    if not host.isascii():
        host = idna.encode(host, uts46=True).decode("ascii")
    if not _ASCII_HOST.match(host):
        raise ValueError(f"host {host!r} has characters a host name cannot have")
    if "xn--" in host:
        idna.decode(host)  # the fetcher decodes it to name the host: it must decode
    return host


def normalise_url(url: str) -> str:
    """The canonical form of a product URL; UnsupportedURLError if it cannot be fetched."""
    netloc = fetchable_netloc(url)
    parts = urlsplit(url.strip())
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in _TRACKING_PARAMS and not key.startswith("utm_")
    ]
    canonical = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))
    fetchable_netloc(canonical)  # what is stored is what will be fetched
    return canonical


def platform_of_host(host: str) -> str:
    """jd | tmall | taobao | pdd | douyin for a host of theirs, else web.

    The one table of platform hosts: the URL's platform, its pacing and the extractor's
    adapter are all chosen here.
    """
    host = host.lower().rstrip(".")
    for suffix, platform in _HOST_PLATFORMS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return "web"


def detect_platform(url: str) -> str:
    """jd | tmall | taobao | pdd | douyin by host, else web."""
    return platform_of_host(urlsplit(url).hostname or "")


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
