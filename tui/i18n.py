"""The terminal app's words in Chinese and English, chosen from the locale by default.

One table, `STRINGS`, maps a key to its (Chinese, English) pair so the two languages
cannot drift apart: a key missing a translation fails the test that walks the table.
The language is process-wide state because the UI renders in exactly one language at a
time; the Settings screen changes it and the app re-composes its screens.
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.wording import FORMS, NOTE_FORMS, Words
from tracker.settings import Language, locale_language
from tui.textual_words import KEY_DESCRIPTIONS, SYSTEM_WORDS

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
        "已暂停 {listing}：不再检查，历史保留",
        "paused {listing}: no longer checked, history kept",
    ),
    "product.resumed": (
        "已恢复 {listing}：按间隔检查",
        "resumed {listing}: checked on its interval",
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
    "cli.error": ("daoshou：错误：{error}", "daoshou: error: {error}"),
    "cli.interrupted": ("daoshou：已中断", "daoshou: interrupted"),
    "cli.added": (
        "商品链接 {id}：{platform} {url}（{name}）",
        "listing {id}: {platform} {url} ({name})",
    ),
    "cli.none_active": (
        "所有商品链接都已暂停；恢复一个：daoshou resume ID",
        "every listing is paused; resume one with: daoshou resume ID",
    ),
    "cli.nothing_tracked": (
        "还没有跟踪任何商品；添加一个：daoshou add URL",
        "nothing tracked yet; add a product page with: daoshou add URL",
    ),
    "cli.none_tracked": (
        "没有要检查的商品链接；添加一个：daoshou add URL",
        "no listings to check; add one with: daoshou add URL",
    ),
    "cli.fetch_failed": (
        "daoshou：{failed}/{total} 个商品链接抓取失败（{ids}）；原因见 daoshou list",
        "daoshou: {failed} of {total} listings could not be fetched ({ids}); "
        "see daoshou list for why",
    ),
    "cli.checking": ("检查中", "checking"),
    "cli.never": ("从未", "never"),
    "cli.no_price": ("无价格", "no price"),
    "cli.from": ("起价 ", "from "),
    "cli.sold_out": ("{price}（缺货）", "{price} (sold out)"),
    "cli.last_fetch": ("[上次抓取：{status}] {label}", "[last fetch: {status}] {label}"),
    "cli.paused_mark": ("[已暂停] {label}", "[paused] {label}"),
    "cli.field": ("{name}：{value}", "{name}: {value}"),
    # `daoshou extract`'s fields, as its text output names them (--json keeps the keys)
    "extract.price": ("价格", "price"),
    "extract.currency": ("币种", "currency"),
    "extract.list_price": ("划线价", "list_price"),
    "extract.title": ("标题", "title"),
    "extract.in_stock": ("有货", "in_stock"),
    "extract.source": ("来源", "source"),
    "extract.reason": ("原因", "reason"),
    "cli.yes": ("是", "yes"),
    "cli.no": ("否", "no"),
    "cli.all": ("全部", "all"),
    "col.id": ("编号", "id"),
    "col.platform": ("平台", "platform"),
    "col.product": ("商品", "product"),
    "col.price": ("价格", "price"),
    "col.checked": ("检查时间", "checked"),
    "col.title_url": ("标题 / 链接", "title / url"),
    "col.day_utc": ("日期（UTC）", "day (UTC)"),
    "col.time_utc": ("时间（UTC）", "time (UTC)"),
    "col.first": ("首次", "first"),
    "col.last": ("最后", "last"),
    "col.lowest": ("最低", "lowest"),
    "col.highest": ("最高", "highest"),
    "col.checks": ("检查次数", "checks"),
    "col.currency": ("币种", "currency"),
    "col.list_price": ("原价", "list price"),
    "col.in_hand": ("到手", "in hand"),
    "col.stock": ("有货", "stock"),
    "col.promotions": ("优惠", "promotions"),
    "col.source": ("来源", "source"),
    "col.note": ("备注", "note"),
    "col.fetch": ("抓取", "fetch"),
    "col.result": ("结果", "result"),
    "col.watches": ("关注对象", "watches"),
    "col.rule": ("规则", "rule"),
    "col.armed": ("待触发", "armed"),
    "col.channels": ("渠道", "channels"),
    "col.channel": ("渠道", "channel"),
    "col.label": ("名称", "label"),
    "col.delivery": ("投递", "delivery"),
    "col.message": ("内容", "message"),
    "col.days": ("天数", "days"),
    "col.session": ("登录状态", "session"),
    "col.last_worked": ("上次可用", "last worked"),
    "col.last_signed_out": ("上次失效", "last signed out"),
    "col.last_sign_in": ("上次登录", "last sign-in"),
    "col.item": ("商品", "item"),
    "col.name": ("名称", "name"),
    "col.shop": ("店铺", "shop"),
    "col.qty": ("数量", "qty"),
    "col.per_unit": ("单价", "per unit"),
    "col.step": ("步骤", "step"),
    "col.amount": ("金额", "amount"),
    "col.running_total": ("累计", "running total"),
    "col.order": ("订单", "order"),
    "col.items": ("商品", "items"),
    "col.discounts": ("优惠", "discounts"),
    "col.total": ("合计", "total"),
    "col.pay_on": ("付款日", "pay on"),
    "col.file": ("文件", "file"),
    "col.method": ("方法", "method"),
    "col.cover80": ("80%区间覆盖", "cover80"),
    "col.last_mae": ("现价法 MAE%", "last MAE%"),
    "col.scope": ("范围", "scope"),
    "col.cookies": ("Cookie", "cookies"),
    "cli.promotion": ("优惠：{text}", "promotion: {text}"),
    "col.cases": ("样本", "cases"),
    "col.saved": ("省到", "saved"),
    "col.worse": ("更差", "worse"),
    "col.waits": ("等待", "waits"),
    "cli.plan_total": ("合计 {total} {currency}", "total {total} {currency}"),
    "cli.plan_naive": (
        "逐件购买 {naive}，省 {saving}",
        "naive plan {naive}, saving {saving}",
    ),
    "cli.plan_budget_left": ("预算剩余 {left}", "budget left {left}"),
    "cli.cart_saved": (
        "购物车 {name} 已保存（{items} 件）：{path}",
        "cart {name} saved ({items} items): {path}",
    ),
    "cli.cart_removed": ("购物车 {name} 已删除", "cart {name} removed"),
    "cli.exported": ("预算表已写入 {path}", "budget sheet written to {path}"),
    "cli.left_out": ("未计入：{what}", "left out: {what}"),
    "cli.stale": (
        "价格过时：{item} 按商品链接 {listing} 于 {at} 的检查计价",
        "stale: {item} priced from listing {listing} checked {at}",
    ),
    "cli.rule": ("规则 {id}：{rule}", "rule {id}: {rule}"),
    "cli.rule_removed": ("已删除规则 {id}：{rule}", "removed rule {id}: {rule}"),
    "cli.no_channel": (
        "还没有通知渠道：用 daoshou alerts channel add URL 添加",
        "no channel yet: add one with daoshou alerts channel add URL",
    ),
    "cli.no_delivery": ("无渠道", "no channel"),
    "cli.delivered": (
        "已发送 {sent}，稍后重试 {retrying}，放弃 {failed}",
        "sent {sent}, retrying later {retrying}, gave up {failed}",
    ),
    "cli.alerts_delivered": (
        "提醒：已发送 {sent}，稍后重试 {retrying}，放弃 {failed}",
        "alerts: sent {sent}, retrying later {retrying}, gave up {failed}",
    ),
    "cli.ok": ("成功", "ok"),
    "cli.windows_shipped": ("内置默认：{path}", "shipped defaults: {path}"),
    "cli.windows_user": ("你的覆盖：  {path}", "your overrides:   {path}"),
    "cli.channel": ("渠道 {id}：{label}", "channel {id}: {label}"),
    "cli.channel_removed": ("已删除渠道 {id}：{label}", "removed channel {id}: {label}"),
    "cli.purchase": (
        "购买 {id}：商品链接 {listing}，价格 {price} {currency}",
        "purchase {id}: listing {listing} at {price} {currency}",
    ),
    "cli.protection_watched": (
        "价保关注至 {deadline}（规则 {rule}）",
        "price protection watched until {deadline} (rule {rule})",
    ),
    "cli.no_protection": (
        "这个平台和日期没有可用的价保期",
        "no price protection window is open for this platform and date",
    ),
    "cli.scope_listing": ("商品链接 {id}（{name}）", "listing {id} ({name})"),
    "cli.scope_product": ("商品 {id}（{name}）", "product {id} ({name})"),
    "cli.forecast_head": (
        "{series}：{event} {date}（{method}）",
        "{series}: {event} {date} ({method})",
    ),
    "cli.forecast_method.model": ("模型", "model"),
    "cli.forecast_method.fallback": ("先验", "fallback"),
    "cli.forecast_range": (
        "  预计 {point} {currency}，80% 区间 {lower}-{upper} {currency}",
        "  expected {point} {currency}, 80% range {lower}-{upper} {currency}",
    ),
    "cli.forecast_now": (
        "  现价 {price} {currency}；降价超过 2% 的概率：{chance}",
        "  now {price} {currency}; chance of a drop over 2%: {chance}",
    ),
    "cli.advice.wait": ("等到 {until}", "wait until {until}"),
    "cli.advice.buy": ("现在买", "buy now"),
    "cli.advice.no_pattern": (
        "还没有大促规律：价格合适就买",
        "no sale-day pattern yet: buy when the price suits you",
    ),
    "cli.forecast_advice": (
        "  建议：{advice}（预计省 {saving} {currency}）",
        "  advice: {advice} (expected saving {saving} {currency})",
    ),
    "cli.forecasts_done": (
        "已预测 {made} 个，{skipped} 个无变化",
        "{made} forecasts made, {skipped} unchanged",
    ),
    "cli.forecasts_passed": (
        "另有 {parts} 部分商品正由其他进程预测（例如 daoshou run），留给它完成",
        "{parts} parts of the listings are being forecast by another process"
        " (daoshou run, for one): left to it",
    ),
    "cli.failed": ("失败：{what}", "failed: {what}"),
    "cli.imported": ("商品链接 {id}：导入 {count} 个价格", "listing {id}: {count} prices imported"),
    "cli.import_skipped": ("跳过 {days} 天（已导入）", "{days} days skipped (already imported)"),
    "cli.backtest_head": (
        "{cases} 个样本，来自 {series} 个序列；使用模型 {share}",
        "{cases} cases from {series} series; model used in {share}",
    ),
    "cli.backtest_sources": (
        "daoshou 按来源（误差按价格占比；合并：各来源等权）",
        "daoshou per source (errors as a share of the price; pooled: sources weighted equally)",
    ),
    "cli.note": ("注：{note}", "note: {note}"),
    "cli.sign_in": (
        "请在窗口中登录{name}，然后关闭窗口",
        "sign in to {name} in the window, then close it",
    ),
    "cli.signed_in": (
        "窗口已关闭；{name} 的检查将使用配置 {profile}",
        "window closed; {name} checks will use the profile {profile}",
    ),
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
        "界面语言已切换",
        "Language switched",
    ),
    # keys, the command palette and the screen layout
    "nav.keys": ("按键", "Keys"),
    "nav.palette": ("命令", "palette"),
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
    # units (planner.packs.UNITS), short: unit prices share a narrow column
    "unit.kg": ("kg", "kg"),
    "unit.g": ("g", "g"),
    "unit.l": ("升", "l"),
    "unit.100ml": ("100ml", "100ml"),
    "unit.ml": ("ml", "ml"),
    "unit.piece": ("件", "pc"),
    "unit.roll": ("卷", "roll"),
    "unit.bag": ("袋", "bag"),
    "unit.pack": ("包", "pack"),
    "unit.bottle": ("瓶", "btl"),
    "unit.sheet": ("张", "sheet"),
    "unit.box": ("盒", "box"),
    # settings values
    "settings.logs": ("日志", "Logs"),
    "settings.settings_file": ("设置文件", "Settings file"),
    "settings.robots_off": ("✓（不遵守：{hosts}）", "✓ (ignored for: {hosts})"),
    "settings.browser.off": ("关闭", "off"),
    "settings.browser.auto": ("需要时（页面要 JavaScript）", "auto (when a page needs JavaScript)"),
    "settings.browser.always": ("总是", "always"),
    "settings.session.none": ("无（daoshou browser login jd）", "none (daoshou browser login jd)"),
    "session.none": ("无", "none"),
    "session.unchecked": ("未验证", "unchecked"),
    "session.working": ("可用", "working"),
    "session.signed out": ("已失效", "signed out"),
    # alert rules, one sentence per kind (tracker/alerts/kinds.py)
    "rule.target": ("价格 ≤ {price} 时提醒", "alert when the price is at or below {price}"),
    "rule.target.in_hand": (
        "到手价 ≤ {price} 时提醒",
        "alert when the in-hand price is at or below {price}",
    ),
    "rule.drop": ("比{basis}降 {by} 时提醒", "alert on a drop of {by} from {basis}"),
    "rule.basis.last": ("上次价格", "the last price"),
    "rule.basis.median30": ("30天中位价", "the 30-day median"),
    "rule.lowest": ("出现新低时提醒", "alert on a new lowest price"),
    "rule.in_stock": ("到货时提醒", "alert when back in stock"),
    "rule.price_protection": (
        "价保：低于已付 {paid} 时提醒，截至 {deadline}",
        "price protection: alert below the {paid} paid, until {deadline}",
    ),
    "rule.other": ("{kind} 规则", "{kind} rule"),
    "rule.fired": ("（已触发，等回升后再提醒）", " (fired; re-arms when the price recovers)"),
    "rule.waiting": ("（{why}）", " ({why})"),
    # cart promotions without a label of their own (planner.cart.Promotion)
    "promo.EveryOff": ("{platform} 每满减", "{platform} off every so much spent"),
    "promo.Threshold": ("{platform} 满减", "{platform} off above a threshold"),
    "promo.PercentOff": ("{platform} 折扣", "{platform} percent off"),
    "promo.Credit": ("{platform} 购物金", "{platform} shopping credit"),
    "promo.FreeShipping": ("{platform} 包邮", "{platform} free shipping"),
    # checks as the app and the command line report them
    "check.from_price": ("起价 {price}", "from {price}"),
    "check.not_modified": ("{price}（未变）", "{price} (not modified)"),
    "check.no_price": ("无价格（{reason}）", "no price ({reason})"),
    "check.failed": ("抓取失败（{detail}）", "fetch failed ({detail})"),
    "check.failed_because": ("{status}：{detail}", "{status}: {detail}"),
    "check.on_platform": ("{platform}：{result}", "{platform}: {result}"),
    # what a fetch did (tracker.fetch.result.FetchOutcome), as `check` and `list` show it
    "fetch.ok": ("成功", "ok"),
    "fetch.not_modified": ("未变", "not_modified"),
    "fetch.http_error": ("HTTP 错误", "http_error"),
    "fetch.network_error": ("网络错误", "network_error"),
    "fetch.blocked": ("被拦截", "blocked"),
    "fetch.robots": ("robots.txt 禁止", "robots"),
    "fetch.too_large": ("页面过大", "too_large"),
    "fetch.skipped": ("跳过", "skipped"),
    "fetch.leased": ("他处在查", "leased"),
    "fetch.signed_out": ("登录失效", "signed_out"),
    "fetch.check_error": ("检查出错", "check_error"),
    "check.skipped": ("跳过：正在检查", "skipped: being checked already"),
    "check.leased": ("跳过：另一个进程正在检查", "skipped: another process is checking it"),
    "check.signed_out": (
        "未抓取：登录已失效（daoshou browser login）",
        "not fetched: signed out (daoshou browser login)",
    ),
    "advice.at": ("{advice}（按 {price}）", "{advice} (at {price})"),
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

# The planner's step forms (planner/wording.py keeps them, as the planner may not import
# the UI), under `step.<form>`: one catalogue, one lookup.
STRINGS.update({f"step.{form}": pair for form, pair in FORMS.items()})
STRINGS.update({f"note.{form}": pair for form, pair in NOTE_FORMS.items()})
# Textual's own words: its widgets' key descriptions and its palette commands.
STRINGS.update({f"textual.{en}": (zh, en) for en, zh in KEY_DESCRIPTIONS.items()})
STRINGS.update(SYSTEM_WORDS)

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


def both(key: str, **values: object) -> tuple[str, str]:
    """The UI string for `key` in English and in Chinese, `{names}` filled in: for errors,
    which carry both wordings and are shown in whichever language the reader speaks."""
    zh, en = STRINGS[key]
    return en.format(**values), zh.format(**values)


def retranslate(text: str) -> str:
    """`text`, a catalogue string in either language, in the current language; other text
    as it is. Key hints are declared once per class, in the language of the moment the
    class was built: this relabels them after a switch without re-declaring them."""
    for zh, en in STRINGS.values():
        if text in (zh, en) and "{" not in zh:
            return zh if current_language() == "zh" else en
    return text


def fetch_text(status: str) -> str:
    """A fetch status (`network_error`) as the reader's language names it; English keeps
    the status itself, which scripts and the --json output also use."""
    key = f"fetch.{status}"
    return t(key) if key in STRINGS else status


def columns(*names: str) -> list[str]:
    """Table headers `col.<name>` in the current language (the CLI's tables)."""
    return [t(f"col.{name}") for name in names]


def reason_text(reason: str) -> str:
    """A stored no-price reason or fetch failure in the current language: read back into
    its form and values and worded from the catalogue; other words (an exception's) as
    they are."""
    if current_language() != "zh":
        return reason
    # imported here: the extraction package is heavy and the command line starts light
    from tracker.extract.reasons import REASON_FORMS, reason_form

    found = reason_form(reason)
    if found is None:
        from tracker.alerts.send_failures import send_failure_zh
        from tracker.fetch.failures import failure_zh

        # a fetch failure's sentence, a channel's refusal, or other words as they are
        return send_failure_zh(failure_zh(reason))
    form, values = found
    chinese = REASON_FORMS[form][0]
    return chinese.format(**{name: reason_text(value) for name, value in values.items()})


def words_text(what: Words | tuple[str, Mapping[str, str]]) -> str:
    """A planner step's or note's `Words` (or, from `--json`, its form and params) in the
    current language."""
    form, params = (what.form, what.as_dict()) if isinstance(what, Words) else what
    if "reason" in params:  # a page's no-price reason inside a note, worded too
        params = {**params, "reason": reason_text(params["reason"])}
    return t(f"{'note' if form in NOTE_FORMS else 'step'}.{form}", **params)
