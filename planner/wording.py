"""What a pricing step says, as data: a form and its values, worded in either language.

The cost engine records each adjustment to an item as a `Step`. A step used to carry an
English sentence, so the Chinese app, the command line and the budget sheet all showed
`price 32.20 x 2` and `cross-store`. Now a step carries `Words`: a form (a key of `FORMS`)
and the values it names (prices, quantities, the promotion's terms, the shop); whoever
shows it picks the language. `FORMS` is part of the app's one catalogue (`tui.i18n`
merges it under `step.<form>`), kept here because the planner may not import the UI and
the budget sheet needs the words too. The English wording is also the step's stable
`label` in `--json`, next to the form and values a program should read.

The planner's notes and suggestions are `Words` too (`NOTE_FORMS`, merged under
`note.<form>`): `--json` keeps their English sentence and adds the form and values.

A promotion's own terms (`满400减50`, `95折`, the page's label) are the platform's words,
shown as the platform writes them in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FORMS", "NOTE_FORMS", "WordLanguage", "Words", "words"]

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

#: The planner's notes (what it left out and why) and suggestions, worded like steps.
NOTE_FORMS: dict[str, tuple[str, str]] = {
    "no_subsidy_used": (
        "{item}：没有国补，{category} 类已经用过",
        "{item}: no 国补, category {category} already used",
    ),
    "no_subsidy_taken": (
        "{item}：没有国补，{category} 类给了 {winner}",
        "{item}: no 国补, category {category} used by {winner}",
    ),
    "no_subsidy_grade": (
        "{item}：没有国补，能效等级 {grade} 不在补贴范围",
        "{item}: no 国补, energy grade {grade} is not eligible",
    ),
    "no_subsidy_ceiling": (
        "{item}：没有国补，价格 {price} 超过上限 {ceiling}",
        "{item}: no 国补, price {price} is above the ceiling {ceiling}",
    ),
    "no_subsidy_nil": ("{item}：没有国补，按 {rate} 算为零", "{item}: no 国补, {rate}"),
    "credit_unused": (
        "购物金 {platform} 充 {pay} 得 {get} 未计入：只花 {spent} 用不完余额",
        "购物金 {platform} pay {pay} get {get} not counted: "
        "spending {spent} would not use the whole balance",
    ),
    "credit_other": (
        "购物金 {platform} 充 {pay} 得 {get} 未计入：另一档充值更划算",
        "购物金 {platform} pay {pay} get {get} not counted: another top-up is better",
    ),
    "balance_window": (
        "{item}：尾款在 {until} 截止，早于同单其他预售商品可付尾款的时间（{opens}）；请单独下单",
        "{item}: its balance window closes {until}, before the order's other presale items"
        " can be paid ({opens}); check it out separately",
    ),
    # a cart's offer that a plan leaves out, priced from a tracked listing that cannot
    # price it (the reason is the page's, as recorded)
    "left_never_checked": (
        "{item}：商品链接 {listing}（从未检查）",
        "{item}: listing {listing} (never checked)",
    ),
    "left_no_price": (
        "{item}：商品链接 {listing}（无价格）",
        "{item}: listing {listing} (no price)",
    ),
    "left_no_price_reason": (
        "{item}：商品链接 {listing}（无价格：{reason}）",
        "{item}: listing {listing} (no price: {reason})",
    ),
    "left_out_of_stock": (
        "{item}：商品链接 {listing}（缺货）",
        "{item}: listing {listing} (out of stock)",
    ),
    "left_currency": (
        "{item}：商品链接 {listing}（以 {seen} 计价，购物车用 {currency}）",
        "{item}: listing {listing} (priced in {seen}, the cart is in {currency})",
    ),
    "suggestion": (
        "加购 {name}（{platform} {shop}）凑满减：合计只多 {extra}，单买要 {alone}，省 {saving}",
        "add {name} ({platform} {shop}) from the wishlist to reach the next threshold: "
        "the total rises by {extra} instead of {alone}, saving {saving}",
    ),
}


@dataclass(frozen=True)
class Words:
    """A form of `FORMS` and the values it names, as text (prices already as written)."""

    form: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, language: WordLanguage) -> str:
        """The words in `language`, values filled in as plain text."""
        zh, en = FORMS.get(self.form) or NOTE_FORMS[self.form]
        return (zh if language == "zh" else en).format(**dict(self.params))

    def as_dict(self) -> dict[str, str]:
        """The values by name, for `--json`."""
        return dict(self.params)


def words(form: str, **values: object) -> Words:
    """`Words` for `form`, refusing a form the catalogue does not have (a planner bug)."""
    if form not in FORMS and form not in NOTE_FORMS:
        raise KeyError(f"no wording for form {form!r}")
    return Words(form, tuple((name, str(value)) for name, value in values.items()))
