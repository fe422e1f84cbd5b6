"""`daoshou extract FILE_OR_URL [--url URL] [--json]`: what price a page states, and why.

The contract scripts rely on: with `--json` it prints one object with `price` (a decimal
string or null), `currency`, `list_price`, `title`, `in_stock`, `source`, `reason` and
`promotions` (a list of dicts in the cart file's vocabulary, see docs/extraction.md), and
exits 0 whether or not a price was found. An unreadable input exits non-zero with one line.
`--evidence` adds `is_from_price` and every candidate with the evidence behind it.

The extractors are imported when `extract` runs, and the fetch stack only for a URL
(see bench/cli.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from planner.display import display_text
from tui.cli.output import print_json, to_jsonable
from tui.i18n import reason_text, t

if TYPE_CHECKING:
    from tracker.extract import Extraction

CONTRACT_KEYS = (
    "price",
    "currency",
    "list_price",
    "title",
    "in_stock",
    "source",
    "reason",
    "promotions",
)


def register(app: typer.Typer) -> None:
    """Add `extract` to the `daoshou` app."""
    app.command("extract")(extract)


def extract(
    target: Annotated[
        str, typer.Argument(metavar="FILE_OR_URL", help="A saved page or an http(s) URL.")
    ],
    url: Annotated[
        str | None,
        typer.Option("--url", help="The page's address (picks the shop's recipe or platform)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Also list every candidate price and its evidence.")
    ] = False,
) -> None:
    """Extract the price, list price, title and stock state from one product page."""
    import asyncio

    from tracker.extract import extract_page
    from tracker.extract.inputs import read_page_file
    from tracker.platforms import fetchable_netloc

    for address in (url, target if target.startswith(("http://", "https://")) else None):
        if address is not None:
            fetchable_netloc(address)  # one line now, not a traceback from deep inside
    if target.startswith(("http://", "https://")):
        html, page_url = asyncio.run(_fetch(target))
        result = extract_page(html, url or page_url)
    else:
        result = extract_page(read_page_file(Path(target)), url)
    document = as_document(result, evidence)
    if as_json:
        print_json(document)
        return
    for key, value in document.items():
        if key == "promotions":
            for promotion in value or []:
                text = display_text(promotion.get("source_text") or promotion)
                print(t("cli.promotion", text=text))
        elif key != "candidates":
            print(t("cli.field", name=t(f"extract.{key}"), value=_shown(key, value)))
    for candidate in document.get("candidates", []):
        print(
            f"  {candidate['kind']:5} {candidate['price']} {candidate['currency'] or '?'} "
            f"[{candidate['source']}] {display_text(candidate['evidence'])}"
        )


def _shown(key: str, value: object) -> str:
    """A field's value for people: stock as yes/no, the reason in the reader's language."""
    if value is None:
        return "-"
    if key == "in_stock":
        return t("cli.yes") if value else t("cli.no")
    return display_text(reason_text(str(value)) if key == "reason" else value)


def as_document(result: Extraction, evidence: bool = False) -> dict[str, Any]:
    """The contract's JSON object for one extraction (plus the evidence when asked)."""
    document = {key: to_jsonable(getattr(result, key)) for key in CONTRACT_KEYS}
    if evidence:
        document["is_from_price"] = result.is_from_price
        document["candidates"] = to_jsonable(list(result.candidates))
    return document


async def _fetch(url: str) -> tuple[str, str]:
    from tracker.checks.pages import fetch_policy
    from tracker.errors import FetchError
    from tracker.fetch.failures import failure_zh
    from tracker.fetch.fetcher import Fetcher
    from tracker.platforms import detect_platform
    from tracker.settings import load_settings

    async with Fetcher(fetch_policy(load_settings())) as fetcher:
        result = await fetcher.fetch(url, platform=detect_platform(url))
    if not result.ok:
        raise FetchError(
            f"could not fetch {url}: {result.error or result.outcome}",
            "check the URL, or save the page and pass the file",
            zh=(
                f"无法抓取 {url}：{failure_zh(result.error or result.outcome)}",
                "检查地址，或保存页面后传入文件",
            ),
        )
    return result.text, result.final_url
