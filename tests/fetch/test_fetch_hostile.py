"""Compressed bodies that try to exhaust memory: every layer is inflated under the cap."""

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tracker.fetch.fetcher import Fetcher, FetchOutcome, FetchPolicy
from tracker.fetch.inflate import BodyDecodeError, Inflater
from tracker.shop.client import FixtureShop

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile"
BOMB = HOSTILE / "gigabyte-gzip-gzip.bin"  # 1.8 KB: gzip(gzip(1 GiB of zeros))


@pytest.fixture
def hostile_shop() -> Iterator[FixtureShop]:
    with FixtureShop.start(pages=HOSTILE) as running:
        yield running


def _inflate_all(header: str, body: bytes, cap: int, step: int = 100) -> tuple[bytes, bool]:
    inflater = Inflater(header, cap)
    out = b""
    for start in range(0, len(body), step):
        out += inflater.feed(body[start : start + step])
        if inflater.passed:
            return b"", True
    return out, False


def test_stacked_gzip_bomb_stops_at_the_cap_in_every_layer():
    body, passed = _inflate_all("gzip, gzip", BOMB.read_bytes(), cap=1024 * 1024)
    assert passed and body == b""


def test_honest_layers_are_undone_in_reverse_order():
    page = "<p>¥129.00</p>".encode() * 50
    twice = zlib.compress(gzip.compress(page))  # gzip first, then deflate
    assert _inflate_all("gzip, deflate", twice, cap=1 << 20) == (page, False)
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw_deflate = raw.compress(page) + raw.flush()
    assert _inflate_all("deflate", raw_deflate, cap=1 << 20) == (page, False)
    members = gzip.compress(page[:100]) + gzip.compress(page[100:])
    assert _inflate_all("x-gzip", members, cap=1 << 20) == (page, False)
    assert _inflate_all("identity", page, cap=1 << 20) == (page, False)


@pytest.mark.parametrize(
    ("header", "reason"),
    [("gzip, gzip, gzip", "3 layers"), ("br", "unsupported"), ("compress2000", "unsupported")],
)
def test_too_many_or_unknown_layers_are_refused(header, reason):
    with pytest.raises(BodyDecodeError, match=reason):
        Inflater(header, 1024)


async def test_stacked_bomb_from_a_real_server_is_too_large_not_memory(hostile_shop):
    hostile_shop.fault(BOMB.name, "encoded", encoding="gzip, gzip")
    policy = FetchPolicy(per_host_delay=0, respect_robots=False)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(f"{hostile_shop.base_url()}/pages/{BOMB.name}")
    assert result.outcome is FetchOutcome.TOO_LARGE and result.body == b""
    assert "cap" in result.error


async def test_three_layers_from_a_real_server_are_an_http_error(hostile_shop):
    hostile_shop.fault(BOMB.name, "encoded", encoding="gzip, gzip, gzip")
    policy = FetchPolicy(per_host_delay=0, respect_robots=False)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(f"{hostile_shop.base_url()}/pages/{BOMB.name}")
    assert result.outcome is FetchOutcome.HTTP_ERROR and "3 layers" in result.error


async def test_a_streamed_stacked_body_never_reaches_httpx_decoders():
    def shop(request):
        stream = httpx.ByteStream(BOMB.read_bytes())
        return httpx.Response(200, headers={"Content-Encoding": "gzip, gzip"}, stream=stream)

    policy = FetchPolicy(per_host_delay=0, respect_robots=False, max_body_bytes=1 << 20)
    async with Fetcher(policy, transport=httpx.MockTransport(shop)) as fetcher:
        result = await fetcher.fetch("https://shop.example/p/1")
    assert result.outcome is FetchOutcome.TOO_LARGE
