"""Evidence before a predicted drop: every effect shrinks toward "no change"."""

import math

from planner.forecast.evidence import Tuning, decide
from planner.forecast.outcomes import Outcome

PRIOR = [(0.0, 0.7), (math.log(0.85), 0.25), (math.log(1.05), 0.05)]
TUNING = Tuning(point_shrink=1.0, prob_shrink=1.0, wait_margin=0.02, min_prob_drop=0.3)


def sales(*ratios: float) -> list[Outcome]:
    return [Outcome(math.log(r), 1.0, f"s{i}") for i, r in enumerate(ratios)]


def test_no_evidence_is_no_pattern_and_no_move():
    decision = decide([], [], PRIOR, TUNING)
    assert decision.advice == "no_pattern"
    assert decision.point_log_ratio == 0.0 and decision.point_basis == "none"


def test_one_drop_among_unchanged_sales_does_not_move_the_point():
    decision = decide(sales(1.0, 1.0, 0.8), [], PRIOR, TUNING)
    assert decision.point_log_ratio == 0.0
    assert decision.advice == "buy" or decision.prob_drop < 0.5


def test_a_listing_whose_sales_keep_dropping_earns_a_wait():
    decision = decide(sales(0.8, 0.75, 0.8, 1.0), [], PRIOR, TUNING)
    assert decision.point_basis == "own" and decision.point_log_ratio < 0
    assert decision.advice == "wait"
    assert 0.5 < decision.prob_drop < 1.0  # shrunk toward the base rate, never certain
    assert decision.net_saving > TUNING.wait_margin


def test_rises_cancel_the_saving():
    decision = decide(sales(0.8, 1.3, 0.8, 1.3), [], PRIOR, TUNING)
    assert decision.advice == "buy"
    assert decision.prob_rise > 0.3


def test_comparables_move_the_point_only_with_enough_weight():
    few = decide([], [Outcome(math.log(0.7), 0.5, "c")], PRIOR, TUNING)
    many = decide([], [Outcome(math.log(0.7), 0.2, "c")] * 10, PRIOR, TUNING)
    assert few.point_log_ratio == 0.0
    assert many.point_basis == "comparable" and many.point_log_ratio < 0


def test_probability_is_shrunk_more_with_a_heavier_prior():
    light = decide(sales(0.8, 0.8), [], PRIOR, Tuning(prob_shrink=0.5))
    heavy = decide(sales(0.8, 0.8), [], PRIOR, Tuning(prob_shrink=4.0))
    assert heavy.prob_drop < light.prob_drop < 1.0
