"""A page that takes more CPU than its budget is abandoned as "page too complex".

The budget is checked in extraction's own loops (`tracker.extract.budget.spend`), so the
work really stops there; a budget no page can meet shows the mechanism on real pages.
"""

import threading
from decimal import Decimal

import pytest

from tests.extract.test_hostile_pages import HOSTILE
from tracker.extract.budget import OverBudget, budget, spend
from tracker.extract.inputs import read_page_file
from tracker.extract.pipeline import extract_page


def test_a_page_over_its_budget_is_too_complex():
    html = read_page_file(HOSTILE / "recommend-cn.html")
    assert extract_page(html, "https://shop.example/item/1").price == Decimal("159.00")
    spent = extract_page(html, "https://shop.example/item/1", cpu_seconds=0)
    assert spent.price is None
    assert spent.reason == "page too complex: extraction took more than 0 s of CPU"


def test_spend_raises_only_under_a_passed_deadline():
    spend()  # no budget: nothing to spend
    with budget(3600):
        spend()
    with pytest.raises(OverBudget), budget(0):
        spend()


def test_each_thread_spends_its_own_budget():
    """Checks extracting in threads are timed on their own CPU clocks, not each other's."""
    outcomes: list[bool] = []

    def generous() -> None:
        with budget(3600):
            spend()
            outcomes.append(True)

    with budget(0):
        worker = threading.Thread(target=generous)
        worker.start()
        worker.join()
        with pytest.raises(OverBudget):
            spend()
    assert outcomes == [True]
