"""Find the line of a key in TOML text, so a cart error can say where the problem is.

`tomllib` returns plain dicts without positions. Carts are small and hand-written, so a
light scan is enough: it tracks `[table]` and `[[array.of.tables]]` headers (counting the
array entries under their parent entry) and, inside a section, finds `key =` at the start
of a line or inside an inline table (`presale = { deposit = "20", ... }`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["KeyLines"]

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


@dataclass(frozen=True)
class _Section:
    path: Path
    line: int
    end: int


class KeyLines:
    """Line numbers (1-based) of keys in one TOML text."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._sections = self._scan()

    def _scan(self) -> list[_Section]:
        starts: list[tuple[Path, int]] = [((), 1)]
        counters: dict[Path, int] = {}
        current: Path = ()
        for number, raw in enumerate(self._lines, start=1):
            match = _HEADER.match(raw)
            if not match:
                continue
            names = [n.strip().strip('"') for n in match.group(2).split(".")]
            parent = self._resolve(names[:-1], current)
            if match.group(1) == "[[":
                key = (*parent, names[-1])
                counters[key] = counters.get(key, -1) + 1
                current = (*key, counters[key])
            else:
                current = (*parent, names[-1])
            starts.append((current, number))
        ends = [line - 1 for _, line in starts[1:]] + [len(self._lines)]
        return [_Section(path, line, end) for (path, line), end in zip(starts, ends, strict=True)]

    @staticmethod
    def _resolve(names: list[str], current: Path) -> Path:
        """A dotted header prefix, with array indices taken from the current section."""
        path: list[str | int] = []
        rest = list(current)
        for name in names:
            path.append(name)
            if (
                len(rest) >= len(path) + 1
                and rest[: len(path)] == path
                and isinstance(rest[len(path)], int)
            ):
                path.append(rest[len(path)])
        return tuple(path)

    def line_of(self, path: Path) -> int:
        """The line of the key at `path` (e.g. ("item", 1, "offer", 0, "price")).

        Falls back to the line of the closest enclosing section when the key is absent
        (a missing required field is reported at its table's header).
        """
        best: _Section | None = None
        for section in self._sections:
            size = len(section.path)
            if path[:size] == section.path and (best is None or size > len(best.path)):
                best = section
        if best is None:
            return 1
        remaining = [k for k in path[len(best.path) :] if isinstance(k, str)]
        if not remaining:
            return best.line
        first = remaining[0]
        inner = remaining[-1]
        pattern = re.compile(rf'^\s*"?{re.escape(first)}"?\s*=')
        nested = re.compile(rf'[{{,]\s*"?{re.escape(inner)}"?\s*=')
        for number in range(best.line, best.end + 1):
            text = self._lines[number - 1] if number - 1 < len(self._lines) else ""
            if pattern.match(text):
                if len(remaining) > 1:
                    for inner_number in range(number, best.end + 1):
                        if nested.search(self._lines[inner_number - 1]):
                            return inner_number
                return number
        return best.line
