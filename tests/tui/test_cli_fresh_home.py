"""The command line on a fresh data directory, as a new user meets it, in both languages:
every answer says what to do next, in the reader's language, and advice points to a place
that has what it promises."""

import os
import socket

import pytest

from tests.processes import run_daoshou


@pytest.fixture
def run(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[fetch]\nmin_delay_seconds = 0\n")

    def daoshou(lang, *args):
        env = {**os.environ, "DAOSHOU_HOME": str(home), "DAOSHOU_LANG": lang}
        env.pop("DAOSHOU_DATABASE_URL", None)
        return run_daoshou(env, *args, timeout=120)

    return daoshou


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ("还没有跟踪任何商品", "daoshou add URL")), ("en", ("nothing tracked yet", "add"))],
)
def test_an_empty_list_says_how_to_begin(run, lang, words):
    code, out, err = run(lang, "list")
    assert code == 0 and err == ""
    assert all(word in out for word in words), out
    code, out, _ = run(lang, "list", "--json")
    assert code == 0 and out.strip() == "[]"


def test_chinese_answers_on_a_fresh_home_carry_no_english_values(run):
    code, _, err = run("zh", "cart", "show", "kitchen")
    assert code == 2 and "已保存：还没有" in err and "none yet" not in err
    code, out, _ = run("zh", "browser", "status")
    assert code == 0
    states = [line.split()[1] for line in out.splitlines()[2:]]
    assert states and set(states) == {"无"}, out


def test_after_a_failed_check_list_shows_why_as_the_check_advised(run):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, _ = run("zh", "add", f"http://127.0.0.1:{port}/item/1.html", "--force")
    assert code == 0
    code, _, err = run("zh", "check")
    assert code == 1 and "daoshou list" in err  # the advice: the reason is there
    code, out, _ = run("zh", "list")
    assert code == 0 and "网络错误：127.0.0.1 拒绝了连接" in out, out
    code, out, _ = run("en", "list")
    assert "network_error: connection refused by 127.0.0.1" in out, out


def test_extract_names_its_fields_and_the_reason_in_chinese(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><title>袜子</title><body>没有价格</body></html>", encoding="utf-8")
    code, out, _ = run("zh", "extract", str(page))
    assert code == 0
    assert "标题：袜子" in out and "原因：页面上没有找到价格" in out
    assert "reason" not in out and "no price" not in out
    code, out, _ = run("en", "extract", str(page))
    assert "reason: no price found on the page" in out
