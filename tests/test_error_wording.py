"""Every error daoshou raises for a user carries its Chinese wording.

An error is shown in the reader's language by `DaoshouError.one_line(language)`, which
needs the raiser's `zh=(message, hint)`; an error without it is shown in English to a
Chinese reader. This reads the source instead of running it: each place that builds a
DaoshouError (its class called directly, a class passed in as `type[...Error]`, or a
helper that returns such an error and takes its Chinese from the caller) must pass
`zh`, and a `zh` written out in place must be Chinese (its words or its punctuation).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tracker", "planner", "tui")


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):  # type[CartError]
        return _name(node.slice)
    return None


def _error_classes(modules: list[tuple[Path, ast.Module]]) -> set[str]:
    """DaoshouError and every class deriving from it, however deep, anywhere in the code."""
    classes = [
        node for _, tree in modules for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
    ]
    found = {"DaoshouError"}
    grew = True
    while grew:
        grew = False
        for node in classes:
            if node.name not in found and any(_name(base) in found for base in node.bases):
                found.add(node.name)
                grew = True
    return found


def _builders(modules: list[tuple[Path, ast.Module]], errors: set[str]) -> set[str]:
    """Helpers that build a DaoshouError from their caller's wording, Chinese included
    (`reader.field_error(key, problem, hint, zh=...)`): each call must give it."""
    return {
        node.name
        for _, tree in modules
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.returns is not None
        and _name(node.returns) in errors
        and any(arg.arg == "zh" for arg in [*node.args.args, *node.args.kwonlyargs])
    }


def _passed_classes(function: ast.AST, errors: set[str]) -> set[str]:
    """Parameters of `function` annotated `type[SomeError]`: classes given by the caller."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return set()
    arguments = [*function.args.args, *function.args.kwonlyargs, *function.args.posonlyargs]
    return {
        arg.arg
        for arg in arguments
        if isinstance(arg.annotation, ast.Subscript)
        and _name(arg.annotation.value) == "type"
        and _name(arg.annotation.slice) in errors
    }


def _error_calls(
    modules: list[tuple[Path, ast.Module]],
) -> Iterator[tuple[str, ast.Call]]:
    errors = _error_classes(modules)
    builders = _builders(modules, errors)
    for path, tree in modules:
        where = path.relative_to(ROOT)
        passed: dict[ast.Call, set[str]] = {}
        for function in ast.walk(tree):
            names = _passed_classes(function, errors)
            for node in ast.walk(function) if names else ():
                if isinstance(node, ast.Call):
                    passed[node] = passed.get(node, set()) | names
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = _name(node.func)
            local = isinstance(node.func, ast.Name) and called in passed.get(node, set())
            if called in errors or called in builders or local:
                yield f"{where}:{node.lineno}", node


def _has_chinese(node: ast.expr) -> bool:
    text = "".join(
        part.value
        for part in ast.walk(node)
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
    )
    chinese = (("\u4e00", "\u9fff"), ("\u3000", "\u303f"), ("\uff00", "\uffef"))
    return any(low <= ch <= high for ch in text for low, high in chinese)


@pytest.fixture(scope="module")
def error_calls() -> list[tuple[str, ast.Call]]:
    calls = list(_error_calls(_modules()))
    assert len(calls) > 100  # the scan finds the raise sites it is meant to check
    return calls


def test_every_user_facing_error_has_chinese_wording(error_calls):
    missing = [
        where for where, call in error_calls if not any(k.arg == "zh" for k in call.keywords)
    ]
    assert not missing, f"errors without zh=(message, hint): {missing}"


def test_written_out_wordings_are_chinese(error_calls):
    english = []
    for where, call in error_calls:
        for keyword in call.keywords:
            wording = keyword.value
            written = isinstance(wording, ast.Tuple) and isinstance(
                wording.elts[0], ast.Constant | ast.JoinedStr
            )
            if keyword.arg == "zh" and written and not _has_chinese(wording.elts[0]):
                english.append(where)
    assert not english, f"zh messages with no Chinese in them: {english}"


def test_an_error_reads_in_the_language_asked_for(tmp_path):
    from tracker.errors import ExtractionInputError
    from tracker.extract.inputs import read_page_file

    (tmp_path / "blank.html").write_text("  \n")
    for name, en, zh in (
        ("gone.html", "gone.html does not exist", "gone.html 不存在"),
        ("blank.html", "blank.html is empty", "blank.html 是空文件"),
    ):
        with pytest.raises(ExtractionInputError) as raised:
            read_page_file(tmp_path / name)
        path = str(tmp_path / name)
        assert raised.value.one_line("en") == (
            f"{path[: -len(name)]}{en} (give the path of a saved product page (.html))"
        )
        assert raised.value.one_line("zh") == (
            f"{path[: -len(name)]}{zh}（给出已保存的商品页（.html）的路径）"
        )
