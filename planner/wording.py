"""What a pricing step says, as data: a form and its values, worded in either language.

The cost engine records each adjustment to an item as a `Step`. A step used to carry an
English sentence, so the Chinese app, the command line and the budget sheet all showed
`price 32.20 x 2` and `cross-store`. Now a step carries `Words`: a form (a key of `FORMS`)
and the values it names (prices, quantities, the promotion's terms, the shop); whoever
shows it picks the language. `FORMS` is part of the app's one catalogue (`tui.i18n`
merges it under `step.<form>`), kept here because the planner may not import the UI and
the budget sheet needs the words too. The English wording is also the step's stable
`label` in `--json`, next to the form and values a program should read.

A promotion's own terms (`满400减50`, `95折`, the page's label) are the platform's words,
shown as the platform writes them in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FORMS", "WordLanguage", "Words", "words"]

WordLanguage = Literal["zh", "en"]

#: Each form's (Chinese, English) template; `{names}` are the values a step carries.
FORMS: dict[str, tuple[str, str]] = {
    "price": ("单价 {price} × {qty}", "price {price} x {qty}"),
    "list_price": ("原价 {price} × {qty}", "list price {price} x {qty}"),
    "activity": ("活动价", "activity price"),
    "presale_cut": ("预售定金 {deposit}，立减 {cut}", "presale deposit {deposit}, price cut {cut}"),
    "presale_worth": ("预售定金 {deposit} 抵 {worth}", "presale deposit {deposit} worth {worth}"),
    "presale_floor": ("尾款最低为零，定金不退", "balance floored at zero, deposit kept"),
    "instant_off": ("官方立减 {offer}", "instant off {offer}"),
    "multibuy": ("多件优惠 {offer}", "multi-buy {offer}"),
    "shop": ("店铺满减 {promo}", "shop 满减 {promo}"),
    "shop_coupon": ("店铺券 {promo}", "shop coupon {promo}"),
    "cross_store": ("跨店满减 {promo}", "cross-store {promo}"),
    "platform_coupon": ("平台券 {promo}", "platform coupon {promo}"),
    "member": ("会员 {promo}", "member {promo}"),
    "subsidy": ("国补 {programme} {rate}", "国补 {programme} {rate}"),
    "subsidy_capped": (
        "国补 {programme} {rate}，上限 {cap}",
        "国补 {programme} {rate} capped at {cap}",
    ),
    "shipping": ("运费（{shop}）", "shipping ({shop})"),
    "credit": ("购物金 充 {pay} 得 {get}", "shopping credit pay {pay} get {get}"),
}


@dataclass(frozen=True)
class Words:
    """A form of `FORMS` and the values it names, as text (prices already as written)."""

    form: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, language: WordLanguage) -> str:
        """The words in `language`, values filled in as plain text."""
        zh, en = FORMS[self.form]
        return (zh if language == "zh" else en).format(**dict(self.params))

    def as_dict(self) -> dict[str, str]:
        """The values by name, for `--json`."""
        return dict(self.params)


def words(form: str, **values: object) -> Words:
    """`Words` for `form`, refusing a form the catalogue does not have (a planner bug)."""
    if form not in FORMS:
        raise KeyError(f"no wording for step form {form!r}")
    return Words(form, tuple((name, str(value)) for name, value in values.items()))
