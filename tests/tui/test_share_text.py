"""Share texts copied from the shopping apps give back their link, title and platform."""

from pathlib import Path

import pytest

from tracker.errors import ExtractionInputError
from tracker.extract.share_text import parse_share_text, platform_of

FIXTURE = Path(__file__).parents[1] / "fixtures" / "tui" / "share_texts.txt"


def _cases():
    text = FIXTURE.read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    for block in blocks:
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        fields = {}
        body = []
        for line in lines:
            key, _, value = line.partition(": ")
            if key in ("url", "title", "platform"):
                fields[key] = value
            else:
                body.append(line)
        yield pytest.param("\n".join(body), fields, id=fields["url"][:40])


@pytest.mark.parametrize(("text", "expected"), list(_cases()))
def test_share_text_gives_link_title_and_platform(text, expected):
    found = parse_share_text(text)
    assert found.url == expected["url"]
    assert found.title == (None if expected["title"] == "-" else expected["title"])
    assert found.platform == expected["platform"]


@pytest.mark.parametrize("text", ["", "₤AbC123₤ 打开淘宝", "just some words", "ftp://x.example/a"])
def test_text_without_a_link_is_a_clear_error(text):
    with pytest.raises(ExtractionInputError) as info:
        parse_share_text(text)
    assert "no link" in info.value.one_line()
    assert "paste" in info.value.one_line()


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://detail.tmall.com/item.htm?id=1", "tmall"),
        ("https://item.taobao.com/item.htm?id=1", "taobao"),
        ("https://item.jd.com/1.html", "jd"),
        ("https://npcitem.jd.hk/1.html", "jd"),
        ("https://mobile.yangkeduo.com/goods.html?goods_id=1", "pdd"),
        ("https://haohuo.jinritemai.com/views/product/item2?id=1", "douyin"),
        ("https://notjd.com.example/x", "web"),
        ("https://fakejd.com/x", "web"),
    ],
)
def test_platform_comes_from_the_host(url, platform):
    assert platform_of(url) == platform
