"""Pull the product link and title out of a share text copied from a shopping app.

The JD, Taobao/Tmall, Pinduoduo and Douyin apps do not share a bare URL but a message:

    【淘宝】https://m.tb.cn/h.5Xyz?tk=Ab12 「立白洗衣液 3kg*2瓶」点击链接直接打开
    【京东】https://3.cn/1-AbCdEf 「Apple AirPods Pro 2」 点击链接直接打开
    7.99 复制打开抖音，看看【蒙牛纯牛奶 250ml*24盒】的商品 https://v.douyin.com/iAbC/ 长按复制

The link is the first http(s) URL (or a scheme-less short link of a known app host); the
title is the text in 「」, 『』 or 《》, or a 【】 that is not the app's own tag. Pure
functions: no network. Resolving the short link is the fetcher's job (it follows
redirects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.errors import ExtractionInputError
from tracker.platforms import detect_platform

__all__ = ["SharedLink", "parse_share_text", "platform_of"]

_URL = re.compile(r"https?://[^\s「」『』【】《》<>\"'，。；！、（）()\[\]]+", re.IGNORECASE)
_BARE_HOSTS = (
    "m.tb.cn",
    "e.tb.cn",
    "tb.cn",
    "3.cn",
    "u.jd.com",
    "item.jd.com",
    "item.m.jd.com",
    "v.douyin.com",
    "mobile.yangkeduo.com",
    "yangkeduo.com",
    "item.taobao.com",
    "detail.tmall.com",
)
_BARE_URL = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(re.escape(h) for h in _BARE_HOSTS)
    + r")/[^\s「」『』【】《》，。]+",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"「([^」]+)」|『([^』]+)』|《([^》]+)》|【([^】]+)】")
_APP_TAGS = {
    "淘宝",
    "天猫",
    "京东",
    "拼多多",
    "抖音",
    "抖音商城",
    "淘宝特价版",
    "京东到家",
    "闲鱼",
    "手淘",
    "tmall",
    "taobao",
    "jd",
}
_TRAILING = ".,;:!?)]}>'\"。，；：！？"

_TAG_PLATFORMS = {
    "天猫": "tmall",
    "淘宝": "taobao",
    "京东": "jd",
    "拼多多": "pdd",
    "抖音": "douyin",
}


@dataclass(frozen=True)
class SharedLink:
    """The link and, when the share text carried one, the product title."""

    url: str
    title: str | None
    platform: str  # jd | tmall | taobao | pdd | douyin | web


def platform_of(url: str) -> str:
    """The platform a URL belongs to, from its host; `web` for any other shop."""
    return detect_platform(url)


def parse_share_text(text: str) -> SharedLink:
    """The link and title in a pasted URL or app share text; ExtractionInputError if no link."""
    url = _find_url(text)
    if url is None:
        raise ExtractionInputError(
            "no link found in the pasted text",
            "paste the product URL, or the whole share text including its https:// link",
            zh=("粘贴的文字里没有链接", "粘贴商品地址，或包含 https:// 链接的完整分享文字"),
        )
    platform = platform_of(url)
    if platform == "taobao":
        tag = re.search(r"【(天猫)[^】]*】", text)
        platform = "tmall" if tag else platform
    if platform == "web":
        tag = re.match(r"\s*【([^】]+)】", text)
        platform = _TAG_PLATFORMS.get(tag.group(1), "web") if tag else "web"
    return SharedLink(url=url, title=_find_title(text.replace(url, " ")), platform=platform)


def _find_url(text: str) -> str | None:
    match = _URL.search(text)
    if match:
        return match.group(0).rstrip(_TRAILING)
    bare = _BARE_URL.search(text)
    return "https://" + bare.group(0).rstrip(_TRAILING) if bare else None


def _find_title(text: str) -> str | None:
    for match in _QUOTED.finditer(text):
        candidate = " ".join(next(g for g in match.groups() if g is not None).split())
        if candidate and candidate.lower() not in _APP_TAGS and not _is_app_tag(candidate):
            return candidate
    return None


def _is_app_tag(candidate: str) -> bool:
    """`【淘宝】`-style tags and decorations like `【京东】省钱购` are not titles."""
    return len(candidate) <= 6 and any(candidate.startswith(tag) for tag in _APP_TAGS)
