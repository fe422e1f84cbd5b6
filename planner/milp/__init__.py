"""The cart MILP, in modules named for what they own.

- `problem`: the cart as the model sees it (constants per item and offer, deductions);
- `adapter`: builds a `problem.Problem` from a `planner.cart.Cart`;
- `formulation`: the variables and constraints (docs/optimiser.md explains them);
- `solver`: a sparse model builder over HiGHS (`highspy`) and its result.

`planner.optimise` drives them and verifies every plan with the cost engine.
"""
