"""The database, the logs and the data directory are owner-only; logs hold no URL tokens."""

import logging
import os
import stat

import pytest

from tracker import locations
from tracker.store import db


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DAOSHOU_DATABASE_URL", raising=False)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield tmp_path / "home"
    db.dispose_engines()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_the_store_and_logs_are_created_owner_only(home):
    os.umask(0o022)
    db.open_engine()
    data = home / "data"
    assert _mode(data) == 0o700 and _mode(data / "daoshou.sqlite") == 0o600
    log_file = locations.log_to(locations.app_log_file())
    assert _mode(log_file.parent) == 0o700 and _mode(log_file) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_store_made_loose_is_tightened_when_next_opened(home):
    data = home / "data"
    data.mkdir(parents=True, mode=0o755)
    (data / "daoshou.sqlite").touch(mode=0o644)
    os.chmod(data, 0o755)
    os.chmod(data / "daoshou.sqlite", 0o644)
    db.open_engine()
    assert _mode(data) == 0o700 and _mode(data / "daoshou.sqlite") == 0o600


def test_the_log_never_holds_a_urls_query(home):
    path = locations.log_to(locations.app_log_file())
    log = logging.getLogger("daoshou.check")
    log.warning("fetched %s", "https://item.jd.com/1.html?token=SECRET1&uid=42")
    try:
        raise ValueError("bad page at http://shop.example/p?sid=SECRET2")
    except ValueError:
        log.exception("extraction failed on https://m.tb.cn/h.x?share_token=SECRET3#frag")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "SECRET" not in text
    assert "https://item.jd.com/1.html?…" in text and "#frag" in text


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("see https://a.example/p?x=1 now", "see https://a.example/p?… now"),
        ("'http://[::1]:8080/p?k=v'", "'http://[::1]:8080/p?…'"),
        ("no url? here", "no url? here"),
    ],
)
def test_redact_queries(raw, kept):
    assert locations.redact_queries(raw) == kept
