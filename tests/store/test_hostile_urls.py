"""`add` accepts a URL exactly when the fetcher can fetch it, and says why not in one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.errors import UnsupportedURLError
from tracker.fetch.fetcher import checked_url
from tracker.platforms import MAX_URL_LENGTH, normalise_url

DAOSHOU = Path(sys.executable).parent / "daoshou"
ACCEPTED = {
    "http://[::1]:8080/p?utm_source=x&id=2": "http://[::1]:8080/p?id=2",
    "https://[2001:db8::1]/item": "https://[2001:db8::1]/item",
    "http://例子.测试/p": "http://xn--fsqu00a.xn--0zwm56d/p",
    "https://ＳＨＯＰ.example/p": "https://shop.example/p",  # full-width letters: UTS 46
    "https://Item.JD.com:443/1.html": "https://item.jd.com/1.html",
}
REFUSED = {
    "http://[::1/p": "Invalid IPv6",
    "http://shop.example:99999/p": "Port out of range",
    "http://shop.example:0/p": "port 0",
    "http://shop.example:eighty/p": "Port could not be cast",
    "http://xn--/p": "A-label",
    "http://xn--zz-zz.example/p": "not a usable URL",
    "http://exa mple.com/p": "cannot have",
    "http://evil\u202e.com/p": "not allowed",
    "http://300.1.1.1/p": "Octet 300",
    "http://" + "a" * MAX_URL_LENGTH + ".com/": "longer than",
    "ftp://shop.example/p": "not an http",
    "http:///p": "no host",
}


@pytest.mark.parametrize(("url", "canonical"), ACCEPTED.items())
def test_accepted_urls_are_stored_as_the_fetcher_sends_them(url, canonical):
    assert normalise_url(url) == canonical
    assert str(checked_url(canonical)) == canonical


@pytest.mark.parametrize(("url", "why"), REFUSED.items())
def test_refused_urls_are_refused_by_add_and_fetcher_alike_in_one_line(url, why):
    for accept in (normalise_url, checked_url):
        with pytest.raises(UnsupportedURLError, match=why) as info:
            accept(url)
        assert "\n" not in info.value.one_line() and len(info.value.one_line()) < 400


@pytest.mark.parametrize("url", ["http://[::1", "http://shop.example:99999/p", "http://a.com:x/"])
def test_the_cli_says_what_is_wrong_with_a_url_in_one_line(tmp_path, url):
    env = {**os.environ, "DAOSHOU_HOME": str(tmp_path)}
    page = Path(__file__).parent.parent / "fixtures" / "hostile" / "magnitude-wan.html"
    for args in (["add", url], ["extract", url], ["extract", str(page), "--url", url]):
        done = subprocess.run(
            [str(DAOSHOU), *args], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("daoshou: error: not a usable URL"), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
