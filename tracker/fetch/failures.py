"""Why a fetch failed, as a form and its values, worded in either language.

The fetcher stores a failure as an English sentence (`connection refused by shop.example`):
stored attempts keep it, `--json` shows it, logs read it, so it stays stable English. It
is written from the templates below (`failure(form, **values)`), never by hand, so that
`failure_zh` can read any stored sentence back into its form and values and word it again
in Chinese for a Chinese reader, instead of leaving httpx's or the OS's English inside a
Chinese sentence. The library's own words stay in the English sentence (a value such as
`{error}`); the Chinese wording of the common failures names what happened without them.
A sentence no template matches is returned as it is.
"""

from __future__ import annotations

import re
from functools import cache

from tracker.extract.reasons import read_back, template_patterns

__all__ = ["FAILURE_FORMS", "failure", "failure_zh", "status_zh"]

#: Each form's (Chinese, English) template; `{names}` are the values.
FAILURE_FORMS: dict[str, tuple[str, str]] = {
    "refused": ("{host} 拒绝了连接", "connection refused by {host}"),
    "dns": ("找不到主机 {host}（域名无法解析）", "{host} not found (no such host name)"),
    "total_timeout": (
        "{host} 在 {seconds} 秒内没有给出完整应答（超时）",
        "{host} gave no complete answer within {seconds} s",
    ),
    "timeout": ("{host} 没有及时应答（超时）", "{host} did not answer in time ({kind})"),
    "tls_certificate": (
        "{host} 的 TLS 证书无法验证",
        "the TLS certificate of {host} could not be verified ({error})",
    ),
    "tls": ("与 {host} 的 TLS（https）握手失败", "TLS handshake with {host} failed ({error})"),
    "reset": ("{host} 中断了连接", "{host} closed the connection ({kind})"),
    "connect": ("无法连接 {host}（{error}）", "could not connect to {host} ({error})"),
    "failed": ("与 {host} 的连接失败（{kind}）", "connection to {host} failed ({kind}: {error})"),
    "http_retry": (
        "{host} 返回 HTTP {status}{meaning}，要求 {after} 后再试",
        "HTTP {status} from {host} (Retry-After: {after})",
    ),
    "http": ("{host} 返回 HTTP {status}{meaning}", "HTTP {status} from {host}"),
    "too_large": ("页面超过 {cap} 字节的上限", "page larger than the {cap} byte cap"),
    "redirects": ("重定向超过 {count} 次", "more than {count} redirects"),
    "bad_location": (
        "被重定向到无法读取的地址 {location}",
        "redirected to an unreadable location {location}",
    ),
    "not_http": (
        "被重定向到 {target}，它不是带主机名的 http(s) 地址",
        "redirected to {target}, which is not an http(s) URL with a host",
    ),
    "missed_turns": (
        "本机太忙：向 {host} 的请求 {count} 次没能在轮到它时发出；稍后再试",
        "this machine was too busy to send the request to {host} within its turn,"
        " {count} times; try again later",
    ),
    "wait_cap": (
        "{host} 要求 daoshou 等待 {waiting} 秒，超过 {cap} 秒的上限；稍后再试",
        "{host} asked daoshou to wait {waiting} s, longer than the {cap} s cap; try again later",
    ),
    "corrupt": (
        "页面的压缩内容无法解码，像是已损坏",
        "the page's encoded body cannot be decoded, as if corrupt ({error})",
    ),
    "robots_disallows": (
        "{host} 的 robots.txt 不允许 {token} 抓取 {target}"
        "（只有在你有权抓取时才为该主机关闭 robots）",
        "robots.txt of {host} disallows {target} for {token} "
        "(turn robots off for this host only if you may fetch it)",
    ),
    "robots_unavailable": (
        "{host} 的 robots.txt 暂不可用（HTTP {status}）；在它应答前按禁止抓取处理",
        "robots.txt of {host} unavailable (HTTP {status}); assuming no access until it answers",
    ),
    "robots_unreadable": (
        "{host} 的 robots.txt 无法读取",
        "robots.txt of {host} unreadable ({kind})",
    ),
}

#: What common HTTP statuses mean, for a Chinese reader (the English sentence has the code).
_STATUS_ZH = {
    400: "请求无效",
    401: "需要登录",
    403: "禁止访问",
    404: "页面不存在",
    405: "不接受这种请求",
    408: "请求超时",
    410: "页面已删除",
    429: "请求太频繁",
    500: "服务器内部错误",
    502: "网关错误",
    503: "服务暂时不可用",
    504: "网关超时",
}


def failure(form: str, **values: object) -> str:
    """The English sentence of `form` with its values: what the fetcher stores."""
    return FAILURE_FORMS[form][1].format(**values)


def status_zh(status: int | str) -> str:
    """`（页面不存在）` for 404: what a status means, in Chinese, or "" when not common."""
    meaning = _STATUS_ZH.get(int(status)) if str(status).isdigit() else None
    return f"（{meaning}）" if meaning else ""


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return template_patterns(FAILURE_FORMS)


def failure_zh(text: str) -> str:
    """A stored failure sentence in Chinese; a sentence of no known form as it is."""
    found = read_back(_patterns(), text)
    if found is None:
        return text
    form, values = found
    values["meaning"] = status_zh(values.get("status", ""))
    return FAILURE_FORMS[form][0].format(**values)
