"""Pages that stand between the shopper and the product: login walls, captchas, bot checks.

Such a page has no price of the product, and any number on it (a phone number, a
timestamp) must not become one. A wall is recognised by where it lives (login hosts), or,
on a short page, by its title or by unmistakable challenge wording: ordinary product pages
carry the words "登录" or "captcha" in their chrome, and a book may be titled "Just a
Moment".
"""

from __future__ import annotations

import re

from tracker.extract.page import Page

_LOGIN_HOSTS = (
    "passport.jd.com",
    "plogin.m.jd.com",
    "login.taobao.com",
    "login.m.taobao.com",
    "login.tmall.com",
    "login.1688.com",
    "havanalogin.taobao.com",
    "passport.suning.com",
    "mobile.yangkeduo.com/login",
    "sso.douyin.com",
    "open.douyin.com/platform/oauth",
)

_TITLE_WALLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"欢迎登录|用户登录|账号登录|请登录|登录页|^登录|login|sign in|log in", re.I),
        "login page",
    ),
    (
        re.compile(
            r"验证码|安全验证|滑块|人机验证|验证中心|captcha|robot check|are you a robot", re.I
        ),
        "captcha page",
    ),
    (
        re.compile(
            r"access denied|^\s*(403|forbidden)\b|403 forbidden|request blocked|"
            r"temporarily blocked",
            re.I,
        ),
        "access denied page",
    ),
    (
        re.compile(
            r"just a moment|attention required|checking your browser|ddos-guard|"
            r"please wait while we verify|pardon our interruption",
            re.I,
        ),
        "anti-bot challenge page",
    ),
)

_SLIDER = re.compile(
    r"滑块验证|拖动下方滑块|请按住滑块|拖动滑块|向右滑动|nc_1_n1z|nocaptcha|slide_verify|"
    r"x5secdata|_____tmd_____|punish\?|baxia-punish",
    re.I,
)

_BODY_WALLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_SLIDER, "slider captcha page"),
    (
        re.compile(
            r"cf-browser-verification|cf_chl_|challenge-platform|cf-challenge|"
            r"checking your browser before accessing|enable javascript and cookies to continue",
            re.I,
        ),
        "anti-bot challenge page",
    ),
    (
        re.compile(
            r"validatecaptcha|enter the characters you see below|type the characters you see|"
            r"verify you are a human|请输入验证码",
            re.I,
        ),
        "captcha page",
    ),
    (
        re.compile(
            r"access denied|you don't have permission to access|request blocked|"
            r"reference #\d+\.\w+",
            re.I,
        ),
        "access denied page",
    ),
)

_LOGIN_WORDS = re.compile(
    r"扫码登录|密码登录|短信登录|账户登录|账号登录|忘记密码|sign in|log in|login|forgot.*password",
    re.I,
)
_SHORT_PAGE = 3000  # visible characters; product pages are far longer


def wall_reason(page: Page) -> str | None:
    """Why this page is certainly a wall (login host or wall title), or None."""
    target = page.host + (page.url.split(page.host, 1)[-1] if page.url and page.host else "")
    for marker in _LOGIN_HOSTS:
        if target.startswith(marker):
            return f"login page ({page.host}): sign in or add cookies for this shop"
    title = page.title_tag or ""
    for pattern, label in _TITLE_WALLS:
        # Walls are short pages; a long page whose title merely contains the words
        # ("Just a Moment: a novel") is a product page.
        if pattern.search(title) and page.visible_length < _SHORT_PAGE:
            if label == "captcha page" and _SLIDER.search(page.html[:50000]):
                label = "slider captcha page"
            return _explain(label)
    return None


def challenge_reason(page: Page) -> str | None:
    """Why this short page looks like a challenge by its wording, or None.

    Weaker than `wall_reason`: the caller only believes it when no structured data or
    page state gave a price.
    """
    if page.visible_length >= _SHORT_PAGE:
        return None
    visible = page.body_text
    haystack = visible + "\n" + page.html[:20000]
    for pattern, label in _BODY_WALLS:
        if pattern.search(haystack):
            return _explain(label)
    if page.tree.css_first('input[type="password"]') is not None and _LOGIN_WORDS.search(visible):
        return _explain("login page")
    return None


def _explain(label: str) -> str:
    advice = {
        "login page": "sign in or add cookies for this shop",
        "captcha page": "the shop asked for a captcha; try later or use browser mode",
        "slider captcha page": (
            "the shop asked for a slider captcha (滑块验证); try later or use browser mode"
        ),
        "access denied page": "the shop refused the request; try later",
        "anti-bot challenge page": "the shop's bot check blocked the request; try browser mode",
    }[label]
    return f"{label}: {advice}"
