"""The 80% interval: the shortest range holding 80% of the outcomes, calibrated on real data."""

import math
from statistics import NormalDist

import pytest

from planner.forecast import forecast
from planner.forecast.backtest import build_cases
from planner.forecast.holdout import source_of
from planner.forecast.outcomes import Mixture, Outcome

Z80 = NormalDist().inv_cdf(0.9)


def mixture(pairs, spread=0.02):
    return Mixture(tuple(Outcome(lr, w, "t") for lr, w in pairs), spread)


def mass_inside(m, lower, upper):
    total = sum(o.weight for o in m.outcomes)
    dists = [(NormalDist(o.log_ratio, m.spread), o.weight / total) for o in m.outcomes]
    return sum(w * (d.cdf(upper) - d.cdf(lower)) for d, w in dists)


def test_one_outcome_gives_its_central_80_percent():
    lower, upper = mixture([(-0.1, 1.0)]).shortest_interval(0.8)
    step = 0.02 / 8
    assert lower == pytest.approx(-0.1 - Z80 * 0.02, abs=step)
    assert upper == pytest.approx(-0.1 + Z80 * 0.02, abs=step)


def test_an_unchanged_atom_at_the_edge_is_not_covered_twice():
    # half the sales left the price alone, the rest were cuts of 20..60%: the equal-tailed
    # interval (10% / 90% quantiles) would span every cut and hold ~90% of outcomes
    m = mixture([(0.0, 0.5)] + [(math.log(1 - c), 0.1) for c in (0.2, 0.3, 0.4, 0.5, 0.6)])
    lower, upper = m.shortest_interval(0.8)
    assert upper > 0.0  # "unchanged" is inside
    assert math.log(0.5) < lower < math.log(0.7)  # the two deepest cuts are not
    assert 0.8 <= mass_inside(m, lower, upper) < 0.82


def test_the_interval_holds_its_mass_and_no_more():
    m = mixture([(0.0, 2.0), (-0.05, 1.0), (-0.3, 1.0), (0.04, 0.5)], spread=0.06)
    lower, upper = m.shortest_interval(0.8)
    assert 0.8 <= mass_inside(m, lower, upper) < 0.81
    assert mass_inside(m, lower + 0.01, upper - 0.01) < 0.8  # nothing shorter would do


def test_coverage_on_the_fixture(calendar, daily):
    """Outcomes alone (no Prophet, to stay fast): inside the 70-90% target on the whole file
    and, on the model path, on each source. The fallback is wide on purpose (a week of
    history says little), so it is held to the whole-file figure only."""
    whole: list[bool] = []
    model: dict[str, list[bool]] = {}
    for case in build_cases(daily, calendar):
        result = forecast(case.series, case.target, calendar, use_prophet=False)
        inside = float(result.lower) <= case.actual <= float(result.upper)
        whole.append(inside)
        if result.method == "model":
            model.setdefault(source_of(case.series.name), []).append(inside)
    assert 0.70 <= sum(whole) / len(whole) <= 0.90
    assert set(model) == {"steam", "shopee"}
    for source, hits in model.items():
        assert 0.70 <= sum(hits) / len(hits) <= 0.90, source
