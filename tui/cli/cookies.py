"""`daoshou cookies set | list | remove`: the user's own cookies for sign-in-only prices.

Values are credentials: they are read from the argument or, with `-`, from stdin (so they
stay out of the shell history), stored owner-only by `tracker.fetch.cookies`, and never printed
back; listings show cookie names with masked values.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tracker.fetch.cookies import CookieStore
from tui.cli.output import print_json, print_table
from tui.i18n import columns, t

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
ScopeArgument = Annotated[
    str, typer.Argument(help="A platform (jd, tmall, taobao, pdd, douyin) or a host name.")
]

cookies_app = typer.Typer(
    name="cookies",
    help="Cookies you give daoshou for prices shown only when signed in (kept owner-only).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Add the `cookies` command group to the `daoshou` app."""
    app.add_typer(cookies_app)


@cookies_app.command("set")
def set_(
    scope: ScopeArgument,
    header: Annotated[
        str, typer.Argument(help='The Cookie header, "k=v; k2=v2", or - to read it from stdin.')
    ],
    as_json: JsonOption = False,
) -> None:
    """Store cookies for a platform or host, replacing any it had (值不会被显示)."""
    text = sys.stdin.read() if header == "-" else header
    masked = CookieStore().set(scope, text)
    if as_json:
        print_json(masked)
        return
    print(t("cli.cookies_saved", scope=masked.scope, masked=masked.masked))


@cookies_app.command("list")
def list_(as_json: JsonOption = False) -> None:
    """Every scope with cookies, names only, values masked."""
    entries = CookieStore().listing()
    if as_json:
        print_json(entries)
        return
    print_table(columns("scope", "cookies"), [(e.scope, e.masked) for e in entries])


@cookies_app.command("remove")
def remove(scope: ScopeArgument, as_json: JsonOption = False) -> None:
    """Forget the cookies of a platform or host."""
    removed = CookieStore().remove(scope)
    if as_json:
        print_json({"scope": scope, "removed": removed})
        return
    print(t("cli.cookies_removed" if removed else "cli.cookies_none", scope=scope))
