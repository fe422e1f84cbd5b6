"""Linear expressions as `{variable index: coefficient}` dicts, and the arithmetic the
formulation needs on them. Positive terms are binary `x` variables (amounts bought), so
the sum of positive coefficients bounds an expression from above."""

from __future__ import annotations

Expr = dict[int, float]
#: Less than a cent: amounts are whole cents, so `a < t` is `a <= t - EPSILON`.
EPSILON = 0.001
CENT = 0.01
#: Half-up rounding to the cent: `round(x) <= x + HALF_CENT` for an amount in whole cents.
HALF_CENT = 0.005


def upper(expr: Expr) -> float:
    """An upper bound on a linear expression whose positive terms are binary `x` variables."""
    return max(0.0, sum(coef for coef in expr.values() if coef > 0))


def negate(expr: Expr) -> Expr:
    return {var: -coef for var, coef in expr.items()}


def minus(base: Expr, *amounts: int | None) -> Expr:
    """`base - sum(amounts)` as a new linear expression (None amounts are skipped)."""
    result = dict(base)
    for amount in amounts:
        if amount is not None:
            result[amount] = result.get(amount, 0.0) - 1.0
    return result
