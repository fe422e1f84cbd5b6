"""Exceptions from outside daoshou (the OS, decoders, TOML and JSON readers), in both
languages, for the errors daoshou raises about a file.

A `DaoshouError` about a file carries the cause: `cannot read cart.toml: Permission
denied`. The English keeps the library's own words (logs, stores and `--json` stay stable
English, and they are what a search finds); a Chinese reader gets the cause worded from
the table below instead of `Permission denied` inside a Chinese sentence. The OS's words
are chosen by errno, not by message, so they hold in any locale and on any platform; a
cause the table does not know keeps its own words in both.
"""

from __future__ import annotations

import errno
import json
import re
import tomllib

__all__ = ["CAUSES_ZH", "cause_words"]

#: errno -> Chinese, for the failures a user meets reading and writing files.
CAUSES_ZH: dict[int, str] = {
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "操作不被允许",
    errno.EISDIR: "这是一个目录",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统是只读的",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EMFILE: "打开的文件太多",
    errno.EIO: "读写出错（磁盘或设备故障）",
    errno.EBUSY: "文件正被占用",
    errno.ELOOP: "符号链接循环",
    errno.EFBIG: "文件太大",
}


def cause_words(exc: BaseException) -> tuple[str, str]:
    """(English, Chinese) for the exception that stopped a file from being read or
    written: the library's own words, and the same in Chinese where daoshou knows them."""
    if isinstance(exc, OSError):
        english = exc.strerror or str(exc) or type(exc).__name__
        return english, CAUSES_ZH.get(exc.errno or 0, english)
    if isinstance(exc, UnicodeDecodeError):
        english = f"not {exc.encoding} text (byte {exc.start})"
        return english, f"不是 {exc.encoding} 文本（第 {exc.start} 字节）"
    if isinstance(exc, tomllib.TOMLDecodeError | json.JSONDecodeError):
        return str(exc), _syntax_zh(exc)
    if isinstance(exc, RecursionError):
        return "nested too deeply", "嵌套太深"
    english = " ".join(str(exc).split()) or type(exc).__name__
    return english, english


def _syntax_zh(exc: Exception) -> str:
    """Where a TOML or JSON reader stopped, in Chinese (its message stays in English)."""
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is None:  # tomllib before 3.14 puts the place in its message only
        found = re.search(r"at line (\d+), column (\d+)", str(exc))
        if found is None:
            return "语法错误"
        line, column = found.groups()
    return f"第 {line} 行第 {column} 列语法错误"
