"""Which currency a price is in: ISO codes, shop symbols, and hints from the page's host.

A bare `$` or `¥` names a family, not a currency; the page decides (a `.ar` host's `$` is
ARS, a `.tw` page's `元` is TWD). Legacy codes are mapped to today's (RUR -> RUB).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_ISO_CODES_TEXT = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT
TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
ZWL
"""
ISO_CODES = frozenset(_ISO_CODES_TEXT.split())

LEGACY_CODES = {"RUR": "RUB", "RMB": "CNY", "NTD": "TWD", "YTL": "TRY", "BYR": "BYN"}

# Marks that name exactly one currency, longest first so "NT$" wins over "$".
_UNAMBIGUOUS: tuple[tuple[str, str], ...] = (
    ("US $", "USD"),
    ("AU $", "AUD"),
    ("NT$", "TWD"),
    ("HK$", "HKD"),
    ("US$", "USD"),
    ("NZ$", "NZD"),
    ("AU$", "AUD"),
    ("CA$", "CAD"),
    ("MX$", "MXN"),
    ("R$", "BRL"),
    ("S$", "SGD"),
    ("A$", "AUD"),
    ("C$", "CAD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₫", "VND"),
    ("₹", "INR"),
    ("₩", "KRW"),
    ("₺", "TRY"),
    ("₴", "UAH"),
    ("₪", "ILS"),
    ("฿", "THB"),
    ("₱", "PHP"),
    ("₽", "RUB"),
    ("₦", "NGN"),
    ("円", "JPY"),
    ("원", "KRW"),
    ("₸", "KZT"),
    ("人民币", "CNY"),
    ("руб", "RUB"),
    ("zł", "PLN"),
    ("Kč", "CZK"),
    ("лв", "BGN"),
    ("Ft", "HUF"),
    ("Lei", "RON"),
    ("lei", "RON"),
    ("Kn", "HRK"),
    ("kn", "HRK"),
    ("RM", "MYR"),
    ("Rp", "IDR"),
    ("ر.س", "SAR"),
    ("ريال", "SAR"),
    ("د.إ", "AED"),
    ("грн", "UAH"),
    ("Fr.", "CHF"),
)

# Marks shared by several currencies: the page's hint picks one, else the default.
_FAMILIES: dict[str, tuple[frozenset[str], str]] = {
    "$": (
        frozenset(
            {
                "USD",
                "ARS",
                "TWD",
                "MXN",
                "CAD",
                "AUD",
                "NZD",
                "CLP",
                "COP",
                "SGD",
                "HKD",
                "UYU",
                "BRL",
            }
        ),
        "USD",
    ),
    "¥": (frozenset({"CNY", "JPY"}), "CNY"),
    "元": (frozenset({"CNY", "TWD", "HKD"}), "CNY"),
    "kr": (frozenset({"SEK", "NOK", "DKK", "ISK"}), ""),
    "Rs": (frozenset({"PKR", "INR", "LKR", "NPR"}), ""),
}

_TLD_CURRENCY = {
    "cn": "CNY",
    "tw": "TWD",
    "hk": "HKD",
    "jp": "JPY",
    "kr": "KRW",
    "sg": "SGD",
    "my": "MYR",
    "id": "IDR",
    "vn": "VND",
    "th": "THB",
    "ph": "PHP",
    "in": "INR",
    "pk": "PKR",
    "uk": "GBP",
    "ie": "EUR",
    "de": "EUR",
    "fr": "EUR",
    "es": "EUR",
    "it": "EUR",
    "pt": "EUR",
    "nl": "EUR",
    "be": "EUR",
    "at": "EUR",
    "fi": "EUR",
    "gr": "EUR",
    "si": "EUR",
    "sk": "EUR",
    "ee": "EUR",
    "lv": "EUR",
    "lt": "EUR",
    "lu": "EUR",
    "mt": "EUR",
    "cy": "EUR",
    "hr": "EUR",
    "ch": "CHF",
    "pl": "PLN",
    "cz": "CZK",
    "hu": "HUF",
    "ro": "RON",
    "bg": "BGN",
    "se": "SEK",
    "no": "NOK",
    "dk": "DKK",
    "is": "ISK",
    "ru": "RUB",
    "ua": "UAH",
    "tr": "TRY",
    "il": "ILS",
    "ae": "AED",
    "sa": "SAR",
    "ar": "ARS",
    "br": "BRL",
    "mx": "MXN",
    "cl": "CLP",
    "co": "COP",
    "uy": "UYU",
    "ca": "CAD",
    "au": "AUD",
    "nz": "NZD",
    "za": "ZAR",
    "ng": "NGN",
    "us": "USD",
}

