"""The backtest: would the forecaster have helped, on every sale day inside the data?

For every calendar sale on a series' platform whose price was observed, the history is cut
1, 7 and 14 days before, and the forecaster and the baselines (`baselines.py`) each predict
the sale-day price from the same cut. Metrics, per method:

- MAE and MAPE of the point; MASE = MAE / MAE of the last-price baseline on the same cuts
  (below 1 beats "the price stays as it is");
- coverage of the 80% interval (methods with an interval);
- Brier score of the drop probability (P(price falls more than 2%));
- advice: savings of following "wait" as a share of a perfect-foresight buyer's savings
  (who waits exactly when the sale price is lower), and the share of decisions that paid
  more than buying at the cut.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from planner.forecast import baselines
from planner.forecast.baselines import Prediction
from planner.forecast.batch import parallel_map
from planner.forecast.calendar import Calendar, Occurrence
from planner.forecast.forecaster import forecast
from planner.forecast.history import PriceSeries
from planner.forecast.metrics import Row, SourceScore, pooled, score_source, source_of
from planner.forecast.outcomes import DROP_RATIO

CUTS = (1, 7, 14)
MIN_TRAIN_DAYS = 30
OURS = "daoshou"


@dataclass(frozen=True)
class Case:
    """One backtest question: the price of `target` from `series` cut `horizon` days before."""

    series: PriceSeries  # already cut
    target: Occurrence
    horizon: int
    actual: float


@dataclass(frozen=True)
class MethodScore:
    """A method's metrics over every case (None where the method cannot say)."""

    method: str
    cases: int
    mae: float
    mape: float
    mase: float
    coverage_80: float | None
    brier: float | None
    savings_share: float | None
    worse_share: float
    waits: int


@dataclass(frozen=True)
class BacktestReport:
    """The scores per method, overall and per cut, with notes on what was skipped."""

    cases: int
    series: int
    scores: tuple[MethodScore, ...]
    by_horizon: dict[int, tuple[MethodScore, ...]]
    model_share: float  # share of our forecasts made with the model (rest: fallback)
    notes: tuple[str, ...] = field(default=())
    by_source: tuple[SourceScore, ...] = field(default=())  # daoshou per source, then pooled


def build_cases(
    all_series: Mapping[str, PriceSeries], calendar: Calendar, cuts: Sequence[int] = CUTS
) -> list[Case]:
    """Every (series, observed sale day, cut) the data allows."""
    cases = []
    for series in all_series.values():
        for occ in calendar.occurrences(series.platform, series.first_day, series.last_day):
            actual = series.price_on(occ.day, stale_days=1)
            if actual is None:
                continue
            for horizon in cuts:
                cut_day = occ.day - timedelta(days=horizon)
                cut = series.until(cut_day)
                if (
                    not cut.days
                    or cut.history_days < MIN_TRAIN_DAYS
                    or series.price_on(cut_day) is None
                ):
                    continue
                cases.append(Case(cut, occ, horizon, float(actual)))
    return cases


@dataclass(frozen=True)
class Replay:
    """Every case of a backtest with every method's prediction, before scoring."""

    cases: tuple[Case, ...]
    predictions: tuple[dict[str, Prediction], ...]
    used_model: tuple[bool, ...]  # per case: ours used the model (not the fallback)
    notes: tuple[str, ...] = field(default=())

    def only(self, names: Collection[str]) -> Replay:
        """The cases of the series in `names`: a backtest of those series alone."""
        keep = [i for i, case in enumerate(self.cases) if case.series.name in names]
        return Replay(
            tuple(self.cases[i] for i in keep),
            tuple(self.predictions[i] for i in keep),
            tuple(self.used_model[i] for i in keep),
            self.notes,
        )


def run_backtest(
    all_series: Mapping[str, PriceSeries],
    calendar: Calendar,
    cuts: Sequence[int] = CUTS,
    workers: int | None = None,
    use_prophet: bool = True,
) -> BacktestReport:
    """Backtest the forecaster and the baselines on every case of `all_series`."""
    return score_replay(replay(all_series, calendar, cuts, workers, use_prophet), cuts)


