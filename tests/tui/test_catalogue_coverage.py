"""Every word the app shows goes through the catalogue (`tui.i18n.t`).

An AST scan of tui/: a string literal with letters, passed straight to a widget or a
notification that the user reads (notify, Static, Label, Button, Input placeholders,
Binding descriptions), bypasses the catalogue and stays in one language.
"""

import ast
from pathlib import Path

import tui

SHOWN = {"notify", "Static", "Label", "Button", "Binding", "update", "Input"}
SHOWN_KEYWORDS = {"placeholder", "title", "label", "description", "message"}
# Words that are the same in both languages: the product's name, key names, symbols.
ALLOWED = {"到手", "daoshou"}


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
        shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS and name in SHOWN]
        for arg in shown:
            words = _literal_words(arg)
            if words is not None:
                found.append(f"{path.name}:{node.lineno} {name}({words!r})")
    return found


def test_no_user_facing_literal_bypasses_the_catalogue():
    root = Path(tui.__file__).parent
    files = [p for p in root.rglob("*.py") if "cli" not in p.relative_to(root).parts]
    bypasses = [hit for path in sorted(files) for hit in _bypasses(path)]
    assert bypasses == []


def test_the_scan_finds_a_literal_handed_to_a_widget(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('self.notify("Saved", markup=False)\nStatic(t("ok"))\n')
    assert _bypasses(sample) == ["sample.py:1 notify('Saved')"]


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
