"""`daoshou forecast | backtest | import-history`: the forecaster on the command line.

`forecast --csv FILE --until DATE --event DATE --json` is a contract used by checks outside
the test suite: it prints exactly one JSON object (the `Forecast` fields, with money as
decimal strings, plus `fake_discount`) and nothing else on stdout or stderr; Prophet's
and cmdstanpy's chatter is silenced at the logger level by `planner.forecast.quiet`.

The forecaster is imported when a command runs, not when the command line starts (see
bench/cli.py).
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from planner.errors import ForecastError
from tui.cli.output import print_json, print_table
from tui.i18n import columns, current_language, t

if TYPE_CHECKING:
    from planner.forecast import Calendar, Forecast, PriceSeries
    from planner.forecast.fakes import FakeDiscount

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
EventsOption = Annotated[
    Path | None,
    typer.Option("--events", help="A TOML file of your own sale events (see data/events.toml)."),
]


def register(app: typer.Typer) -> None:
    """Add the forecaster's commands to the `daoshou` app."""
    app.command("forecast")(forecast_command)
    app.command("backtest")(backtest_command)
    app.command("import-history")(import_history_command)


def forecast_command(
    listing: Annotated[int | None, typer.Argument(help="A tracked listing's id.")] = None,
    event: Annotated[
        str | None,
        typer.Option(help="The sale: M.D (next one, e.g. 11.11), YYYY-MM-DD, or an event key."),
    ] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="A price-history CSV.")] = None,
    series: Annotated[str | None, typer.Option(help="The series of the CSV to use.")] = None,
    until: Annotated[
        str | None, typer.Option(help="Use only CSV rows dated on or before YYYY-MM-DD.")
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(help="The CSV series' platform (default: its name prefix, else inferred)."),
    ] = None,
    all_listings: Annotated[
        bool, typer.Option("--all", help="Refresh every tracked listing's coming sales.")
    ] = False,
    events: EventsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Forecast a sale-day price: expected price, 80% range, chance of a drop, buy or wait."""
    if all_listings:
        _refresh_all(events, as_json)
        return
    if event is None:
        raise ForecastError(
            "no sale given",
            "add --event 11.11 (or YYYY-MM-DD, or an event key)",
            zh=("没有指定大促", "加上 --event 11.11（或 YYYY-MM-DD，或活动键）"),
        )
    calendar = _calendar(events)
    if csv is not None:
        from planner.forecast import forecast
        from planner.forecast.fakes import detect_fake_discount

        history = _csv_series(csv, series, until, platform, calendar)
        target = calendar.resolve(event, history.platform, history.last_day + timedelta(days=1))
        result = forecast(history, target, calendar)
        fake = detect_fake_discount(history, target)
    elif listing is not None:
        from tracker.checks.forecasts import forecast_listing
        from tracker.store.db import open_engine

        today = datetime.now(UTC).date()
        result, fake = forecast_listing(open_engine(), listing, event, calendar, today)
    else:
        raise ForecastError(
            "nothing to forecast",
            "give a listing id, or --csv FILE",
            zh=("没有要预测的东西", "给出商品链接编号，或 --csv 文件"),
        )
    _print_forecast(result, fake, as_json)


def backtest_command(
    csv: Annotated[Path, typer.Option("--csv", help="A price-history CSV.")],
    series: Annotated[
        list[str] | None, typer.Option(help="Only these series (repeatable).")
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: CPUs).")] = None,
    events: EventsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Replay every sale day in the CSV: the forecaster against simple baselines."""
    from planner.forecast.backtest import run_backtest
    from planner.forecast.history import read_history_csv

    calendar = _calendar(events)
    all_series = read_history_csv(csv, calendar.platforms())
    if series:
        missing = sorted(set(series) - set(all_series))
        if missing:
            raise ForecastError(
                f"{csv} has no series {', '.join(missing)}",
                "check --series",
                zh=(f"{csv} 中没有序列 {', '.join(missing)}", "检查 --series"),
            )
        all_series = {name: all_series[name] for name in series}
    report = run_backtest(all_series, calendar, workers=workers)
    if as_json:
        print_json(report)
        return
    share = f"{report.model_share:.0%}"
    print(t("cli.backtest_head", cases=report.cases, series=report.series, share=share))
    print_table(
        [
            *columns("method", "cases"),
            "MAE",
            "MAPE",
            "MASE",
            *columns("cover80"),
            "Brier",
            *columns("saved", "worse"),
        ],
        [
            [
                s.method,
                s.cases,
                f"{s.mae:.3f}",
                f"{s.mape:.1%}",
                f"{s.mase:.3f}",
                _pct(s.coverage_80),
                _num(s.brier),
                _pct(s.savings_share),
                f"{s.worse_share:.1%}",
            ]
            for s in report.scores
        ],
    )
    print(t("cli.backtest_sources"))
    print_table(
        [
            *columns("source", "cases"),
            "MAE%",
            *columns("last_mae"),
            "MASE",
            *columns("cover80"),
            *columns("saved", "worse", "waits"),
        ],
        [
            [
                s.source,
                s.cases,
                f"{s.mae_pct:.2%}",
                f"{s.last_mae_pct:.2%}",
                f"{s.mase:.3f}",
                _pct(s.coverage),
                _pct(s.saved),
                f"{s.worse:.1%}",
                s.waits,
            ]
            for s in report.by_source
        ],
    )
    for note in report.notes:
        print(t("cli.note", note=note))


