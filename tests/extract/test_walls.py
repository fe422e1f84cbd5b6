"""Walls: pages that must never yield a price, and product pages that must not look like one."""

from tracker.extract import extract_page

PRODUCT = """<html><head><title>Linen Shirt</title>
<script type="application/ld+json">{"@type":"Product","name":"Linen Shirt",
"offers":{"price":"45.00","priceCurrency":"EUR"}}</script></head>
<body><a href="https://passport.jd.com/new/login.aspx">你好，请登录</a>
<div class="g-recaptcha"></div><h1>Linen Shirt</h1><p>€45.00</p></body></html>"""


def test_product_page_with_login_links_and_recaptcha_is_not_a_wall():
    result = extract_page(PRODUCT, "https://shirts.example.de/p/linen")
    assert result.price is not None and result.reason is None


def test_login_host_is_a_wall_whatever_the_page_says():
    result = extract_page(PRODUCT, "https://login.taobao.com/member/login.jhtml")
    assert result.price is None
    assert result.reason is not None and result.reason.startswith("login page")


def test_password_form_on_a_short_page_is_a_login_wall():
    page = """<html><head><title>Welcome</title></head><body>
    <form><input name="user"><input type="password" name="pw"><button>Sign in</button></form>
    <p>Forgot your password?</p><p>Member price $19.99</p></body></html>"""
    result = extract_page(page, "https://shop.example.com/p/1")
    assert result.price is None
    assert "login page" in (result.reason or "")


def test_slider_captcha_wording_is_a_wall():
    page = "<html><body><p>亲，请拖动下方滑块完成验证</p><p>¥99</p></body></html>"
    result = extract_page(page, "https://item.taobao.com/item.htm?id=1")
    assert result.price is None
    assert "slider captcha" in (result.reason or "")


def test_a_product_titled_like_a_wall_is_still_a_product():
    story = "<p>" + "A gripping story of patience and time. " * 120 + "</p>"
    page = (
        "<html><head><title>Just a Moment: A Novel</title>"
        '<script type="application/ld+json">{"@type":"Product","name":"Just a Moment: A Novel",'
        '"offers":{"price":"9.99","priceCurrency":"USD"}}</script></head>'
        f"<body><h1>Just a Moment: A Novel</h1>{story}</body></html>"
    )
    assert extract_page(page, "https://books.example.com/p/1").price is not None
