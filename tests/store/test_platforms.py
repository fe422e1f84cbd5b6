"""Platform detection by host, URL normalisation and SKUs."""

import pytest

from tracker.errors import UnsupportedURLError
from tracker.platforms import detect_platform, normalise_url, sku_from_url


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://item.jd.com/100012043978.html", "jd"),
        ("https://item.m.jd.com/product/100012043978.html", "jd"),
        ("https://3.cn/10-abc", "jd"),
        ("https://detail.tmall.com/item.htm?id=1", "tmall"),
        ("https://item.taobao.com/item.htm?id=1", "taobao"),
        ("https://mobile.yangkeduo.com/goods.html?goods_id=1", "pdd"),
        ("https://www.pinduoduo.com/x", "pdd"),
        ("https://haohuo.jinritemai.com/views/product/detail?id=1", "douyin"),
        ("https://www.douyin.com/x", "douyin"),
        ("https://shop.example.com/p/1", "web"),
        ("https://notjd.com/x", "web"),
        ("https://jd.com.evil.example/x", "web"),
    ],
)
def test_platform_by_host(url, platform):
    assert detect_platform(url) == platform


def test_normalisation_keeps_identity_and_drops_tracking():
    assert (
        normalise_url(" HTTPS://Detail.TMALL.com/item.htm?spm=a1.b2&id=42&utm_medium=x#desc ")
        == "https://detail.tmall.com/item.htm?id=42"
    )
    assert normalise_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/"


@pytest.mark.parametrize(
    "url", ["ftp://x.com/a", "javascript:alert(1)", "item.jd.com/1.html", "https://"]
)
def test_only_http_and_https(url):
    with pytest.raises(UnsupportedURLError):
        normalise_url(url)


def test_skus():
    assert sku_from_url("https://item.jd.com/100012043978.html") == "100012043978"
    assert sku_from_url("https://detail.tmall.com/item.htm?id=42&skuId=7") == "7"
    assert sku_from_url("https://mobile.yangkeduo.com/goods.html?goods_id=9") == "9"
    assert sku_from_url("https://shop.example.com/p/1") is None
