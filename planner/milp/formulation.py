"""The cart MILP: which option and which order each item takes, and what each order earns.

Variables (see docs/optimiser.md for the full story):

- `x[i, o, k]` binary: item i is bought through option o in order k of o's platform.
  Each item takes exactly one (item, option, order); an optional item takes at most one.
- per order and stage, a group of promotions of which at most one applies: tier binaries
  `z` (满X减Y, best single tier), integer counters `n` for 每满X减Y (`every * n <= base`,
  which linearises `floor(base / every)`), whole cents for percent discounts.
- per held coupon (`coupon = true`, platform coupons) and order slot, its pick; at most
  `uses` slots pick it.
- per subsidised option a quota binary `u` (one item per category per person) and the
  subsidy amount `s <= min(rate x amount, cap)` in whole cents.

A platform gets several order slots only if one of its promotions is limited per order
(a single tier, a cap, a coupon used once); the slots are symmetry-broken so that each
partition of the items has exactly one labelling (orders sorted by their first item).

Where the cost engine's arithmetic is not linear (discount shares allocated in proportion
before a subsidy or a scoped coupon, the zero rule, half-up rounding of percentages), the
model takes the generous side, so its optimum is a lower bound on the true cost; the
optimiser then prices the chosen plan with the engine and cuts it off if they disagree.
"""

from __future__ import annotations

from planner.milp.charges import add_credits, add_shipping, add_subsidies
from planner.milp.problem import Problem
from planner.milp.promotions import add_deductions, count_orders_reaching, limit_coupons
from planner.milp.slots import (
    Formulation,
    add_assignment,
    add_symmetry,
    order_amounts,
    order_slots,
)
from planner.milp.solver import Model

__all__ = ["Formulation", "build", "order_slots"]


def build(problem: Problem) -> Formulation:
    """Build the MILP for `problem`; minimising it gives a lower bound on any plan's cost."""
    form = Formulation(Model(), orders=order_slots(problem))
    add_assignment(problem, form)
    add_symmetry(problem, form)
    orders = order_amounts(problem, form)
    discounts = add_deductions(problem, form, orders)
    limit_coupons(problem, form)
    count_orders_reaching(form)
    fees = add_shipping(problem, form, orders)
    subsidies = add_subsidies(problem, form, discounts)
    add_credits(problem, form, discounts, fees)
    if problem.budget is not None:
        spent = {
            var: float(problem.items[i].options[o].amount) for (i, o, _), var in form.x.items()
        }
        spent.update({taken.var: -1.0 for found in discounts.values() for taken in found})
        spent.update({var: -0.01 for var in subsidies})  # subsidies are counted in cents
        spent.update({var: 1.0 for found in fees.values() for var in found})
        form.model.row(spent, upper=float(problem.budget))
    return form
