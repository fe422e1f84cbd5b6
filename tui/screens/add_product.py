"""AddProductScreen: paste a URL or an app's share text, confirm name and pack, add.

The share text is parsed as the user types (`tracker.extract.share_text`, pure), so they see the
link and title that will be used before anything is stored. Adding fetches the page once
in a worker (`tracker.checks.first`): its first price is stored with it, and a page that
answers 4xx or cannot be reached is refused with the reason; the dialog stays and its
button becomes "add anyway". Other failures (duplicate URL, unreadable pack) become a
notification and the dialog stays.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from planner.errors import DaoshouError
from tracker.extract.share_text import SharedLink, parse_share_text
from tui.context import AppContext
from tui.i18n import current_language, t
from tui.messages import ProductAdded
from tui.phrases import outcome_text
from tui.screens.base import post_unless_cancelled, relabel_bindings
from tui.text import display_text, safe_content


class AddProductScreen(ModalScreen[ProductAdded | None]):
    """A dialog returning `ProductAdded`, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", t("add.cancel"))]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        relabel_bindings(self, refresh=False)
        self.link: SharedLink | None = None
        self.force = False  # set after a refusal: the next submit adds the page anyway

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog"):
            yield Label(t("add.title"), id="add-title")
            yield Static(safe_content(t("add.help")), classes="help")
            yield Input(placeholder=t("add.paste"), id="add-paste")
            yield Static(safe_content(t("add.none")), id="add-found")
            yield Input(placeholder=t("add.name"), id="add-name")
            yield Input(placeholder=t("add.pack"), id="add-pack")
            with Horizontal(id="add-buttons"):
                yield Button(t("add.submit"), variant="primary", id="add-submit")
                yield Button(t("add.cancel"), id="add-cancel")

    @on(Input.Changed, "#add-paste")
    def _pasted(self, event: Input.Changed) -> None:
        self._allow_force(False)
        found = self.query_one("#add-found", Static)
        try:
            self.link = parse_share_text(event.value)
        except DaoshouError:
            self.link = None
            found.update(safe_content(t("add.none")))
            return
        found.update(safe_content(t("add.found", platform=self.link.platform, url=self.link.url)))
        name = self.query_one("#add-name", Input)
        if self.link.title and not name.value:
            name.value = display_text(self.link.title, limit=120)

    @on(Button.Pressed, "#add-submit")
    @on(Input.Submitted)
    def action_submit(self) -> None:
        """Store the listing in a worker."""
        if self.link is None:
            self.app.notify(t("add.none"), severity="warning", markup=False)
            return
        name = self.query_one("#add-name", Input).value.strip() or None
        pack = self.query_one("#add-pack", Input).value.strip() or None
        self.app.run_worker(
            partial(self._store, self.link, name, pack),
            name="add-product",
            group="add-product",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _store(self, link: SharedLink | None, name: str | None, pack: str | None) -> None:
        from tracker.checks.first import add_checked_sync
        from tracker.errors import FetchError

        assert link is not None
        try:
            added = add_checked_sync(
                self.context.repository, link.url, product=name, pack=pack, force=self.force
            )
        except FetchError as refused:
            self.app.call_from_thread(self._refused, refused)
            return
        view = added.listing
        first = outcome_text(added.outcome)
        message = ProductAdded(view.product_id, view.id, view.product_name, first)
        post_unless_cancelled(self, message)

    def _refused(self, refused: DaoshouError) -> None:
        self.app.notify(
            display_text(t("add.refused", error=refused.one_line(current_language())), limit=400),
            severity="error",
            markup=False,
            timeout=10,
        )
        self._allow_force(True)

    def _allow_force(self, force: bool) -> None:
        self.force = force
        self.query_one("#add-submit", Button).label = t("add.force" if force else "add.submit")

    def on_product_added(self, message: ProductAdded) -> None:
        message.stop()
        self.dismiss(message)

    @on(Button.Pressed, "#add-cancel")
    def action_cancel(self) -> None:
        """Close without adding."""
        self.dismiss(None)
