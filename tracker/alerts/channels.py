"""Alert channels: Apprise URLs kept in an owner-only file, masked labels in the database.

A channel URL usually carries a secret (a bot token, a webhook key, a mail password), so
the URL itself is written only to `alert-channels.json` in the config directory with mode
0600 (`locations.write_private`); the database, which may be shared over PostgreSQL, keeps
a masked label and the key that finds the URL in that file. Nothing prints a URL in full.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import apprise
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from planner.causes import cause_words
from tracker import locations
from tracker.errors import AlertError, NotFoundError
from tracker.store.db import session_scope
from tracker.store.tables import AlertChannel


@dataclass(frozen=True)
class ChannelView:
    """A channel as it may be shown: id and masked label, never the URL."""

    id: int
    label: str
    created_at: datetime


def channels_file() -> Path:
    """The owner-only file mapping channel keys to their Apprise URLs."""
    return locations.channels_file()


def masked_label(url: str) -> str:
    """The URL as Apprise prints it with privacy on, without its query string.

    AlertError when Apprise does not recognise the URL, so a typo fails at `channel add`
    rather than silently at the first alert.
    """
    plugin = apprise.Apprise.instantiate(url.strip())
    if plugin is None:
        scheme = url.split("://", 1)[0] if "://" in url else url[:12]
        raise AlertError(
            f"not a usable Apprise URL (scheme {scheme!r})",
            "see https://github.com/caronc/apprise/wiki for URL formats, e.g. ntfy://topic",
            zh=(
                f"不是可用的 Apprise 地址（协议 {scheme!r}）",
                "地址格式见 https://github.com/caronc/apprise/wiki，例如 ntfy://topic",
            ),
        )
    shown: str = plugin.url(privacy=True)
    return shown.split("?", 1)[0]


def channel_url(secret_key: str) -> str | None:
    """The stored URL for a channel key, None if the file or the key is missing."""
    return _read_urls().get(secret_key)


def add_channel(engine: Engine, url: str) -> ChannelView:
    """Validate and store a channel: the URL in the private file, the label in the DB."""
    url = url.strip()
    label = masked_label(url)
    key = secrets.token_hex(8)
    urls = _read_urls()
    urls[key] = url
    _write_urls(urls)
    try:
        with session_scope(engine, write=True) as session:
            channel = AlertChannel(label=label, secret_key=key)
            session.add(channel)
            session.flush()
            return _view(channel)
    except BaseException:
        urls.pop(key, None)
        _write_urls(urls)
        raise


def list_channels(engine: Engine) -> list[ChannelView]:
    """Every channel, oldest first."""
    with session_scope(engine) as session:
        rows = session.exec(select(AlertChannel).order_by(col(AlertChannel.id))).all()
        return [_view(row) for row in rows]


def remove_channel(engine: Engine, channel_id: int) -> ChannelView:
    """Delete a channel (its pending deliveries go with it) and forget its URL."""
    with session_scope(engine, write=True) as session:
        channel = session.get(AlertChannel, channel_id)
        if channel is None:
            raise NotFoundError(
                f"no alert channel with id {channel_id}",
                "see daoshou alerts channel list",
                zh=(f"没有编号为 {channel_id} 的提醒渠道", "用 daoshou alerts channel list 查看"),
            )
        view, key = _view(channel), channel.secret_key
        session.delete(channel)
    urls = _read_urls()
    if urls.pop(key, None) is not None:
        _write_urls(urls)
    return view


def channel_targets(engine: Engine) -> list[tuple[ChannelView, str | None]]:
    """Every channel with its URL (None when the private file lost it), for sending."""
    urls = _read_urls()
    with session_scope(engine) as session:
        rows = session.exec(select(AlertChannel).order_by(col(AlertChannel.id))).all()
        return [(_view(row), urls.get(row.secret_key)) for row in rows]


def _view(channel: AlertChannel) -> ChannelView:
    assert channel.id is not None
    return ChannelView(channel.id, channel.label, channel.created_at)


def _read_urls() -> dict[str, str]:
    path = channels_file()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AlertError(
            f"cannot read alert channels from {path}: {exc.__class__.__name__}",
            "restore the file or remove it and add the channels again",
            zh=(
                f"无法读取提醒渠道文件 {path}：{cause_words(exc)[1]}",
                "恢复该文件，或删除它再重新添加渠道",
            ),
        ) from exc
    channels = data.get("channels") if isinstance(data, dict) else None
    if not isinstance(channels, dict):
        raise AlertError(
            f"{path} is not a daoshou channels file",
            "remove it and add channels again",
            zh=(f"{path} 不是 daoshou 的提醒渠道文件", "删除它，再重新添加渠道"),
        )
    return {str(k): str(v) for k, v in channels.items()}


def _write_urls(urls: dict[str, str]) -> None:
    text = json.dumps({"version": 1, "channels": urls}, ensure_ascii=False, indent=2)
    locations.write_private(channels_file(), text + "\n")
