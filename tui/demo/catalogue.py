"""What the demo sells: about twenty products across JD, Tmall, Pinduoduo, Douyin and a web
shop, chosen so every screen has something to show.

Packs differ between listings of the same product (a 3 kg x 2 bottle against a 1 kg x 4
bag), so the cheapest sticker price is not the cheapest per kg; one product carries a fake
discount (its price is raised before 618 and before the coming sale), one is sold out
everywhere, and one Pinduoduo listing answers "login required" so the no-price reason
shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DemoListing:
    """One offer of a demo product."""

    platform: str  # jd | tmall | pdd | douyin | web
    shop: str
    slug: str  # the page's path on the demo shop server, unique
    pack: str
    per_pack: Decimal
    base_price: Decimal


@dataclass(frozen=True)
class DemoProduct:
    """A demo product and how its prices behave over the two years of history."""

    name: str
    unit: str
    category: str
    listings: tuple[DemoListing, ...]
    sale_depth: Decimal = Decimal("0.15")  # deepest sale-day discount at Double 11
    behaviour: str = "normal"  # normal | fake_discount | out_of_stock | login_required


def _l(platform: str, shop: str, slug: str, pack: str, per_pack: str, price: str) -> DemoListing:
    return DemoListing(platform, shop, slug, pack, Decimal(per_pack), Decimal(price))


CATALOGUE: tuple[DemoProduct, ...] = (
    DemoProduct(
        "立白 洗衣液 Liby detergent",
        "kg",
        "household",
        (
            _l("jd", "立白京东自营旗舰店", "jd-liby-6kg", "3kg*2瓶", "6", "79.9"),
            _l("tmall", "立白官方旗舰店", "tmall-liby-2kg", "2kg", "2", "32.9"),
            _l("pdd", "立白百亿补贴", "pdd-liby-4kg", "1kg*4袋", "4", "45.9"),
        ),
        Decimal("0.22"),
    ),
    DemoProduct(
        "维达 卷纸 Vinda toilet rolls",
        "roll",
        "household",
        (
            _l("jd", "维达京东自营", "jd-vinda-27", "27卷", "27", "59.9"),
            _l("pdd", "维达官方店", "pdd-vinda-36", "36卷", "36", "69.9"),
        ),
        Decimal("0.18"),
        "login_required",
    ),
    DemoProduct(
        "金龙鱼 花生油 peanut oil",
        "l",
        "grocery",
        (
            _l("jd", "金龙鱼京东自营", "jd-arawana-5l", "5L", "5", "129.9"),
            _l("tmall", "金龙鱼官方旗舰店", "tmall-arawana-4l2", "4L*2桶", "8", "199.0"),
        ),
        Decimal("0.12"),
    ),
    DemoProduct(
        "蒙牛 纯牛奶 Mengniu milk",
        "l",
        "grocery",
        (
            _l("tmall", "蒙牛官方旗舰店", "tmall-mengniu-24", "250ml*24盒", "6", "59.9"),
            _l("douyin", "蒙牛抖音官方", "douyin-mengniu-16", "250ml*16盒", "4", "39.9"),
            _l("jd", "蒙牛京东自营", "jd-mengniu-12", "250ml*12盒", "3", "32.9"),
        ),
        Decimal("0.20"),
    ),
    DemoProduct(
        "AirPods Pro 2",
        "piece",
        "electronics",
        (
            _l("jd", "Apple 京东自营", "jd-airpods-pro-2", "1件", "1", "1899"),
            _l("tmall", "Apple Store 官方旗舰店", "tmall-airpods-pro-2", "1件", "1", "1899"),
            _l("pdd", "百亿补贴 数码", "pdd-airpods-pro-2", "1件", "1", "1599"),
        ),
        Decimal("0.10"),
    ),
    DemoProduct(
        "小米 空气净化器 4 Pro",
        "piece",
        "appliance",
        (
            _l("jd", "小米京东自营", "jd-mi-purifier", "1台", "1", "1299"),
            _l("tmall", "小米官方旗舰店", "tmall-mi-purifier", "1台", "1", "1299"),
        ),
        Decimal("0.18"),
    ),
    DemoProduct(
        "戴森 吹风机 HD15 hair dryer",
        "piece",
        "appliance",
        (
            _l("tmall", "戴森官方旗舰店", "tmall-dyson-hd15", "1台", "1", "2999"),
            _l("douyin", "戴森抖音旗舰店", "douyin-dyson-hd15", "1台", "1", "2999"),
        ),
        Decimal("0.05"),
        "fake_discount",
    ),
    DemoProduct(
        "Nintendo Switch OLED",
        "piece",
        "electronics",
        (
            _l("jd", "任天堂京东自营", "jd-switch-oled", "1台", "1", "2099"),
            _l("tmall", "任天堂官方旗舰店", "tmall-switch-oled", "1台", "1", "2149"),
        ),
        Decimal("0.08"),
        "out_of_stock",
    ),
    DemoProduct(
        "三只松鼠 每日坚果 mixed nuts",
        "kg",
        "grocery",
        (
            _l("douyin", "三只松鼠抖音旗舰店", "douyin-squirrel-750g", "750g", "0.75", "69.9"),
            _l("tmall", "三只松鼠旗舰店", "tmall-squirrel-1kg", "25g*40袋", "1", "99.0"),
        ),
        Decimal("0.25"),
    ),
    DemoProduct(
        "农夫山泉 饮用水 spring water",
        "l",
        "grocery",
        (
            _l("jd", "农夫山泉京东自营", "jd-nongfu-24", "550ml*24瓶", "13.2", "29.9"),
            _l("pdd", "农夫山泉拼多多", "pdd-nongfu-12", "1.5L*12瓶", "18", "35.9"),
        ),
        Decimal("0.15"),
    ),
    DemoProduct(
        "佳洁士 牙膏 Crest toothpaste",
        "kg",
        "personal care",
        (
            _l("jd", "佳洁士京东自营", "jd-crest-3", "120g*3支", "0.36", "39.9"),
            _l("web", "Daily Goods", "web-crest-5", "90g*5支", "0.45", "45.0"),
        ),
        Decimal("0.20"),
    ),
    DemoProduct(
        "海尔 冰箱 BCD-510 fridge",
        "piece",
        "appliance",
        (
            _l("jd", "海尔京东自营", "jd-haier-510", "1台", "1", "3999"),
            _l("tmall", "海尔官方旗舰店", "tmall-haier-510", "1台", "1", "4099"),
        ),
        Decimal("0.15"),
    ),
    DemoProduct(
        "美的 空调 1.5匹 air conditioner",
        "piece",
        "appliance",
        (
            _l("jd", "美的京东自营", "jd-midea-ac", "1套", "1", "2799"),
            _l("douyin", "美的抖音官方", "douyin-midea-ac", "1套", "1", "2699"),
        ),
        Decimal("0.18"),
    ),
    DemoProduct(
        "皇家 猫粮 Royal Canin cat food",
        "kg",
        "pet",
        (
            _l("tmall", "皇家宠物旗舰店", "tmall-royal-10kg", "10kg", "10", "599"),
            _l("jd", "皇家京东自营", "jd-royal-2kg3", "2kg*3袋", "6", "389"),
        ),
        Decimal("0.17"),
    ),
    DemoProduct(
        "雀巢 咖啡胶囊 coffee capsules",
        "piece",
        "grocery",
        (
            _l("tmall", "Nespresso 官方旗舰店", "tmall-nespresso-50", "10粒*5盒", "50", "199"),
            _l("web", "Bean There", "web-capsules-100", "100粒", "100", "329"),
        ),
        Decimal("0.15"),
    ),
    DemoProduct(
        "iPhone 16 128GB",
        "piece",
        "electronics",
        (
            _l("jd", "Apple 京东自营", "jd-iphone16", "1台", "1", "5999"),
            _l("pdd", "百亿补贴 手机", "pdd-iphone16", "1台", "1", "5399"),
            _l("douyin", "Apple 抖音授权", "douyin-iphone16", "1台", "1", "5699"),
        ),
        Decimal("0.10"),
    ),
    DemoProduct(
        "优衣库 U 圆领 T 恤 Uniqlo tee",
        "piece",
        "clothing",
        (
            _l("tmall", "优衣库官方旗舰店", "tmall-uniqlo-tee", "1件", "1", "79"),
            _l("web", "Tee Corner", "web-uniqlo-tee", "2件装", "2", "149"),
        ),
        Decimal("0.25"),
    ),
    DemoProduct(
        "乐高 机械组 LEGO Technic 42143",
        "piece",
        "toys",
        (
            _l("tmall", "乐高官方旗舰店", "tmall-lego-42143", "1盒", "1", "3299"),
            _l("web", "Brick Depot", "web-lego-42143", "1盒", "1", "3199"),
        ),
        Decimal("0.20"),
    ),
    DemoProduct(
        "欧舒丹 护手霜 hand cream",
        "l",
        "personal care",
        (
            _l("tmall", "欧舒丹官方旗舰店", "tmall-loccitane-150", "30ml*5支", "0.15", "255"),
            _l("douyin", "欧舒丹抖音官方", "douyin-loccitane-75", "75ml", "0.075", "145"),
        ),
        Decimal("0.22"),
    ),
    DemoProduct(
        "亮碟 洗碗块 dishwasher tablets",
        "piece",
        "household",
        (
            _l("jd", "亮碟京东自营", "jd-finish-60", "60块", "60", "89.9"),
            _l("pdd", "亮碟拼多多", "pdd-finish-100", "100块", "100", "129"),
            _l("web", "Daily Goods", "web-finish-40", "40块", "40", "55.0"),
        ),
        Decimal("0.20"),
    ),
)
