"""`daoshou add | list | check | history | pause | resume | run`: the tracker on the command line.

A thin layer: each command calls one use-case of `tracker.store.repository`, `tracker.checks.check`
or `tracker.checks.scheduler` and prints the result, as a JSON document with `--json` or as a
plain table. Progress goes to stderr, and only when stderr is a terminal.

Commands import the store and the fetch stack when they run, so registering them (every
`daoshou` start) stays cheap (see bench/cli.py); `list` and `history` read a SQLite store
at the current schema through `tracker.store.sqlite_reader`, with no SQLAlchemy at all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from tracker.platforms import platform_name
from tui.cli.output import print_json, print_table
from tui.i18n import columns, fetch_text, reason_text, t
from tui.phrases import outcome_text

if TYPE_CHECKING:
    from tracker.checks.outcome import CheckOutcome
    from tracker.store.repository import Repository
    from tracker.store.views import ListingStatus, ObservationView

_Read = TypeVar("_Read")
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def register(app: typer.Typer) -> None:
    """Add the tracker's commands to the `daoshou` app."""
    app.command("add")(add)
    app.command("list")(list_)
    app.command("check")(check)
    app.command("history")(history)
    app.command("pause")(pause)
    app.command("resume")(resume)
    app.command("run")(run)


def add(
    url: Annotated[str, typer.Argument(help="The product page, http(s)://...")],
    product: Annotated[
        str | None, typer.Option(help="The product it is an offer of (created if new).")
    ] = None,
    pack: Annotated[
        str | None, typer.Option(help='Pack size, e.g. "3kg x2", "500ml*12", "24卷".')
    ] = None,
    interval: Annotated[
        int | None, typer.Option(help="Minutes between checks (default: settings).")
    ] = None,
    browser: Annotated[
        bool, typer.Option("--browser", help="Render the page in Chromium (JS-priced shops).")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Add it even if the page cannot be fetched (4xx, no host)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Track a product page: it is fetched once now, refused if it answers 4xx or cannot be
    reached (unless --force), and named after its title when --product is not given.
    Prints the new listing; its `id` names it from then on."""
    from tracker.checks.first import add_checked_sync
    from tracker.store.repository import Repository

    added = add_checked_sync(
        Repository(),
        url,
        product=product,
        pack=pack,
        check_interval_minutes=interval,
        use_browser=browser,
        force=force,
    )
    listing = added.listing
    if as_json:
        print_json(listing)
        return
    print(
        t(
            "cli.added",
            id=listing.id,
            platform=platform_name(listing.platform),
            url=listing.url,
            name=listing.product_name,
        )
    )
    print(t("cli.first_check", summary=outcome_text(added.outcome)))


def list_(as_json: JsonOption = False) -> None:
    """Every tracked listing with its latest price."""
    statuses = _listing_statuses()
    if as_json:
        print_json(statuses)
        return
    if not statuses:
        print(t("cli.nothing_tracked"))  # an empty table says nothing of what to do
        return
    print_table(
        columns("id", "platform", "product", "price", "checked", "title_url"),
        [_status_row(status) for status in statuses],
    )


def _listing_statuses() -> list[ListingStatus]:
    from tracker.store import sqlite_reader

    return _read_store(sqlite_reader.listing_statuses, lambda store: store.listing_statuses())


def _read_store(
    direct: Callable[[str], _Read | None], usual: Callable[[Repository], _Read]
) -> _Read:
    """Read straight from a SQLite store when it is at the current schema (`direct`, a
    `tracker.store.sqlite_reader` function of the store's URL: no SQLAlchemy to import,
    most of a reading command's time), else open the store as every command does
    (`usual`), which also reports a missing listing or a broken store in the usual words."""
    from tracker import locations

    read = direct(locations.database_url())
    if read is not None:
        return read
    from tracker.store.repository import Repository

    return usual(Repository())


def history(
    listing_id: Annotated[int, typer.Argument(help="The listing id (see daoshou list).")],
    limit: Annotated[int | None, typer.Option(help="Only the newest N rows.")] = None,
    before: Annotated[
        str | None,
        typer.Option(help="Only rows before this UTC time or day (2026-11-11T08:00): a page."),
    ] = None,
    daily: Annotated[
        bool, typer.Option("--daily", help="One row per day: first, last, lowest, highest.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """The recorded observations of one listing (or its daily roll-up), oldest first.

    Pages go backwards: `--limit 100` shows the newest 100, and `--before` the first
    time shown gives the 100 before them."""
    from tracker.store import sqlite_reader

    moment = _utc_moment(before) if before else None
    if daily:
        day = moment.date().isoformat() if moment else None
        days = _read_store(
            lambda url: sqlite_reader.daily_history(url, listing_id, before=day, limit=limit),
            lambda store: store.daily_history(listing_id, before=day, limit=limit),
        )
        if as_json:
            print_json(days)
            return
        print_table(
            columns("day_utc", "first", "last", "lowest", "highest", "checks", "currency"),
            [(d.day, d.first_price, d.last_price, d.min_price, d.max_price, d.count, d.currency)
             for d in days],
        )  # fmt: skip
        return
    observations = _read_store(
        lambda url: sqlite_reader.history(url, listing_id, before=moment, limit=limit),
        lambda store: store.history(listing_id, before=moment, limit=limit),
    )
    if as_json:
        print_json(observations)
        return
    print_table(
        columns(
            "time_utc", "price", "list_price", "in_hand", "stock", "promotions", "source", "note"
        ),
        [_history_row(obs) for obs in observations],
    )


def _utc_moment(text: str) -> datetime:
    """An ISO time or day typed by the user; without an offset it is UTC (as shown)."""
    from planner.errors import DaoshouError

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DaoshouError(
            f"cannot read the time {text!r}",
            "write it like 2026-11-11 or 2026-11-11T08:00",
            zh=(f"无法识别时间 {text!r}", "写成 2026-11-11 或 2026-11-11T08:00 这样"),
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


IdsArgument = Annotated[list[int], typer.Argument(help="Listing ids (see daoshou list).")]


def pause(listing_ids: IdsArgument, as_json: JsonOption = False) -> None:
    """Stop checking listings (their history, alerts and forecasts are kept)."""
    _set_active(listing_ids, active=False, as_json=as_json)


def resume(listing_ids: IdsArgument, as_json: JsonOption = False) -> None:
    """Check paused listings again on their interval."""
    _set_active(listing_ids, active=True, as_json=as_json)


def _set_active(listing_ids: list[int], *, active: bool, as_json: bool) -> None:
    from tracker.store.repository import Repository

    listings = Repository().set_active(listing_ids, active)
    if as_json:
        print_json(listings)
        return
    state = t("cli.resumed" if active else "cli.paused")
    for listing in listings:
        print(t("cli.listing_state", id=listing.id, state=state, name=listing.product_name))


def check(
    listing_ids: Annotated[
        list[int] | None, typer.Argument(help="Listing ids (default: every active listing).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check listings now: fetch, extract, store (with a progress bar on a terminal).

    A listing whose check fails unexpectedly is stored as a failed attempt and the others
    go on; the exit status is then 1. Diagnostics go to the log file, not the terminal.
    """
    import asyncio

    from tracker.checks.check import check_listings
    from tracker.store.repository import Repository
    from tui.cli.alerts import deliver_after_check
    from tui.cli.terminal import log_to_file

    log_to_file()

    repository = Repository()
    listings = repository.list_listings(listing_ids or None, active_only=not listing_ids)
    if not listings and not as_json:
        if repository.list_listings():
            print(t("cli.none_active"))
        else:
            print(t("cli.none_tracked"))
        return
    progress = _Progress(len(listings)) if sys.stderr.isatty() and not as_json else None
    outcomes = asyncio.run(
        check_listings(repository, listings, on_done=progress.step if progress else None)
    )
    if progress:
        progress.close()
    deliver_after_check(repository.engine)  # the alerts these checks raised, before exiting
    if as_json:
        print_json(outcomes)
    else:
        print_table(
            columns("id", "fetch", "result"),
            [(o.listing_id, fetch_text(o.fetch), outcome_text(o)) for o in outcomes],
        )
    _exit_if_failed(outcomes)


def _exit_if_failed(outcomes: list[CheckOutcome]) -> None:
    """Exit 1 when any fetch failed (the others are stored already), naming which: a
    script must not mistake a run in which nothing was fetched for a good one."""
    from tracker.checks.outcome import LEASED, SKIPPED

    failed = [o for o in outcomes if o.observation is None and o.fetch not in (SKIPPED, LEASED)]
    if failed:
        ids = ", ".join(str(o.listing_id) for o in failed)
        counts = {"failed": len(failed), "total": len(outcomes)}
        print(t("cli.fetch_failed", ids=ids, **counts), file=sys.stderr)
        raise typer.Exit(1)


def run() -> None:
    """Run the scheduler: check every listing on its interval until interrupted."""
    from tracker.checks.jobs import service_jobs
    from tracker.checks.scheduler import run_forever

    run_forever(service_jobs())


class _Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    WIDTH = 30

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self._draw()

    def step(self, *_args: object) -> None:
        self.done += 1
        self._draw()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()

    def _draw(self) -> None:
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        sys.stderr.write(f"\r{t('cli.checking')} [{bar}] {self.done}/{self.total}")
        sys.stderr.flush()


def _price(obs: ObservationView | None) -> str:
    if obs is None:
        return "-"
    if obs.price is None:
        return t("cli.no_price")
    prefix = t("cli.from") if obs.is_from_price else ""
    shown = f"{prefix}{obs.price} {obs.currency or ''}".strip()
    # The page still shows a price when the item is sold out: it cannot be bought at it.
    return t("cli.sold_out", price=shown) if obs.in_stock is False else shown


def _status_row(status: ListingStatus) -> tuple[object, ...]:
    listing, latest, attempt = status.listing, status.latest, status.last_attempt
    when = latest.observed_at.strftime("%Y-%m-%d %H:%M") if latest else t("cli.never")
    label = (latest.title if latest and latest.title else None) or listing.url
    if attempt and attempt.status not in ("ok", "not_modified", "blocked"):
        # The last fetch failed: the price shown is older than the last try.
        failure = fetch_text(attempt.status)
        if attempt.error:  # what went wrong, as `check` said it: the advice points here
            failure = t("check.failed_because", status=failure, detail=reason_text(attempt.error))
        label = t("cli.last_fetch", status=failure, label=label)
    if not listing.active:
        label = t("cli.paused_mark", label=label)
    price = _price(latest)
    if latest is not None and latest.price is None and latest.reason:
        price = t("check.no_price", reason=reason_text(latest.reason))  # why, as the app says
    return (listing.id, platform_name(listing.platform), listing.product_name, price, when, label)


def _history_row(obs: ObservationView) -> tuple[object, ...]:
    stock = {True: t("cli.yes"), False: t("cli.no"), None: "-"}[obs.in_stock]
    list_price = f"{obs.list_price} {obs.currency or ''}".strip() if obs.list_price else None
    from tracker.extract.promotions import describe

    in_hand = f"{obs.in_hand} {obs.currency or ''}".strip() if obs.in_hand is not None else None
    return (
        obs.observed_at.strftime("%Y-%m-%d %H:%M"),
        _price(obs),
        list_price,
        in_hand,
        stock,
        "; ".join(describe(p) for p in obs.promotions) or None,
        obs.source,
        reason_text(obs.reason) if obs.reason else None,  # as `list` and the app word it
    )
