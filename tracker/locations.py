"""Every path daoshou reads or writes on the user's machine, in one place.

Paths are computed when asked for, never at import time, so tests and `daoshou demo` can
point `DAOSHOU_HOME` somewhere else before anything is created. Without `DAOSHOU_HOME`
the platform's conventional directories (platformdirs) are used.

This module owns every file name too, not only the directories: other modules ask it for
`settings_file()`, `cart_file()` and the rest, so a reader finds the whole layout here.
The `*_NAME` constants are the bare names, for messages and for the copies daoshou ships
under the same name (`planner.shipped.shipped_file`).

    config_dir()  settings.toml, cookies.json, alert-channels.json, recipes.toml,
                  price_protection.toml, events.toml, platforms.toml, subsidies/
    data_dir()    daoshou.sqlite (and its `.service.lock`), screenshots/ (without Downloads),
                  carts/ (one NAME.toml per saved cart, cart.toml the app's own, and the
                  last plan announced for each, .NAME.last.json),
                  browser/PLATFORM/profile/ and browser/PLATFORM/session.json (signed-in
                  browser sessions, owner-only)
    log_dir()     daoshou.log (the app), daoshou-run.log (the service), demo-shop.log
    cache_dir()   robots.json, demo/ (throwaway demo homes, each locked by its running
                  demo through its .demo.lock)
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

APP_NAME = "daoshou"
#: A log file is rotated at this size, keeping this many old files: at most ~60 MB per log
#: however long the service runs (10,000 listings write ~19 MB a day).
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5
HOME_ENV = "DAOSHOU_HOME"
#: The app's own cart is the saved cart of this name (`daoshou plan cart` plans it).
DATABASE_URL_ENV = "DAOSHOU_DATABASE_URL"

SETTINGS_NAME = "settings.toml"
COOKIES_NAME = "cookies.json"
CHANNELS_NAME = "alert-channels.json"
RECIPES_NAME = "recipes.toml"
PRICE_PROTECTION_NAME = "price_protection.toml"
EVENTS_NAME = "events.toml"
PLATFORM_RULES_NAME = "platforms.toml"
SUBSIDIES_NAME = "subsidies"
DATABASE_NAME = "daoshou.sqlite"
SCREENSHOTS_NAME = "screenshots"
CARTS_NAME = "carts"
APP_CART = "cart"  # the app's own cart: a saved cart like the others, so the service follows it
CART_SUFFIX = ".toml"
CART_NAME = APP_CART + CART_SUFFIX
CART_MEMO_SUFFIX = ".last.json"
BROWSER_NAME = "browser"
BROWSER_PROFILE_NAME = "profile"
BROWSER_SESSION_NAME = "session.json"
DEMO_HOMES_NAME = "demo"
APP_LOG_NAME = "daoshou.log"
RUN_LOG_NAME = "daoshou-run.log"
DEMO_SHOP_LOG_NAME = "demo-shop.log"
ROBOTS_CACHE_NAME = "robots.json"
SERVICE_LOCK_SUFFIX = ".service.lock"
FORECAST_LOCK_SUFFIX = ".forecasts.lock"
DEMO_LOCK_NAME = ".demo.lock"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _ensure(path: Path, private: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
    if private:
        _owner_only(path, 0o700)
    return path


def _owner_only(path: Path, mode: int) -> None:
    """Take group and other access away from `path` (a store made by an older version, or
    under a loose umask, is tightened when next used)."""
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        os.chmod(path, mode)


def private_file(path: Path) -> Path:
    """Create `path` owner-only (0600) if it does not exist, and tighten it if it does:
    the database and the logs hold what the user buys, watches and pays."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a given parent is kept
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    _owner_only(path, 0o600)
    return path


def data_dir() -> Path:
    """Where the database and other user data live (created on first use, owner-only)."""
    home = _home()
    base = home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))
    return _ensure(base, private=True)


