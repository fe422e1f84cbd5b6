"""Saved carts: one TOML file each under the data directory (`locations.carts_dir()`).

A cart is validated before it is saved (its tables, and that every `listing = N` names a
tracked listing) and written atomically, so a saved cart is always one that plans, and a
crash mid-save leaves the previous file. `daoshou plan NAME` takes a saved cart's name; a
path to a file still works.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from planner.cart_file import cart_from_data, read_cart_text, read_toml
from planner.errors import CartError
from tracker import locations
from tracker.plans.resolve import Store, resolve

_NAME = re.compile(r"^\w[\w\-]{0,63}$")


@dataclass(frozen=True)
class SavedCart:
    """A saved cart: its name, file, and how many items it holds."""

    name: str
    path: Path
    items: int


def check_name(name: str) -> str:
    """`name` if it can name a saved cart (letters, digits, _ and -); CartError otherwise."""
    if not _NAME.match(name):
        raise CartError(
            f"{name!r} cannot name a cart",
            "use letters, digits, _ and - (at most 64)",
            zh=(f"{name!r} 不能用作购物车名", "用字母、数字、_ 和 -（最多 64 个）"),
        )
    return name


def cart_file(name: str) -> Path:
    """The file of the saved cart `name` (it may not exist)."""
    return locations.saved_cart_file(check_name(name))


def validate(text: str, source: Path, store: Store, now: datetime) -> int:
    """Check a cart's text as a cart of the store; the number of its items.

    Tracked offers are checked to name tracked listings but not to be buyable now: a cart
    whose fridge is out of stock today is still a cart worth keeping.
    """
    resolved = resolve(read_toml(text, source), store, now, str(source), check_only=True)
    return len(cart_from_data(resolved.data, text, source).items)


def save(name: str, source: Path, store: Store, now: datetime) -> SavedCart:
    """Validate `source`, then copy it under `name` (replacing a cart of that name)."""
    target = cart_file(name)
    text = read_cart_text(source)
    items = validate(text, source, store, now)
    write_atomically(target, text)
    return SavedCart(name, target, items)


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so a crash leaves the old or the new file, never half."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def saved_carts() -> list[SavedCart]:
    """Every saved cart, by name; a file that no longer parses counts -1 items."""
    carts = []
    for path in sorted(locations.carts_dir().glob(f"*{locations.CART_SUFFIX}")):
        if not _NAME.match(path.stem):
            continue
        try:
            items = len(read_toml(read_cart_text(path), path).get("item", []))
        except CartError:
            items = -1
        carts.append(SavedCart(path.stem, path, items))
    return carts


def saved_cart(name: str) -> Path:
    """The file of an existing saved cart; CartError naming what exists otherwise."""
    path = cart_file(name)
    if not path.is_file():
        names = ", ".join(c.name for c in saved_carts())
        raise CartError(
            f"no saved cart named {name!r} (saved: {names or 'none yet'})",
            "see daoshou cart list",
            zh=(
                f"没有名为 {name!r} 的购物车（已保存：{names or '还没有'}）",
                "用 daoshou cart list 查看",
            ),
        )
    return path


def remove(name: str) -> Path:
    """Delete a saved cart (and what the service remembers of its last plan)."""
    path = saved_cart(name)
    path.unlink()
    memo_file(name).unlink(missing_ok=True)
    return path


def memo_file(name: str) -> Path:
    """Where the last plan announced for a saved cart is remembered (`tracker.plans.follow`)."""
    return locations.cart_memo_file(check_name(name))


def cart_source(name_or_path: str) -> tuple[str | None, Path]:
    """(saved name, file) for `daoshou plan NAME`, or (None, file) for a path."""
    if _NAME.match(name_or_path) and cart_file(name_or_path).is_file():
        return name_or_path, cart_file(name_or_path)
    path = Path(name_or_path)
    if path.exists():  # a FIFO or a device too: reading it refuses it in one line
        return None, path
    if _NAME.match(name_or_path):
        saved_cart(name_or_path)  # raises, naming the saved carts
    raise CartError(
        f"cart file {path} does not exist",
        "check the path, or see daoshou cart list",
        zh=(f"购物车文件 {path} 不存在", "检查路径，或用 daoshou cart list 查看"),
    )
