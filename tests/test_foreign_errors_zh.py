"""Failures daoshou does not word itself (the network's, the OS's, a TOML reader's) reach a
Chinese reader in Chinese, driven for real: a refused loopback port, a loopback server that
accepts and never answers, a missing file, a directory, a full disk. English keeps the
library's own words, which stores, logs and --json rely on."""

import errno
import os
import re
import socket
from pathlib import Path

import pytest

from planner.causes import cause_words
from tests.processes import run_daoshou
from tracker.fetch.failures import FAILURE_FORMS, failure, failure_zh

#: Two English words in a row: how a library's message shows (`Connection refused`,
#: `No such file or directory`, `timed out`); daoshou's own Chinese has none outside the
#: commands, addresses, paths and file headers it names.
_ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,:'()-]+[A-Za-z]{2,}")
_NAMED = re.compile(
    r"(https?://\S+|/[^\s：（）]+|daoshou [a-z-]+|--[a-z-]+|[a-z]+(?:,[a-z]+)+)"  # a CSV header
)


def _english_left(text: str) -> list[str]:
    return _ENGLISH.findall(_NAMED.sub(" ", text))


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text(
        "[fetch]\nmin_delay_seconds = 0\ntimeout_seconds = 0.5\n"
    )
    environ = {**os.environ, "DAOSHOU_HOME": str(home), "DAOSHOU_LANG": "zh"}
    environ.pop("DAOSHOU_DATABASE_URL", None)
    return environ


def _run(env, *args):
    return run_daoshou(env, *args, timeout=120)


@pytest.fixture
def refused_port():
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port():
    """A loopback port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def test_a_refused_connection_is_worded_in_chinese_everywhere(env, refused_port):
    url = f"http://127.0.0.1:{refused_port}/item/1.html"
    code, out, err = _run(env, "add", url)
    assert code == 2 and out == ""
    assert "127.0.0.1 拒绝了连接" in err and not _english_left(err), err
    code, out, err = _run(env, "add", url, "--force")
    assert code == 0 and "拒绝了连接" in out and "网络错误" in out
    code, out, err = _run(env, "check")
    assert code == 1
    assert "拒绝了连接" in out and not _english_left(out + err), out + err
    assert "network_error" not in out
    code, out, _ = _run(env, "check", "--json")  # scripts keep the stable English
    assert code == 1 and "connection refused by 127.0.0.1" in out and "network_error" in out


def test_a_host_that_never_answers_is_a_timeout_in_chinese(env, silent_port):
    code, out, err = _run(env, "add", f"http://127.0.0.1:{silent_port}/item/2.html")
    assert code == 2 and out == ""
    assert "127.0.0.1 没有及时应答（超时）" in err and not _english_left(err), err


def test_missing_files_and_directories_are_worded_in_chinese(env, tmp_path):
    missing = tmp_path / "missing.csv"
    for args, words in (
        (("import-history", str(missing)), "missing.csv 不存在"),
        (("import-history", str(tmp_path)), "是目录"),
        (("extract", str(missing)), "不存在"),
        (("plan", str(tmp_path)), "是目录"),
    ):
        code, out, err = _run(env, *args)
        assert code == 2 and out == "", args
        assert words in err and not _english_left(err), (args, err)


def test_a_toml_syntax_error_names_its_place_in_chinese(env, tmp_path):
    cart = tmp_path / "cart.toml"
    cart.write_text('[[item]]\nname = "nuts\n', encoding="utf-8")
    code, _, err = _run(env, "plan", str(cart))
    assert code == 2 and "第 2 行" in err and "语法错误" in err
    assert not _english_left(err), err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_disk_keeps_the_systems_words_in_english_and_chinese_in_chinese():
    with pytest.raises(OSError) as raised, open("/dev/full", "w") as full:
        full.write("x")
        full.flush()
    english, chinese = cause_words(raised.value)
    assert raised.value.errno == errno.ENOSPC
    assert english == os.strerror(errno.ENOSPC) and chinese == "磁盘已满"


def test_every_failure_form_reads_back_from_the_sentence_the_fetcher_stores():
    values = {
        "host": "shop.example",
        "seconds": "60",
        "kind": "ReadTimeout",
        "error": "[SSL] boom",
        "status": "404",
        "after": "120",
        "cap": "8388608",
        "count": "5",
        "location": "'x'",
        "target": "/item/1",
        "waiting": "300",
        "token": "daoshou",
    }
    for form, (chinese, _) in FAILURE_FORMS.items():
        worded = failure_zh(failure(form, **values))
        expected = chinese.format(**values, meaning="（页面不存在）")
        assert worded == expected, form
    assert failure_zh("something else entirely") == "something else entirely"


def test_a_channel_that_cannot_be_reached_is_worded_in_chinese(env, refused_port):
    code, _, _ = _run(env, "alerts", "channel", "add", f"ntfy://127.0.0.1:{refused_port}/topic")
    assert code == 0
    code, out, _ = _run(env, "alerts", "test")
    assert code == 1
    assert "连接 ntfy 通知服务出错" in out and not _english_left(out.split("\n", 2)[2]), out
    code, out, _ = _run(env, "alerts", "test", "--json")  # scripts keep Apprise's words
    assert "A Connection error occurred" in out


def test_a_channel_answering_an_http_error_names_the_status_in_chinese(env):
    """A loopback HTTP server that refuses POST (501): Apprise's sentence, read back."""
    import threading
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # the test's output is the command's, not the log
            pass

    server = HTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert _run(env, "alerts", "channel", "add", f"json://127.0.0.1:{port}/hook")[0] == 0
        code, out, _ = _run(env, "alerts", "test")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1 and "通知发送失败：HTTP 501" in out, out
