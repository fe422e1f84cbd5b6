"""Reading and writing `cart.toml` (spec: shared/spec/cart.md, fields: docs/cart.md).

A malformed cart is rejected with ONE line that names the file, the line and the field
(`cart.toml:14: item[2].offer[1].price: "8O.00" is not an amount of money`). TOML parsers
do not keep line numbers for values, so `planner.toml_lines` finds the line of the
offending key in the text. Unknown keys are errors too: a misspelt `prcie` would otherwise
silently price an item at nothing.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from planner.cart import Cart, Item
from planner.cart_fields import FieldReader, offer_from
from planner.cart_promotions import promotion_from
from planner.cart_writer import cart_to_dict
from planner.causes import cause_words
from planner.errors import CartError
from planner.local_file import read_local_file
from planner.packs import pack_from
from planner.toml_lines import KeyLines

__all__ = ["cart_from_data", "dump_cart", "load_cart", "parse_cart", "read_toml", "save_cart"]

_ROOT_KEYS = {"currency", "budget", "members", "subsidy_used", "now", "item", "promotion"}
_ITEM_KEYS = {"id", "name", "qty", "pack", "unit", "per_pack", "category", "optional", "offer"}


def load_cart(path: Path, *, today: date | None = None) -> Cart:
    """Read and validate a cart file; CartError (one line: file, line, field) if malformed.

    With `today`, a cart that names no `now` is dated today (ready to price); without it,
    `now` stays as the file has it (ready to be edited and saved back unchanged).
    """
    return parse_cart(read_cart_text(path), path, today=today)


def read_cart_text(path: Path) -> str:
    """A cart file's text; CartError naming the file when it cannot be read, is not a
    regular file (a FIFO, a device) or is larger than any cart (the caps of local inputs)."""
    body = read_local_file(
        path, CartError, "give the path of a cart.toml file", hint_zh="给出 cart.toml 文件的路径"
    )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CartError(
            f"cart file {path} cannot be read: {exc}",
            "save it as UTF-8",
            zh=(f"无法读取购物车文件 {path}：{cause_words(exc)[1]}", "以 UTF-8 保存"),
        ) from None


def parse_cart(text: str, source: Path | None = None, *, today: date | None = None) -> Cart:
    """Validate cart TOML `text`; `source` names the file in error messages; `today` as
    in `load_cart`."""
    return cart_from_data(read_toml(text, source), text, source, today=today)


def read_toml(text: str, source: Path | None = None) -> dict[str, Any]:
    """The TOML tables of a cart, not yet validated; CartError if it is not TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        name = str(source) if source is not None else "<cart>"
        raise CartError(
            f"{name}: not valid TOML: {exc}",
            "fix the syntax at that line",
            zh=(f"{name}：不是有效的 TOML：{cause_words(exc)[1]}", "修正该行的语法"),
        ) from None
    except RecursionError:
        name = str(source) if source is not None else "<cart>"
        raise CartError(
            f"{name}: arrays or tables nested too deeply to read",
            "a cart nests a few levels",
            zh=(f"{name}：数组或表嵌套太深，无法读取", "购物车只需嵌套几层"),
        ) from None


def cart_from_data(
    data: dict[str, Any], text: str, source: Path | None = None, *, today: date | None = None
) -> Cart:
    """Validate cart tables read from `text` (a caller may have filled some in, such as
    prices of tracked listings, before validation); errors name `text`'s lines."""
    name = str(source) if source is not None else "<cart>"
    root = FieldReader(data, (), KeyLines(text), name)
    root.only(_ROOT_KEYS)
    items = tuple(_item(reader) for reader in root.tables("item", required=True))
    _unique_ids(items, root)
    members = tuple(root.strings("members"))
    promotions = tuple(promotion_from(r) for r in root.tables("promotion"))
    _known_items(promotions, items, root)
    return Cart(
        items=items,
        promotions=promotions,
        currency=root.text("currency", default="CNY"),
        budget=root.money("budget", optional=True),
        members=tuple(m.lower() for m in members),
        subsidy_used=tuple(root.strings("subsidy_used")),
        now=root.day("now", optional=True) or today,
        source=source,
    )


def _item(reader: FieldReader) -> Item:
    reader.only(_ITEM_KEYS)
    item_id = reader.text("id")
    qty = reader.integer("qty", default=1, minimum=1)
    try:
        pack = pack_from(
            reader.text("pack", optional=True),
            reader.text("unit", optional=True),
            _per_pack(reader),
        )
    except ValueError as exc:
        explicit = "unit" in reader.data or "per_pack" in reader.data
        field = ("per_pack" if "per_pack" in reader.data else "unit") if explicit else "pack"
        raise reader.field_error(
            field,
            str(exc),
            zh=("无法识别包装规格或单位", '写成 pack = "3kg x2"，或 unit 和 per_pack'),
        ) from None
    offers = tuple(offer_from(r) for r in reader.tables("offer", required=True))
    return Item(
        id=item_id,
        name=reader.text("name", default=item_id),
        qty=qty,
        offers=offers,
        pack=pack,
        pack_text=reader.text("pack", optional=True),
        category=reader.text("category", optional=True),
        optional=reader.flag("optional"),
    )


def _per_pack(reader: FieldReader) -> str | None:
    """`per_pack` is a quantity, not money: `"6"`, `6` and `1.5` are all fine."""
    value = reader.data.get("per_pack")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise reader.field_error(
            "per_pack", f"{value!r} is not a number", zh=(f"{value!r} 不是数字", "")
        )
    return str(value)


def _unique_ids(items: tuple[Item, ...], root: FieldReader) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            raise root.at("item", index).field_error(
                "id", f"id {item.id!r} is used twice", zh=(f"id {item.id!r} 用了两次", "")
            )
        seen.add(item.id)


def _known_items(
    promotions: tuple[object, ...], items: tuple[Item, ...], root: FieldReader
) -> None:
    """A promotion's `items = [...]` names items of this cart: a misspelt id would
    otherwise silently leave the item out of the coupon."""
    ids = {item.id for item in items}
    for index, promotion in enumerate(promotions):
        eligible = getattr(promotion, "eligible", None)
        unknown = [name for name in getattr(eligible, "items", ()) if name not in ids]
        if unknown:
            raise root.at("promotion", index).field_error(
                "items",
                f"no item with id {unknown[0]!r}",
                f"use one of {', '.join(sorted(ids))}",
                zh=(f"没有 id 为 {unknown[0]!r} 的商品", f"可用：{', '.join(sorted(ids))}"),
            )


def dump_cart(cart: Cart) -> str:
    """The cart as TOML text that `parse_cart` reads back to an equal cart."""
    return tomli_w.dumps(cart_to_dict(cart))


def save_cart(cart: Cart, path: Path) -> None:
    """Write the cart to `path` (the terminal app saves carts it built this way)."""
    path.write_text(dump_cart(cart), encoding="utf-8")
