"""AlertsScreen: the inbox of fired alerts, the delivery channels, and a test button.

Channel URLs hold secrets, so the screen only ever sees masked labels; the test send
reads the URL inside the worker and reports success or Apprise's reason as a notification.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, DataTable, Footer, Header, Label

from tracker.alerts.send_failures import send_failure_zh
from tracker.errors import AlertError
from tracker.queries.alert_inbox import load_inbox
from tui import format as fmt
from tui.context import AppContext
from tui.i18n import both, current_language, t
from tui.messages import AlertsLoaded, PricesRecorded, WorkFinished
from tui.screens.base import DaoshouScreen
from tui.text import safe_text
from tui.widgets.columns import Column, FittedTable


class AlertsScreen(DaoshouScreen):
    """Fired alerts, newest first, and the channels they go to."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "test", t("alerts.test")),
        Binding("r", "refresh", t("nav.refresh")),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.channels: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(t("alerts.inbox"), classes="section-title")
        yield FittedTable(
            [
                Column("when", t("alerts.when"), 4, 4),
                Column("message", t("alerts.message"), 20, 120, flexible=True),
                Column("delivery", t("alerts.delivery"), 8, 8, rank=1),
            ],
            id="inbox-table",
        )
        yield Label(t("alerts.channels"), classes="section-title")
        yield FittedTable(
            [
                Column("id", "#", 2, 2),
                Column("label", t("alerts.channels"), 20, 120, flexible=True),
            ],
            id="channel-table",
        )
        yield Button(t("alerts.test"), id="alerts-test")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("nav.alerts")
        self.query_one("#inbox-table", FittedTable).zebra_stripes = True
        self.action_refresh()

    def action_refresh(self) -> None:
        """Read the inbox and the channels again."""
        self.run_blocking(self._read, group="alerts-read")

    def _read(self) -> None:
        from tracker.alerts.channels import list_channels  # Apprise loads in the worker

        engine = self.context.engine
        self.post_result(AlertsLoaded(load_inbox(engine), list_channels(engine)))

    def on_prices_recorded(self, message: PricesRecorded) -> None:
        self.action_refresh()

    def on_alerts_loaded(self, message: AlertsLoaded) -> None:
        zh = current_language() == "zh"
        now = self.context.now()
        rows = [
            [
                Text(fmt.ago(entry.created_at, now)),
                safe_text(entry.message_zh if zh else entry.message_en, cells=120),
                Text(
                    f"✓{entry.sent} …{entry.pending} ✗{entry.failed}",
                    style="red" if entry.failed else "dim",
                ),
            ]
            for entry in message.events
        ]
        keys: list[str | None] = [str(entry.event_id) for entry in message.events]
        if not message.events:
            rows, keys = [[Text(""), Text(t("alerts.none"), style="dim"), Text("")]], [None]
        self.query_one("#inbox-table", FittedTable).show(rows, keys)
        self.channels = message.channels
        lines = [[Text(str(c.id)), safe_text(c.label, cells=120)] for c in message.channels]
        keys = [str(c.id) for c in message.channels]
        if not message.channels:
            lines, keys = [[Text(""), Text(t("alerts.no_channels"), style="dim")]], [None]
        self.query_one("#channel-table", FittedTable).show(lines, keys)

    @on(Button.Pressed, "#alerts-test")
    def action_test(self) -> None:
        """Send a test message to the selected channel."""
        table = self.query_one("#channel-table", DataTable)
        if not self.channels:
            self.app.notify(t("alerts.no_channels"), severity="warning", markup=False)
            return
        channel = self.channels[min(table.cursor_row, len(self.channels) - 1)]
        self.run_blocking(self._send_test, channel.id, group="alerts-test")

    def _send_test(self, channel_id: int) -> None:
        from tracker.alerts.channels import channel_targets
        from tracker.alerts.outbox import apprise_send

        for channel, url in channel_targets(self.context.engine):
            if channel.id != channel_id:
                continue
            if url is None:
                (message, zh), (hint, hint_zh) = (
                    both("alerts.channel_lost", label=channel.label),
                    both("alerts.channel_lost_hint"),
                )
                raise AlertError(message, hint, zh=(zh, hint_zh))
            error = apprise_send(url, "daoshou 到手", t("alerts.test"))
            if error:
                (message, _), (hint, hint_zh) = (
                    both("alerts.test_failed", label=channel.label, error=error),
                    both("alerts.test_failed_hint"),
                )
                worded = send_failure_zh(error)  # Apprise's English, in Chinese
                _, zh = both("alerts.test_failed", label=channel.label, error=worded)
                raise AlertError(message, hint, zh=(zh, hint_zh))
            self.post_result(WorkFinished(t("alerts.test_sent", label=channel.label)))

    def on_work_finished(self, message: WorkFinished) -> None:
        self.app.notify(message.text, severity=message.severity, markup=False)