# Chinese platforms sell in CNY whatever their TLD (.com).
_CNY_HOSTS = (
    "jd.com",
    "jd.hk",
    "taobao.com",
    "tmall.com",
    "tmall.hk",
    "yangkeduo.com",
    "pinduoduo.com",
    "jinritemai.com",
    "douyin.com",
    "suning.com",
    "vip.com",
    "dangdang.com",
    "kaola.com",
)

_LANG_CURRENCY = {
    "zh-tw": "TWD",
    "zh-hant-tw": "TWD",
    "zh-hk": "HKD",
    "zh-cn": "CNY",
    "zh-hans": "CNY",
    "ja": "JPY",
    "ko": "KRW",
}


def normalize_code(code: str | None) -> str | None:
    """An ISO 4217 code for a code-like string (case-insensitive, legacy codes mapped)."""
    if not code:
        return None
    upper = code.strip().upper()
    upper = LEGACY_CODES.get(upper, upper)
    return upper if upper in ISO_CODES else None


def host_of(url: str | None) -> str:
    """The lower-case host of a URL, '' when there is none."""
    if not url:
        return ""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def currency_hint(url: str | None, lang: str | None = None) -> str | None:
    """The currency a page most likely quotes in, from its host and language."""
    host = host_of(url)
    if any(host == h or host.endswith("." + h) for h in _CNY_HOSTS):
        return "CNY"
    if host:
        parts = host.split(".")
        if parts[-1] in _TLD_CURRENCY:
            return _TLD_CURRENCY[parts[-1]]
        # Regional sub-domains and paths: "ar-sa.namshi.com", "zara.com/nz/en/".
        path = urlsplit(url or "").path.strip("/").split("/")[0].lower()
        for label in [*parts[:-1], path]:
            country = _country_of(label)
            if country:
                return _TLD_CURRENCY[country]
    if lang:
        return _LANG_CURRENCY.get(lang.strip().lower())
    return None


# Two-letter labels that are far more often a language than a country.
_LANGUAGE_LABELS = frozenset({"ar", "in", "is", "id", "en", "zh", "ja", "ko", "he", "el", "da"})


def _country_of(label: str) -> str | None:
    """The country a regional label names: "ar-sa" -> "sa", "en_nz" -> "nz", "nz" -> "nz"."""
    pieces = re.split(r"[-_]", label)
    if len(pieces) == 2 and all(len(p) == 2 for p in pieces):
        return pieces[1] if pieces[1] in _TLD_CURRENCY else None
    if len(label) == 2 and label in _TLD_CURRENCY and label not in _LANGUAGE_LABELS:
        return label
    return None


_CODE_RE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")


def _mark_pattern(marks: list[str]) -> re.Pattern[str]:
    """One alternation over currency marks, longest first; Latin words only as whole words."""
    parts = []
    for mark in sorted(marks, key=len, reverse=True):
        escaped = re.escape(mark)
        parts.append(
            rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if mark.isascii() and mark.isalpha() else escaped
        )
    return re.compile("|".join(parts))


_UNAMBIGUOUS_CODES = dict(_UNAMBIGUOUS)
_UNAMBIGUOUS_RE = _mark_pattern(list(_UNAMBIGUOUS_CODES))
_FAMILY_RE = _mark_pattern(list(_FAMILIES))


def currency_in_text(text: str, hint: str | None) -> str | None:
    """The currency a price text names, resolved against the page's hint; None if none."""
    for match in _CODE_RE.finditer(text):
        code = normalize_code(match.group(1))
        if code:
            return code
    found = _UNAMBIGUOUS_RE.search(text)
    if found:
        return _UNAMBIGUOUS_CODES[found.group(0)]
    family = _FAMILY_RE.search(text)
    if family:
        members, default = _FAMILIES[family.group(0)]
        return hint if hint in members else default or None
    return None