def import_history_command(
    file: Annotated[Path, typer.Argument(help="CSV: series,date,price,currency or date,price.")],
    listing: Annotated[
        int | None, typer.Option(help="Import into this listing (else series name = id/URL/SKU).")
    ] = None,
    series: Annotated[str | None, typer.Option(help="Only this series of the file.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Add price history from elsewhere to tracked listings."""
    from tracker.checks.forecasts import import_history
    from tracker.store.db import open_engine

    summary = import_history(open_engine(), file, listing, series)
    if as_json:
        print_json(summary)
        return
    for listing_id, count in sorted(summary.inserted.items()):
        print(t("cli.imported", id=listing_id, count=count))
    if summary.skipped:
        print(t("cli.import_skipped", days=summary.skipped))


def _calendar(events: Path | None) -> Calendar:
    if events is not None:
        from planner.forecast import load_calendar

        return load_calendar(events)
    from tracker.checks.forecasts import user_calendar

    return user_calendar()


def _csv_series(
    csv: Path, name: str | None, until: str | None, platform: str | None, calendar: Calendar
) -> PriceSeries:
    from planner.forecast.history import read_history_csv
    from planner.forecast.inference import infer_platform

    all_series = read_history_csv(csv, calendar.platforms())
    if name is None:
        if len(all_series) != 1:
            raise ForecastError(
                f"{csv} holds {len(all_series)} series",
                "pick one with --series NAME",
                zh=(f"{csv} 含 {len(all_series)} 个序列", "用 --series 名称 选一个"),
            )
        name = next(iter(all_series))
    if name not in all_series:
        raise ForecastError(
            f"{csv} has no series {name!r}",
            "check --series",
            zh=(f"{csv} 中没有序列 {name!r}", "检查 --series"),
        )
    history = all_series[name]
    if until is not None:
        history = history.until(_day(until, "--until"))
        if not history.days:
            raise ForecastError(
                f"{csv}: series {name!r} has no rows on or before {until}",
                "pick a later --until",
                zh=(f"{csv}：序列 {name!r} 在 {until} 及之前没有数据", "选一个更晚的 --until"),
            )
    chosen = platform.lower() if platform else history.platform
    if chosen is None:
        chosen = infer_platform(history, calendar)  # from the rows in use only
    if chosen != history.platform:
        history = replace(history, platform=chosen)
    return history


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ForecastError(
            f"{option} {text!r} is not a date",
            "write YYYY-MM-DD",
            zh=(f"{option} {text!r} 不是日期", "写成 YYYY-MM-DD"),
        ) from exc


def _print_forecast(result: Forecast, fake: FakeDiscount | None, as_json: bool) -> None:
    if as_json:
        document: dict[str, Any] = {**asdict(result), "fake_discount": fake}
        print_json(document)
        return
    cur = result.currency or ""
    zh = current_language() == "zh"  # one language throughout, the one daoshou speaks
    event = (result.event_name_zh or result.event_name) if zh else result.event_name
    method = t(f"cli.forecast_method.{result.method}")
    print(
        t(
            "cli.forecast_head",
            series=result.series,
            event=event,
            date=result.event_date,
            method=method,
        )
    )
    print(
        t(
            "cli.forecast_range",
            point=result.point,
            lower=result.lower,
            upper=result.upper,
            currency=cur,
        )
    )
    chance = f"{result.prob_drop:.0%}"
    print(t("cli.forecast_now", price=result.last_price, currency=cur, chance=chance))
    advice_key = result.advice if result.advice in ("wait", "buy") else "no_pattern"
    advice = t(f"cli.advice.{advice_key}", until=result.wait_until)
    print(t("cli.forecast_advice", advice=advice, saving=result.expected_saving, currency=cur))
    print(f"  {result.explanation_zh if zh else result.explanation}")
    if fake is not None:
        print(f"  ! {fake.explanation_zh if zh else fake.explanation}")


def _refresh_all(events: Path | None, as_json: bool) -> None:
    from tracker.checks.nightly import refresh_forecasts
    from tracker.store.db import open_engine

    summary = refresh_forecasts(open_engine(), _calendar(events), datetime.now(UTC).date())
    if as_json:
        print_json(summary)
        return
    print(t("cli.forecasts_done", made=summary.made, skipped=summary.skipped))
    if summary.parts_passed:
        print(t("cli.forecasts_passed", parts=summary.parts_passed))
    for failure in summary.failed:
        print(t("cli.failed", what=failure))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
