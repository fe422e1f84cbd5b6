"""Reading a file the user names, with the same bounds as a page from the network.

`daoshou extract FILE` and `daoshou plan FILE` read what they are given. A path may be a
FIFO (opening it blocks until a writer comes), a device such as /dev/zero (it never ends)
or a 50 MB file that parsing would multiply in memory. Only regular files are read, opened
without blocking, and only up to `MAX_INPUT_BYTES`, the fetcher's cap on a response body.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from planner.causes import cause_words
from planner.errors import DaoshouError

__all__ = ["MAX_INPUT_BYTES", "read_local_file"]

MAX_INPUT_BYTES = 8 * 1024 * 1024
"""The largest page or file daoshou reads: no product page or cart comes near it."""


def read_local_file(
    path: Path,
    error: type[DaoshouError],
    hint: str,
    *,
    hint_zh: str,
    cap: int = MAX_INPUT_BYTES,
) -> bytes:
    """The bytes of regular file `path`, or `error(one line, hint)` naming the file.

    Not a regular file, missing, unreadable or larger than `cap` are all refused before
    more than `cap` + 1 bytes are read.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path} does not exist", hint, zh=(f"{path} 不存在", hint_zh)) from None
    except (OSError, ValueError) as exc:
        why, why_zh = cause_words(exc)
        raise error(
            f"cannot read {path}: {why}", hint, zh=(f"无法读取 {path}：{why_zh}", hint_zh)
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(
            f"{path} is a directory, not a file", hint, zh=(f"{path} 是目录，不是文件", hint_zh)
        )
    if not stat.S_ISREG(info.st_mode):
        raise error(
            f"{path} is not a regular file (a pipe, device or socket)",
            hint,
            zh=(f"{path} 不是普通文件（是管道、设备或套接字）", hint_zh),
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise error(
                    f"{path} is not a regular file", hint, zh=(f"{path} 不是普通文件", hint_zh)
                )
            body = handle.read(cap + 1)
    except OSError as exc:
        raise error(
            f"cannot read {path}: {exc.strerror or exc}",
            hint,
            zh=(f"无法读取 {path}：{cause_words(exc)[1]}", hint_zh),
        ) from None
    if len(body) > cap:
        megabytes = cap // (1024 * 1024)
        raise error(
            f"{path} is larger than the {megabytes} MB daoshou reads",
            hint,
            zh=(f"{path} 超过 daoshou 能读取的 {megabytes} MB", hint_zh),
        )
    return body
