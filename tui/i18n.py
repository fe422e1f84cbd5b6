"""The terminal app's words in Chinese and English, chosen from the locale by default.

One table, `STRINGS`, maps a key to its (Chinese, English) pair so the two languages
cannot drift apart: a key missing a translation fails the test that walks the table.
The language is process-wide state because the UI renders in exactly one language at a
time; the Settings screen changes it and the app re-composes its screens.
"""

from __future__ import annotations

from tracker.settings import Language, locale_language

STRINGS: dict[str, tuple[str, str]] = {
    # navigation
    "app.title": ("到手", "daoshou"),
    "nav.watchlist": ("关注", "Watchlist"),
    "nav.planner": ("购物车", "Planner"),
    "nav.alerts": ("提醒", "Alerts"),
    "nav.settings": ("设置", "Settings"),
    "nav.add": ("添加", "Add"),
    "nav.back": ("返回", "Back"),
    "nav.quit": ("退出", "Quit"),
    "nav.open": ("打开", "Open"),
    "nav.filter": ("筛选", "Filter"),
    "nav.sort": ("排序", "Sort"),
    "nav.refresh": ("刷新", "Refresh"),
    "nav.check": ("立即检查", "Check now"),
    "nav.pause": ("暂停/恢复", "Pause/resume"),
    # watchlist
    "watch.product": ("商品", "Product"),
    "watch.best": ("最低到手", "Best price"),
    "watch.per_unit": ("单价", "Per unit"),
    "watch.change": ("变动", "Change"),
    "watch.lowest": ("历史最低", "Lowest"),
    "watch.trend": ("走势", "Trend"),
    "watch.forecast": ("大促预测", "Sale forecast"),
    "watch.advice": ("建议", "Advice"),
    "watch.where": ("平台", "Where"),
    "watch.status": ("状态", "Status"),
    "watch.empty": (
        "还没有关注的商品。按 a 粘贴链接或分享口令添加。",
        "Nothing watched yet. Press a to paste a link or a share text.",
    ),
    "watch.filter_placeholder": ("按名称、平台或店铺筛选…", "Filter by name, platform or shop…"),
    "watch.count": ("{shown}/{total} 件商品", "{shown}/{total} products"),
    "watch.sorted_by": ("排序：{column}", "sorted by {column}"),
    "watch.forecast_all": ("预测全部", "Forecast all"),
    "watch.forecasting": (
        "正在预测所有商品的下一次大促…",
        "Forecasting every listing's next sale…",
    ),
    "watch.forecasts_done": (
        "预测完成：{made} 个新预测，{skipped} 个无变化，{failed} 个失败",
        "Forecasts: {made} made, {skipped} unchanged, {failed} failed",
    ),
    "status.not_checked": ("尚未检查", "not checked yet"),
    "status.no_price": ("无价格：{reason}", "no price: {reason}"),
    "status.out_of_stock": ("缺货", "out of stock"),
    "status.ok": ("正常", "ok"),
    "status.paused": ("已暂停（空格恢复）", "paused (space resumes)"),
    "product.paused": (
        "已暂停 #{listing}：不再检查，历史保留",
        "paused #{listing}: no longer checked, history kept",
    ),
    "product.resumed": (
        "已恢复 #{listing}：按间隔检查",
        "resumed #{listing}: checked on its interval",
    ),
    "advice.buy": ("现在买", "buy now"),
    "advice.wait": ("等大促", "wait"),
    "mark.fake_discount": ("虚假折扣", "fake discount"),
    # product
    "product.history": ("价格走势", "Price history"),
    "product.promotions": ("优惠", "Promotions"),
    "product.no_promotions": ("无记录的优惠", "No promotions recorded"),
    "product.in_hand": ("到手", "in hand"),
    "product.platform": ("平台", "Platform"),
    "product.shop": ("店铺", "Shop"),
    "product.pack": ("规格", "Pack"),
    "product.price": ("价格", "Price"),
    "product.checked": ("检查时间", "Checked"),
    "product.rules": ("提醒规则", "Alert rules"),
    "product.purchases": ("购买记录与价保", "Purchases and price protection"),
    "product.no_rules": ("没有提醒规则。", "No alert rules."),
    "product.no_purchases": ("没有购买记录。", "No purchases."),
    "product.forecast": ("预测", "Forecast"),
    "product.no_forecast": ("暂无预测", "no forecast yet"),
    "product.protect_until": ("价保至 {date}", "price protection until {date}"),
    # add
    "add.title": ("添加商品", "Add a product"),
    "add.help": (
        "粘贴商品链接，或从京东/淘宝/拼多多/抖音复制的分享口令。",
        "Paste a product URL, or a share text copied from the JD/Taobao/PDD/Douyin app.",
    ),
    "add.paste": ("链接或分享口令", "URL or share text"),
    "add.name": ("商品名称", "Product name"),
    "add.pack": ("规格（如 3kg*2）", "Pack (e.g. 3kg*2)"),
    "add.found": ("识别到：{platform} {url}", "Found: {platform} {url}"),
    "add.none": ("没有找到链接", "no link found"),
    "add.submit": ("添加", "Add"),
    "add.cancel": ("取消", "Cancel"),
    "add.done": (
        "已添加：{name}（首次检查：{first_check}）",
        "Added: {name} (first check: {first_check})",
    ),
    "add.refused": ("未添加：{error}", "Not added: {error}"),
    "add.force": ("仍然添加", "Add anyway"),
    # alert channels (errors shown in the app)
    "alerts.channel_lost": ("提醒渠道 {label} 的地址丢失了", "channel {label} lost its URL"),
    "alerts.channel_lost_hint": (
        "删除后用 daoshou alerts channel add 重新添加",
        "remove it and add it again with daoshou alerts channel add",
    ),
    "alerts.test_failed": ("发送测试到 {label} 失败：{error}", "test to {label} failed: {error}"),
    "alerts.test_failed_hint": ("检查渠道地址和网络", "check the channel URL and the network"),
    # the command line
    "cli.first_check": ("  首次检查：{summary}", "  first check: {summary}"),
    "cli.resumed": ("已恢复检查", "checked on its interval"),
    "cli.paused": ("已暂停", "paused"),
    "cli.listing_state": ("商品链接 {id}：{state}（{name}）", "listing {id}: {state} ({name})"),
    "cli.cookies_saved": (
        "{scope} 的 Cookie 已保存：{masked}",
        "cookies for {scope} saved: {masked}",
    ),
    "cli.cookies_removed": ("{scope} 的 Cookie 已删除", "cookies for {scope} removed"),
    "cli.cookies_none": ("{scope} 没有 Cookie", "no cookies for {scope}"),
    # planner
    "plan.items": ("购物车", "Cart"),
    "plan.item": ("商品", "Item"),
    "plan.qty": ("数量", "Qty"),
    "plan.listing": ("来源", "From"),
    "plan.promotions": ("可用优惠", "Promotions in play"),
    "plan.breakdown": ("到手价明细", "Price breakdown"),
    "plan.orders": ("拆单方案", "Order split"),
    "plan.saving": ("比逐件购买省 {amount}", "saves {amount} against buying each item alone"),
    "plan.budget": ("预算", "Budget"),
    "plan.schedule": ("付款计划", "Payment schedule"),
    "plan.optimise": ("优化", "Optimise"),
    "plan.export": ("导出预算表", "Export budget"),
    "plan.more": ("加一件", "One more"),
    "plan.fewer": ("减一件", "One fewer"),
    "plan.exported": ("已导出：{path}", "Exported: {path}"),
    "plan.no_cart": (
        "购物车是空的。在关注列表中按 b 把商品加入购物车。",
        "The cart is empty. In the watchlist, press b to put a product in it.",
    ),
    "plan.changed": ("方案已变化：{old} → {new}", "Plan changed: {old} → {new}"),
    "plan.add": ("加入购物车", "Add to cart"),
    "plan.added": ("已加入购物车：{name}", "In the cart: {name}"),
    "plan.optimal": ("已证明最优", "proven optimal"),
    "plan.not_optimal": (
        "找到的最好方案，最多比下界高 {gap}%",
        "best plan found, at most {gap}% above the lower bound",
    ),
    "plan.step": ("步骤", "Step"),
    "plan.amount": ("金额", "Amount"),
    "plan.date": ("日期", "Date"),
    "plan.what": ("内容", "What"),
    "plan.total": ("合计", "Total"),
    # alerts
    "alerts.inbox": ("已触发的提醒", "Fired alerts"),
    "alerts.channels": ("通知渠道", "Channels"),
    "alerts.test": ("发送测试", "Send test"),
    "alerts.when": ("时间", "When"),
    "alerts.message": ("内容", "Message"),
    "alerts.delivery": ("投递", "Delivery"),
    "alerts.none": ("还没有提醒。", "No alerts yet."),
    "alerts.no_channels": (
        "没有通知渠道。用 daoshou alerts channel add <apprise-url> 添加。",
        "No channels. Add one with daoshou alerts channel add <apprise-url>.",
    ),
    "alerts.test_sent": ("测试消息已发送到 {label}", "Test sent to {label}"),
    # settings
    "settings.interval": ("检查间隔（分钟）", "Check interval (minutes)"),
    "settings.robots": ("遵守 robots.txt", "Respect robots.txt"),
    "settings.language": ("语言", "Language"),
    "settings.browser": ("浏览器模式", "Browser mode"),
    "settings.sessions": ("已登录的浏览器", "Signed-in browser"),
    "settings.database": ("数据库位置", "Database location"),
    "settings.language_switched": (
        "界面语言已切换（按键提示在重启后切换）",
        "Language switched (key hints follow after a restart)",
    ),
    # keys, the command palette and the screen layout
    "nav.keys": ("按键", "Keys"),
    "nav.columns": ("全部列", "All columns"),
    "app.screenshot_saved": ("截图已保存：{path}", "Screenshot saved: {path}"),
    "palette.watchlist": (
        "每件商品的最低到手价、走势和大促建议",
        "Every product's best price now, its trend and the sale advice",
    ),
    "palette.planner": (
        "购物车的到手价明细、拆单和付款计划",
        "The cart's in-hand prices, order split and payment schedule",
    ),
    "palette.alerts": (
        "已触发的提醒和通知渠道",
        "Alerts that fired and the channels they go to",
    ),
    "palette.settings": (
        "检查间隔、数据位置和界面语言",
        "Check interval, where data is kept, and the language",
    ),
    "palette.check": ("立即检查", "Check now"),
    "palette.check.help": (
        "马上抓取所选商品在各平台的价格",
        "Fetch the selected product's prices on every platform now",
    ),
    "palette.add": ("添加商品", "Add a product"),
    "palette.add.help": (
        "粘贴链接或分享口令，开始关注一件商品",
        "Paste a link or a share text to start watching a product",
    ),
    "palette.forecast": ("预测全部", "Forecast all"),
    "palette.forecast.help": (
        "在后台估计每件商品下一次大促的价格",
        "Estimate every listing's price on the next sale day, in the background",
    ),
    "palette.forecast_one": ("预测此商品", "Forecast this product"),
    "palette.forecast_one.help": (
        "估计此商品各平台在下一次大促的价格",
        "Estimate this product's next sale-day price on each platform",
    ),
    "palette.pause": ("暂停/恢复", "Pause/resume"),
    "palette.pause.help": (
        "不再检查所选来源（历史保留），或恢复检查",
        "Stop checking the selected listing (history kept), or start again",
    ),
    "palette.filter": ("筛选", "Filter"),
    "palette.filter.help": (
        "只显示名称、平台或店铺匹配的商品",
        "Show only products whose name, platform or shop matches",
    ),
    "palette.cart": ("加入购物车", "Add to cart"),
    "palette.cart.help": (
        "把所选商品放进购物车，由规划器计算到手价",
        "Put the selected product in the cart for the planner to price",
    ),
    "palette.optimise": ("优化拆单", "Optimise the split"),
    "palette.optimise.help": (
        "重新计算最省钱的下单方式",
        "Work out again the cheapest way to split the cart into orders",
    ),
    "palette.export": ("导出预算表", "Export budget"),
    "palette.export.help": (
        "把方案写成带公式的 xlsx 预算表",
        "Write the plan to an xlsx budget sheet with live formulas",
    ),
    "palette.test": ("发送测试提醒", "Send a test alert"),
    "palette.test.help": (
        "向所选渠道发一条测试消息",
        "Send a test message to the selected channel",
    ),
    "palette.columns": ("全部列", "All columns"),
    "palette.columns.help": (
        "显示关注列表的所有列（左右滚动），或只显示放得下的",
        "Show every watchlist column (scroll sideways), or only those that fit",
    ),
    "palette.language": ("切换语言", "Switch language"),
    "palette.language.help": (
        "在中文和英文之间切换界面（本次运行）",
        "Switch the interface between Chinese and English for this run",
    ),
    # errors and background work
    "error.what_to_do": ("出错了：{error}", "Failed: {error}"),
    "error.unexpected": (
        "意外错误：{error}（详见日志 {log}）",
        "Unexpected error: {error} (details in the log {log})",
    ),
    "demo.banner": (
        "演示模式：数据在 {home}，不会触碰你的数据库",
        "Demo: data in {home}, your database is untouched",
    ),
}

_current: Language | None = None


def language_from_locale() -> Language:
    """`DAOSHOU_LANG` if set, else Chinese for a zh_* locale, else English."""
    return locale_language()


def current_language() -> Language:
    """The language the app and the command line speak now: chosen once per process from
    the `language` setting, whose "auto" (or an unreadable settings file) follows the
    locale; the Settings screen may switch it later."""
    global _current
    if _current is None:
        from tracker.errors import SettingsError
        from tracker.settings import resolve_language

        try:
            _current = resolve_language()
        except SettingsError:
            _current = language_from_locale()  # the settings screen reports the file
    return _current


def set_language(language: Language) -> None:
    """Switch the UI language (screens re-compose to pick it up)."""
    global _current
    if language not in ("zh", "en"):
        raise ValueError(f"unknown language {language!r}: use 'zh' or 'en'")
    _current = language


def t(key: str, **values: object) -> str:
    """The UI string for `key` in the current language, with `{names}` filled in.

    Values are inserted as plain text; callers render the result literally (never markup).
    """
    zh, en = STRINGS[key]
    template = zh if current_language() == "zh" else en
    return template.format(**values) if values else template
