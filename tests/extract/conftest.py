"""Shared helpers of the extraction tests: the page corpora and their manifests."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass(frozen=True)
class PageCase:
    """One manifest row: a saved page and what extraction must say about it."""

    path: Path
    url: str | None
    price: Decimal | None
    currency: str | None
    row: dict[str, str]

    @property
    def id(self) -> str:
        suffix = f"@{self.url.rsplit('/', 1)[-1]}" if self.url else ""
        return f"{self.path.parent.name}/{self.path.name}{suffix}"


def load_manifest(folder: str) -> list[PageCase]:
    """The rows of `tests/fixtures/<folder>/MANIFEST.tsv` as cases."""
    directory = FIXTURES / folder
    with (directory / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        PageCase(
            path=directory / row["filename"],
            url=row.get("url") or None,
            price=Decimal(row["expected_price"]) if row["expected_price"] else None,
            currency=row["currency"] or None,
            row=row,
        )
        for row in rows
    ]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test reads the developer's own recipes or settings."""
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
