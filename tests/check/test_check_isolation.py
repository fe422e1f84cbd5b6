"""One bad listing never stops a run: its failure is its own failed attempt, with a reason.

The listings here are broken the ways real stores got broken: a URL that an older version
stored and the fetcher cannot use, a listing whose store write fails. The others in the
same run are checked and stored, and `daoshou check` says (exit status 1) that some failed.
"""

import asyncio
import json
import os
import subprocess
import sys
from decimal import Decimal

import sqlalchemy as sa

from tracker.checks.check import check_listings
from tracker.checks.outcome import CHECK_ERROR
from tracker.store import db
from tracker.store.repository import Repository
from tracker.store.tables import Listing

STORED_WRONGLY = ["http://[::1", "http://xn--/p"]  # an unclosed IPv6 literal, a bad A-label


def _break_url(repo, listing_id, url):
    with db.session_scope(repo.engine, write=True) as session:
        session.execute(sa.update(Listing).where(Listing.id == listing_id).values(url=url))


def test_listings_stored_wrongly_fail_alone_and_the_others_are_stored(shop, repo, settings, slug):
    shop.set_product(slug, price="20.00")
    good = repo.add_listing(shop.product_url(slug))
    broken = []
    for i, url in enumerate(STORED_WRONGLY):
        listing = repo.add_listing(shop.product_url(f"{slug}-{i}"))
        _break_url(repo, listing.id, url)
        broken.append(repo.list_listings([listing.id])[0])
    outcomes = asyncio.run(check_listings(repo, [*broken, good], settings=settings))
    *failed, fine = outcomes
    assert fine.observation.price == Decimal("20.00")
    for outcome in failed:
        assert outcome.fetch == CHECK_ERROR and outcome.summary.startswith("check failed (")
        assert "\n" not in outcome.summary
        [attempt] = repo.recent_attempts(outcome.listing_id)
        assert attempt.status == CHECK_ERROR and attempt.error


def test_the_cli_stores_the_others_and_exits_1(tmp_path, shop, slug):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[fetch]\nmin_delay_seconds = 0\n")
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    env.pop("DAOSHOU_DATABASE_URL", None)

    def daoshou(*args):
        command = [sys.executable, "-c", "from tui.cli import main; main()", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    shop.set_product(slug, price="20.00")
    shop.set_product(f"{slug}-x", price="30.00")
    good = json.loads(daoshou("add", shop.product_url(slug), "--json").stdout)
    bad = json.loads(daoshou("add", shop.product_url(f"{slug}-x"), "--json").stdout)
    repo = Repository(db.open_engine(f"sqlite:///{home / 'data' / 'daoshou.sqlite'}"))
    try:
        _break_url(repo, bad["id"], STORED_WRONGLY[0])
    finally:
        db.dispose_engines()
    done = daoshou("check", "--json")
    # stdout stays one JSON value; the failure is one line on stderr, naming the listing
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"daoshou: 1 of 2 listings could not be fetched ({bad['id']}); see daoshou list for why"
    ]
    by_id = {o["listing_id"]: o for o in json.loads(done.stdout)}
    assert by_id[good["id"]]["observation"]["price"] == "20.00"
    assert by_id[bad["id"]]["fetch"] == CHECK_ERROR
