"""The cart MILP, in modules named for what they own.

- `problem`: the cart as the model sees it (constants per item and offer, deductions);
- `adapter`: builds a `problem.Problem` from a `planner.cart.Cart`;
- `formulation`: `build(problem)`, the whole model (docs/optimiser.md explains it), from
  `slots` (items to offers and order slots, symmetry breaking), `promotions` (order-level
  discounts stage by stage) and `charges` (shipping, subsidies, shopping credit);
- `linear`: linear expressions as dicts; `solver`: a sparse model builder over HiGHS
  (`highspy`) and its result; `solver_child`: HiGHS in a child process killed at the deadline;
- `search`, `improve`, `columns`, `column_thread`: the search state, the local search, and
  column generation with the thread it runs in.

`planner.optimise` drives them and verifies every plan with the cost engine.
"""
