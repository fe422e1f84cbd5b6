"""The signed-in profiles' bookkeeping: where they live, how their status is read, and
the slower default pace on the big platforms. No browser is started here."""

import json
import stat

import pytest

from tracker import locations
from tracker.errors import FetchError
from tracker.fetch.sessions import (
    BROWSER_PLATFORMS,
    record_session,
    session_status,
    session_statuses,
    signed_out_message,
)
from tracker.fetch.signin import sign_in
from tracker.platforms import SIGN_IN_URLS
from tracker.settings import HostSettings, Settings


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(locations.HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


def _profile_with_content(platform):
    """A profile as Chromium leaves it (it writes its own files on first start)."""
    profile = locations.browser_profile_dir(platform)
    (profile / "Local State").write_text("{}")
    return profile


def test_every_platform_has_a_sign_in_page_and_no_profile_yet(home):
    assert set(BROWSER_PLATFORMS) == {"jd", "tmall", "taobao", "pdd", "douyin"}
    assert all(SIGN_IN_URLS[p].startswith("https://") for p in BROWSER_PLATFORMS)
    statuses = session_statuses()
    assert [(s.platform, s.profile, s.state) for s in statuses] == [
        (p, False, "none") for p in BROWSER_PLATFORMS
    ]
    assert not (home / "data" / "browser").exists()  # reading the status creates nothing


def test_profiles_are_owner_only_under_the_data_directory(home):
    profile = locations.browser_profile_dir("tmall")
    assert profile == home / "data" / "browser" / "tmall" / "profile"
    for level in (profile, profile.parent, profile.parent.parent):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700


def test_status_follows_the_latest_event(home):
    _profile_with_content("jd")
    assert session_status("jd").state == "unchecked"
    record_session("jd", "working_at")
    assert session_status("jd").state == "working"
    record_session("jd", "signed_out_at", "login required (redirected to passport.jd.com/)")
    status = session_status("jd")
    assert status.state == "signed out" and status.detail.startswith("login required")
    state_file = locations.browser_session_file("jd")
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    written = json.loads(state_file.read_text())
    written["signed_in_at"] = "9999-01-01T00:00:00+00:00"  # the user signed in again
    state_file.write_text(json.dumps(written))
    assert session_status("jd").state == "unchecked"


def test_a_damaged_state_file_reads_as_no_events(home):
    _profile_with_content("pdd")
    locations.browser_session_file("pdd").write_text("[not json")
    status = session_status("pdd")
    assert (status.state, status.working_at, status.signed_out_at) == ("unchecked", None, None)


def test_the_signed_out_message_names_the_command():
    assert signed_out_message("jd") == "signed out of JD: run `daoshou browser login jd`"
    assert signed_out_message("pdd").startswith("signed out of Pinduoduo:")


async def test_an_unknown_platform_cannot_be_signed_in_to():
    with pytest.raises(FetchError, match="no sign-in page known for 'amazon'") as info:
        await sign_in("amazon")
    assert "jd" in info.value.one_line()


def test_the_big_platforms_get_a_slower_pace_unless_the_user_says_otherwise():
    settings = Settings(min_delay_seconds=2.0, hosts={"jd.com": HostSettings(min_delay_seconds=4)})
    assert settings.min_delay_for("detail.tmall.com") == 10.0
    assert settings.min_delay_for("mobile.yangkeduo.com") == 10.0
    assert settings.min_delay_for("item.jd.com") == 4  # the user's own host setting wins
    assert settings.min_delay_for("shop.example.com") == 2.0
    assert Settings(min_delay_seconds=30.0).min_delay_for("item.taobao.com") == 30.0


def test_browser_status_and_login_on_the_command_line(home):
    from typer.testing import CliRunner

    from tui.cli import app

    _profile_with_content("taobao")
    record_session("taobao", "signed_out_at", "login required (redirected to login.taobao.com/)")
    shown = CliRunner().invoke(app, ["browser", "status"])
    assert shown.exit_code == 0
    rows = {line.split()[0]: line for line in shown.output.splitlines()[2:]}
    assert "signed out" in rows["Taobao"] and " none " in f"{rows['JD']} "
    refused = CliRunner().invoke(app, ["browser", "login", "amazon"])
    assert refused.exit_code != 0 and not refused.output
    assert isinstance(refused.exception, FetchError)
    assert "no sign-in page known for 'amazon'" in refused.exception.one_line()