def replay(
    all_series: Mapping[str, PriceSeries],
    calendar: Calendar,
    cuts: Sequence[int] = CUTS,
    workers: int | None = None,
    use_prophet: bool = True,
) -> Replay:
    """Every method's prediction for every case, in parallel (the expensive half)."""
    cases = build_cases(all_series, calendar, cuts)
    notes = []
    with_ets = baselines.ets_available()
    if not with_ets:
        notes.append("statsforecast is not installed: the ETS baseline was skipped")
    jobs = [(case, calendar, with_ets, use_prophet) for case in cases]
    made = parallel_map(_predict_case, jobs, workers)
    return Replay(
        tuple(cases),
        tuple(preds for preds, _ in made),
        tuple(used for _, used in made),
        tuple(notes),
    )


def score_replay(replayed: Replay, cuts: Sequence[int] = CUTS) -> BacktestReport:
    """The scores per method, overall and per cut (the cheap half)."""
    cases, predictions = replayed.cases, replayed.predictions
    methods = list(predictions[0]) if predictions else [OURS]
    scores = tuple(_score(m, cases, predictions) for m in methods)
    by_horizon = {}
    for horizon in cuts:
        picked = [i for i, c in enumerate(cases) if c.horizon == horizon]
        sub_cases = [cases[i] for i in picked]
        sub_preds = [predictions[i] for i in picked]
        by_horizon[horizon] = tuple(_score(m, sub_cases, sub_preds) for m in methods)
    return BacktestReport(
        cases=len(cases),
        series=len({c.series.name for c in cases}),
        scores=scores,
        by_horizon=by_horizon,
        model_share=sum(replayed.used_model) / len(cases) if cases else 0.0,
        notes=replayed.notes,
        by_source=per_source(replayed, OURS),
    )


def per_source(replayed: Replay, method: str = OURS) -> tuple[SourceScore, ...]:
    """`method`'s scores per source, then pooled with every source weighted equally."""
    rows: dict[str, list[Row]] = {}
    for case, preds in zip(replayed.cases, replayed.predictions, strict=True):
        pred = preds[method]
        row = (float(case.series.last_price), case.actual, pred.point, pred.lower, pred.upper)
        rows.setdefault(source_of(case.series.name), []).append((*row, pred.wait))
    scores = [score_source(source, found) for source, found in sorted(rows.items())]
    return (*scores, pooled(scores)) if scores else ()


def _predict_case(
    job: tuple[Case, Calendar, bool, bool],
) -> tuple[dict[str, Prediction], bool]:
    """Every method's prediction for one case, and whether ours used the model."""
    case, calendar, with_ets, use_prophet = job
    series, target = case.series, case.target
    ours = forecast(series, target, calendar, use_prophet=use_prophet)
    past = calendar.occurrences(series.platform, end=series.last_day)
    result = {
        OURS: Prediction(
            float(ours.point),
            float(ours.lower),
            float(ours.upper),
            ours.prob_drop,
            wait=ours.advice == "wait",
        ),
        "last_price": baselines.last_price(series),
        "last_year_discount": baselines.last_year_discount(series, target, past),
        "min_90_days": baselines.min_90_days(series),
    }
    if with_ets:
        result["ets"] = baselines.ets(series, target.day)
    return result, ours.method == "model"


def _score(
    method: str, cases: Sequence[Case], predictions: Sequence[dict[str, Prediction]]
) -> MethodScore:
    errors, pct, base_errors = [], [], []
    covered, briers = [], []
    saved = perfect = 0.0
    worse = waits = 0
    for case, preds in zip(cases, predictions, strict=True):
        pred, last = preds[method], float(case.series.last_price)
        errors.append(abs(pred.point - case.actual))
        pct.append(abs(pred.point - case.actual) / case.actual)
        base_errors.append(abs(last - case.actual))
        if pred.lower is not None and pred.upper is not None:
            covered.append(pred.lower <= case.actual <= pred.upper)
        if pred.prob_drop is not None:
            dropped = case.actual < DROP_RATIO * last
            briers.append((pred.prob_drop - float(dropped)) ** 2)
        perfect += max(0.0, last - case.actual)
        if pred.wait:
            waits += 1
            saved += last - case.actual
            worse += case.actual > last
    n = len(cases)
    base_mae = sum(base_errors) / n if n else 0.0
    mae = sum(errors) / n if n else 0.0
    return MethodScore(
        method=method,
        cases=n,
        mae=mae,
        mape=sum(pct) / n if n else 0.0,
        mase=mae / base_mae if base_mae else 1.0,
        coverage_80=sum(covered) / len(covered) if covered else None,
        brier=sum(briers) / len(briers) if briers else None,
        savings_share=saved / perfect if perfect else None,
        worse_share=worse / n if n else 0.0,
        waits=waits,
    )