def carts_dir() -> Path:
    """Where saved carts live, one `NAME.toml` each (`daoshou cart save`).

    The app's cart used to be `cart.toml` beside the database; it is moved here once, as
    the saved cart `APP_CART`, by whichever command or screen first asks for this folder.
    """
    carts = _ensure(data_dir() / CARTS_NAME)
    _adopt_old_cart(legacy_cart_file(), carts / CART_NAME)
    return carts


def legacy_cart_file() -> Path:
    """Where the app kept its one cart before carts were saved by name (read only to move
    it under `carts_dir()`)."""
    return data_dir() / CART_NAME


def _adopt_old_cart(old: Path, new: Path) -> None:
    """Move the old cart to `new` unless a cart is already there: a hard link first, so a
    cart that appeared meanwhile is never overwritten, then the old name goes. A crash
    in between leaves the cart under both names, and the next call drops the old one."""
    if not old.is_file():
        return
    try:
        os.link(old, new)
    except FileExistsError:
        if new.samefile(old):
            old.unlink(missing_ok=True)  # linked by a call that stopped before the unlink
        return  # both exist and differ: keep both, lose nothing
    except FileNotFoundError:
        return  # another process moved it first
    except OSError:  # a file system without hard links
        if not new.exists():
            os.replace(old, new)
        return
    old.unlink(missing_ok=True)


def config_dir() -> Path:
    """Where settings, recipes, cookies and channel URLs live (owner-only)."""
    home = _home()
    base = home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))
    return _ensure(base, private=True)


def log_dir() -> Path:
    """Where log files go (owner-only): nothing is printed to the terminal while the app
    runs."""
    home = _home()
    base = home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME))
    return _ensure(base, private=True)


def screenshots_dir() -> Path:
    """Where the app saves screenshots: the user's Downloads when it exists, else an
    owner-only directory of daoshou's (a screenshot may show prices and carts)."""
    downloads = Path(platformdirs.user_downloads_dir())
    if _home() is None and downloads.is_dir():
        return downloads
    return _ensure(data_dir() / SCREENSHOTS_NAME, private=True)


def rotating_log(path: Path) -> RotatingFileHandler:
    """A handler for the owner-only log file `path` (`app_log_file()`, `run_log_file()`),
    rotated at `LOG_MAX_BYTES` with `LOG_BACKUPS` old files (`name.1` ... `name.5`), so no
    log grows without bound; URLs' query strings are redacted from every record."""
    from logging.handlers import RotatingFileHandler  # here: most commands never log to a file

    handler = RotatingFileHandler(
        private_file(path),
        maxBytes=LOG_MAX_BYTES,
        backupCount=LOG_BACKUPS,
        encoding="utf-8",
    )
    handler.addFilter(_RedactQueries())
    return handler


def cache_dir() -> Path:
    """Where derived, disposable files live (forecast cache, robots.txt cache)."""
    home = _home()
    return _ensure(home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME)))


def browser_profile_dir(platform: str, *, create: bool = True) -> Path:
    """The Chrome/Chromium profile daoshou owns for one platform's signed-in session.

    It holds the platform's session cookies, i.e. credentials, so every level daoshou
    creates is owner-only (0700). With `create=False` nothing is created (status reads).
    """
    home = _home()
    base = home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))
    path = base / BROWSER_NAME / platform / BROWSER_PROFILE_NAME
    if create:
        for level in (base, base / BROWSER_NAME, base / BROWSER_NAME / platform, path):
            _ensure(level, private=level != base)
            if os.name == "posix" and level != base:
                os.chmod(level, 0o700)
    return path


def browser_session_file(platform: str) -> Path:
    """The small state file beside a platform's profile: when daoshou last saw it work."""
    return browser_profile_dir(platform, create=False).parent / BROWSER_SESSION_NAME


