"""Which redirect targets are login or anti-bot pages, and which are ordinary pages."""

import pytest

from tracker.fetch.loginwall import wall_reason


@pytest.mark.parametrize(
    "url",
    [
        "https://passport.jd.com/new/login.aspx?ReturnUrl=https%3A%2F%2Fitem.jd.com%2F1.html",
        "https://plogin.m.jd.com/login/login?appid=300",
        "https://login.taobao.com/member/login.jhtml?redirectURL=x",
        "https://login.tmall.com/?redirectURL=x",
        "https://mobile.yangkeduo.com/login.html?from=goods",
        "https://www.amazon.com/ap/signin?openid.return_to=x",
        "https://shop.example.com/account/login/",
        "https://shop.example.com/customer/sign-in",
        "https://shop.example.com/auth?next=/p/1",
    ],
)
def test_login_pages_are_recognised(url):
    assert wall_reason(url).startswith("login required")


@pytest.mark.parametrize(
    "url",
    [
        "https://sec.taobao.com/query.htm?action=QueryAction&event_submit_do_login=ok",
        "https://shop.example.com/captcha?return=/p/1",
        "https://cfe.m.jd.com/privatedomain/risk_handler/03101900/?returnurl=x",
    ],
)
def test_anti_bot_pages_are_recognised(url):
    assert wall_reason(url).startswith("anti-bot check")


@pytest.mark.parametrize(
    "url",
    [
        "https://item.jd.com/100012043978.html",
        "https://detail.tmall.com/item.htm?id=1&skuId=2",
        "https://shop.example.com/p/login-kit-usb-c",
        "https://shop.example.com/authors/lu-xun",
        "https://shop.example.com/products/passport-holder",
        "https://www.jd.com/",
    ],
)
def test_product_pages_are_not_walls(url):
    assert wall_reason(url) is None
