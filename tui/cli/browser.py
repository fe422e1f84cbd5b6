"""`daoshou browser login | status`: the user's own signed-in browser, one per platform.

`login` opens a visible Chrome/Chromium window on the profile daoshou keeps for that
platform, at its sign-in page, and returns when the user closes the window; from then
on checks of that platform's listings read the pages through that profile, headless
(`tracker.fetch.sessions`). `status` says per platform whether there is a profile and
when daoshou last saw the session work or fail.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.platforms import SIGN_IN_URLS, platform_name
from tui.cli.output import print_json, print_table
from tui.i18n import STRINGS, columns, current_language, t

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

browser_app = typer.Typer(
    name="browser",
    help="Sign in to JD, Tmall, Taobao, Pinduoduo or Douyin in your own Chrome/Chromium.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Add the `browser` command group to the `daoshou` app."""
    app.add_typer(browser_app)


@browser_app.command("login")
def login(
    platform: Annotated[str, typer.Argument(help=f"One of: {', '.join(SIGN_IN_URLS)}.")],
) -> None:
    """Open a browser window at the platform's sign-in page; sign in, then close it."""
    import asyncio  # the browser stack loads only when a window is opened

    from tracker.fetch.signin import sign_in, sign_in_url
    from tracker.settings import load_settings

    platform = platform.strip().lower()
    sign_in_url(platform)  # an unknown platform is refused before anything is said
    name = platform_name(platform, current_language())
    print(t("cli.sign_in", name=name), flush=True)
    profile = asyncio.run(sign_in(platform, load_settings().chromium_path))
    print(t("cli.signed_in", name=name, profile=profile))


@browser_app.command("status")
def status(as_json: JsonOption = False) -> None:
    """Per platform: is there a signed-in profile, when did it last work or fail."""
    from tracker.fetch.sessions import session_statuses

    statuses = session_statuses()
    if as_json:
        print_json([s.as_json() for s in statuses])
        return
    rows = [
        (
            platform_name(s.platform, current_language()),
            t(f"session.{s.state}") if f"session.{s.state}" in STRINGS else s.state,
            s.working_at or "-",
            s.signed_out_at or "-",
            s.signed_in_at or "-",
        )
        for s in statuses
    ]
    headers = columns("platform", "session", "last_worked", "last_signed_out", "last_sign_in")
    print_table(headers, rows)
