"""Every word the app and the command line show goes through the catalogue (`tui.i18n.t`).

An AST scan of tui/ (the command line in tui/cli included): a string literal with
letters, passed straight to a widget or a notification that the user reads (notify,
Static, Label, Button, Input placeholders, Binding descriptions), printed, or used as a
table header, bypasses the catalogue and stays in one language. The tables other modules
keep (plan step forms, units, alert rule kinds, sale events) have both languages too.
"""

import ast
import string
import tomllib
from pathlib import Path
from typing import get_args

import tui

SHOWN = {"notify", "Static", "Label", "Button", "Binding", "update", "Input", "print"}
SHOWN_KEYWORDS = {"placeholder", "title", "label", "description", "message"}
# Words that are the same in both languages: the product's name, key names, symbols, and
# the usual abbreviations of forecast error measures.
ALLOWED = {"到手", "daoshou", "MAE", "MAPE", "MASE", "Brier", "MAE%"}


def _literal_words(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    else:
        return None
    return text if any(ch.isalpha() for ch in text) and text not in ALLOWED else None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _bypasses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        shown = []
        if name in SHOWN and name != "Binding":
            shown += node.args[:1]
        if name == "Binding":
            shown += node.args[2:3]  # Binding(key, action, description)
        if name == "print_table" and node.args and isinstance(node.args[0], ast.List):
            shown += node.args[0].elts  # the headers
        shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS and name in SHOWN]
        for arg in shown:
            words = _literal_words(arg)
            if words is not None:
                found.append(f"{path.name}:{node.lineno} {name}({words!r})")
    return found


def test_no_user_facing_literal_bypasses_the_catalogue():
    root = Path(tui.__file__).parent
    files = list(root.rglob("*.py"))
    assert any(path.parent.name == "cli" for path in files)
    bypasses = [hit for path in sorted(files) for hit in _bypasses(path)]
    assert bypasses == []


def test_the_scan_finds_a_literal_handed_to_a_widget(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('self.notify("Saved", markup=False)\nStatic(t("ok"))\n')
    assert _bypasses(sample) == ["sample.py:1 notify('Saved')"]


def test_the_scan_finds_printed_words_and_table_headers(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'print(f"removed {n}")\nprint(t("cli.ok"))\nprint_table(["id", "price"], rows)\n'
        'print_table(columns("id"), rows)\n'
    )
    assert _bypasses(sample) == [
        "sample.py:1 print('removed ')",
        "sample.py:3 print_table('id')",
        "sample.py:3 print_table('price')",
    ]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_entry_has_both_languages_with_the_same_blanks():
    from tui.i18n import STRINGS

    for key, (zh, en) in STRINGS.items():
        assert zh.strip() and en.strip(), key
        assert _fields(zh) == _fields(en), key


def test_the_tables_of_other_modules_are_in_the_catalogue():
    """Every plan step form, unit, alert rule kind and sale event has both languages."""
    from planner.cart import Promotion
    from planner.packs import UNITS
    from planner.wording import FORMS
    from tracker.alerts.kinds import KINDS
    from tui.i18n import STRINGS

    missing = [f"step.{form}" for form in FORMS if f"step.{form}" not in STRINGS]
    missing += [f"unit.{unit}" for unit in UNITS if f"unit.{unit}" not in STRINGS]
    missing += [f"rule.{kind}" for kind in KINDS if f"rule.{kind}" not in STRINGS]
    promotions = [kind.__name__ for kind in get_args(Promotion)]
    missing += [f"promo.{name}" for name in promotions if f"promo.{name}" not in STRINGS]
    assert missing == []
    shipped = tomllib.loads((Path(tui.__file__).parent.parent / "data" / "events.toml").read_text())
    for event in shipped["event"]:
        assert event.get("name_zh") and event.get("name_en"), event["key"]
        assert event["name_zh"] != event["name_en"], event["key"]


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    from tui.i18n import STRINGS

    root = Path(tui.__file__).parent
    asked = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _callee(node) == "t" and node.args:
                keys = [node.args[0]]
                if isinstance(node.args[0], ast.IfExp):  # t("a" if x else "b")
                    keys = [node.args[0].body, node.args[0].orelse]
                asked |= {k.value for k in keys if isinstance(k, ast.Constant)}
    assert asked and asked - set(STRINGS) == set()