def database_url() -> str:
    """The SQLAlchemy URL of the store: `DAOSHOU_DATABASE_URL`, else SQLite in `data_dir()`."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / DATABASE_NAME}"


def service_lock_file(database: Path) -> Path:
    """The lock file beside a SQLite database that one checking service holds."""
    return database.with_name(database.name + SERVICE_LOCK_SUFFIX)


def forecast_lock_file(database: Path) -> Path:
    """The lock file beside a SQLite database that the process refreshing its forecasts
    holds (`tracker.checks.nightly`)."""
    return database.with_name(database.name + FORECAST_LOCK_SUFFIX)


def settings_file() -> Path:
    """The user's settings (it may not exist)."""
    return config_dir() / SETTINGS_NAME


def cookies_file() -> Path:
    """The user's shop cookies (owner-only; it may not exist)."""
    return config_dir() / COOKIES_NAME


def channels_file() -> Path:
    """The alert channels' Apprise URLs (owner-only; it may not exist)."""
    return config_dir() / CHANNELS_NAME


def recipes_file() -> Path:
    """The user's own extraction recipes, beside the shipped ones (it may not exist)."""
    return config_dir() / RECIPES_NAME


def price_protection_file() -> Path:
    """The user's 价保 windows, overriding the shipped ones (it may not exist)."""
    return config_dir() / PRICE_PROTECTION_NAME


def events_file() -> Path:
    """The user's own sale events, added to the shipped calendar (it may not exist)."""
    return config_dir() / EVENTS_NAME


def platform_rules_file() -> Path:
    """The user's platform rules, overriding the shipped ones (it may not exist)."""
    return config_dir() / PLATFORM_RULES_NAME


def subsidies_dir() -> Path:
    """The user's subsidy tables, beside the shipped ones (it may not exist)."""
    return config_dir() / SUBSIDIES_NAME


def saved_cart_file(name: str) -> Path:
    """The file of the saved cart `name` (a name `tracker.plans.carts` has checked)."""
    return carts_dir() / f"{name}{CART_SUFFIX}"


def cart_file() -> Path:
    """The terminal app's cart: the saved cart named `APP_CART`."""
    return carts_dir() / CART_NAME


def cart_memo_file(name: str) -> Path:
    """Where the last plan announced for the saved cart `name` is remembered."""
    return carts_dir() / f".{name}{CART_MEMO_SUFFIX}"


def app_log_file() -> Path:
    """The terminal app's and the command line's log."""
    return log_dir() / APP_LOG_NAME


def run_log_file() -> Path:
    """The log of `daoshou run`, the checking service."""
    return log_dir() / RUN_LOG_NAME


def demo_shop_log_file() -> Path:
    """The demo's loopback shop's request log."""
    return log_dir() / DEMO_SHOP_LOG_NAME


def robots_cache_file() -> Path:
    """robots.txt answers kept between runs, when a fetch policy asks for them."""
    return cache_dir() / ROBOTS_CACHE_NAME


def demo_homes_dir() -> Path:
    """Where `daoshou demo` makes its throwaway homes (created on first use)."""
    return _ensure(cache_dir() / DEMO_HOMES_NAME)


def demo_lock_file(home: Path) -> Path:
    """The file a running demo holds locked in its home, so no other demo removes it."""
    return home / DEMO_LOCK_NAME


def write_private(path: Path, text: str) -> None:
    """Write a secret-bearing file (cookies, channel URLs) readable by its owner only.

    The file is created with mode 0600 before any byte is written and replaced atomically,
    so a crash leaves either the old or the new content, never a half-written secret.
    """
    _ensure(path.parent, private=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    if os.name == "posix":
        os.chmod(path, 0o600)


_QUERY = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s?#'\"<>]*)\?[^\s#'\"<>]*")


def redact_queries(text: str) -> str:
    """`text` with every URL's query string replaced by `?…`: product pages carry session
    and share tokens there (`?token=...&uid=...`), and logs are kept and sent to others."""
    return _QUERY.sub(r"\1?…", text)


class _RedactQueries(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_queries(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_queries(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def log_to(path: Path) -> Path:
    """Send every log record to the owner-only, rotated file `path` (`app_log_file()`,
    `run_log_file()`), and there only, with URLs' query strings redacted. Returns `path`."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = rotating_log(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path
