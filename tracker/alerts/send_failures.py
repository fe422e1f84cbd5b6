"""Why a channel did not take an alert, in Chinese for a Chinese reader.

A failed delivery keeps the words Apprise logged (`A Connection error occurred sending
ntfy:http://... notification.`, `Failed to send JSON POST notification: Not Found,
error=404.`) or daoshou's own when Apprise said nothing: stored with the delivery and
shown by --json and logs as they are. Apprise's plugins share a few sentence shapes; read
back, they are worded in Chinese by `send_failure_zh`, the service and status kept. A
sentence of another shape is returned as it is.
"""

from __future__ import annotations

import re

from tracker.fetch.failures import status_zh

__all__ = ["NOT_ACCEPTED", "REFUSED", "send_failure_zh"]

NOT_ACCEPTED = "Apprise does not accept this channel URL"
REFUSED = "the channel refused the message"

_OWN = {
    NOT_ACCEPTED: "Apprise 不接受这个渠道地址；检查地址的写法",
    REFUSED: "渠道拒收了这条消息",
}
_CONNECTION = re.compile(
    r"A Connection error occurred (?:sending|with) (?P<service>.+?)[ .].*", re.S
)
_STATUS = re.compile(
    r"Failed to send (?P<service>.+?) notification.*?error=(?P<status>\d+)\.?", re.S
)


def send_failure_zh(text: str) -> str:
    """A stored delivery failure in Chinese; a sentence of no known shape as it is."""
    sentence = text.strip()
    if sentence in _OWN:
        return _OWN[sentence]
    if matched := _CONNECTION.fullmatch(sentence):
        service = matched["service"].split(":")[0]
        return f"连接 {service} 通知服务出错（拒绝连接、超时或找不到主机）"
    if matched := _STATUS.fullmatch(sentence):
        status = matched["status"]
        return f"{matched['service']} 通知发送失败：HTTP {status}{status_zh(status)}"
    return text
