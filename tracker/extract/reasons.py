"""Why a check recorded no price, as a form and its values, worded in either language.

A no-price reason is stored as the English sentence extraction or the check wrote
(`login page (passport.jd.com): sign in or add cookies for this shop`): stored rows keep
it, `--json` shows it, logs read it. To show it to a Chinese reader, the sentence is read
back into its form and values by the templates below (each English template is the exact
wording its producer writes), and the app words it again from the Chinese template.
A reason no template matches (an exception's own words) is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

__all__ = ["REASON_FORMS", "read_back", "reason_form", "template_patterns"]

#: Each form's (Chinese, English) template; `{names}` are the values read back.
REASON_FORMS: dict[str, tuple[str, str]] = {
    "no_price": ("页面上没有找到价格", "no price found on the page"),
    "javascript": (
        "价格由 JavaScript 渲染；试试浏览器模式",
        "price rendered by JavaScript; try browser mode",
    ),
    "range": (
        "只有多个 SKU 的价格区间，且地址没有指定 SKU",
        "only a price range over several SKUs, and the URL names no SKU",
    ),
    "deposit": (
        "预售：页面给的是定金，不是价格",
        "presale: the page states a deposit (定金), not the price",
    ),
    "out_of_stock": (
        "缺货：页面没有给出商品价格",
        "out of stock: the page shows no price for the product",
    ),
    "recipe": (
        "规则 [{recipe}] 指定的位置没有价格",
        "no price where the recipe [{recipe}] looks for it",
    ),
    "page_state": ("{host} 的页面数据里没有价格", "no price in the page state for {host}"),
    "no_currency": ("页面上的价格 {price} 没有币种", "price {price} has no currency on the page"),
    "disagree": ("候选价格不一致：{prices}", "candidates disagree: {prices}"),
    "login_host": (
        "登录页（{host}）：请登录或为这家店添加 Cookie",
        "login page ({host}): sign in or add cookies for this shop",
    ),
    "login": (
        "登录页：请登录或为这家店添加 Cookie",
        "login page: sign in or add cookies for this shop",
    ),
    "captcha": (
        "验证码页：店铺要求输入验证码；稍后再试或使用浏览器模式",
        "captcha page: the shop asked for a captcha; try later or use browser mode",
    ),
    "slider": (
        "滑块验证页：店铺要求滑块验证；稍后再试或使用浏览器模式",
        "slider captcha page: the shop asked for a slider captcha (滑块验证); "
        "try later or use browser mode",
    ),
    "denied": (
        "拒绝访问页：店铺拒绝了请求；稍后再试",
        "access denied page: the shop refused the request; try later",
    ),
    "anti_bot": (
        "反爬虫验证页：店铺的机器人检查拦下了请求；试试浏览器模式",
        "anti-bot challenge page: the shop's bot check blocked the request; try browser mode",
    ),
    "too_deep": (
        "页面太复杂：元素嵌套超过 {depth} 层",
        "page too complex: elements nested more than {depth} deep",
    ),
    "too_many": ("页面太复杂：元素超过 {count} 个", "page too complex: more than {count} elements"),
    "login_redirect": ("被重定向到登录页", "redirected to a login page"),
    "login_required": ("需要登录", "login required"),
    "blocked": ("被拦截：{why}", "blocked: {why}"),
    "extraction_error": ("提取出错：{error}", "extraction error: {error}"),
}


def template_patterns(forms: Mapping[str, tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    """Each form's English template as a pattern whose groups are its values (shortest
    first, so a value holding the template's own punctuation stays whole at the end)."""
    patterns = []
    for form, (_, english) in forms.items():
        parts = re.split(r"\{(\w+)\}", english)
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        patterns.append((form, re.compile(regex, re.S)))
    return patterns


def read_back(
    patterns: list[tuple[str, re.Pattern[str]]], text: str
) -> tuple[str, dict[str, str]] | None:
    """The form and values of a sentence written from one of `patterns`' templates."""
    sentence = text.strip()
    for form, pattern in patterns:
        if matched := pattern.fullmatch(sentence):
            return form, matched.groupdict()
    return None


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return template_patterns(REASON_FORMS)


def reason_form(reason: str) -> tuple[str, dict[str, str]] | None:
    """The form and values of a stored no-price reason, or None for other words."""
    return read_back(_patterns(), reason)
