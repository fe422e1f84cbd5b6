"""Logs are rotated at their size limit, so a long-running service never fills the disk."""

import logging

from tracker import locations


def test_a_log_rotates_at_its_limit_and_keeps_a_bounded_number_of_files(tmp_path, monkeypatch):
    monkeypatch.setenv(locations.HOME_ENV, str(tmp_path))
    monkeypatch.setattr(locations, "LOG_MAX_BYTES", 2000)
    handler = locations.rotating_log(locations.run_log_file())
    logger = logging.getLogger("daoshou.test.rotation")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for i in range(2000):
            logger.warning("listing %s: checked, price 12.90 CNY", i)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in locations.log_dir().iterdir())
    assert files == [
        "daoshou-run.log",
        *(f"daoshou-run.log.{n}" for n in range(1, locations.LOG_BACKUPS + 1)),
    ]
    assert all(p.stat().st_size <= 2000 for p in locations.log_dir().iterdir())
    assert "listing 1999:" in (locations.log_dir() / "daoshou-run.log").read_text()
