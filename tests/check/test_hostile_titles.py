"""A scraped title with terminal escapes is stored, adopted and printed as display text."""

import asyncio

from planner.display import display_text, sheet_text
from tracker.checks.check import check_listings

HOSTILE_TITLE = "Kettle \x1b]0;pwned\x07\x1b[2J\x1b[31m red\u202e evil [bold]1.7L[/]"


def test_a_hostile_title_is_stored_and_adopted_clean(shop, repo, settings, slug):
    shop.set_product(slug, price="99.00", title=HOSTILE_TITLE)
    listing = repo.add_listing(shop.product_url(slug))
    [outcome] = asyncio.run(check_listings(repo, [listing], settings=settings))
    assert outcome.observation.title == "Kettle red evil [bold]1.7L[/]"
    [adopted] = repo.list_listings([listing.id])
    assert adopted.product_name == "Kettle red evil [bold]1.7L[/]"
    assert "\x1b" not in adopted.product_name and "\u202e" not in adopted.product_name


def test_display_and_sheet_text_agree_on_what_is_removed():
    shown = display_text(HOSTILE_TITLE)
    assert shown == "Kettle red evil [bold]1.7L[/]"
    assert sheet_text('\uff1dHYPERLINK("http://x")').startswith("'")
    assert sheet_text(HOSTILE_TITLE) == shown  # not a formula: nothing added
