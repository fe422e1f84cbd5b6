"""Benchmark the cart optimiser: solve time, optimality gap and saving over the naive plan.

Carts of 10, 30, 100 and 200 items over four platforms (Tmall, JD, Pinduoduo, Douyin) are
generated from a fixed seed, with cross-store thresholds (one capped per order, so orders
may split), tiered shop coupons and shop 满减, platform coupons, an 88VIP discount and
trade-in subsidies on electronics. Each cart is solved twice: for a proven optimum
(gap 0) and within 0.5% of the bound. The baseline, measured in the same run, is pricing
the naive plan (each item at its cheapest offer, one order per platform) with the cost
engine: the ratio says how many naive pricings one optimisation costs.

Run: `.venv/bin/python bench/plan.py [--carts 5] [--sizes 10,30,100,200] [--limit 10]
[--orders 3]`: one table per setting of `max_orders_per_platform`.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from datetime import date
from decimal import Decimal

from planner.cart import (
    Cart,
    EveryOff,
    InstantOff,
    Item,
    Multibuy,
    Offer,
    PercentOff,
    Promotion,
    Threshold,
)
from planner.cost import Pricing, naive_assignment, price
from planner.milp.solver_child import children_cpu, children_peak_rss
from planner.optimise import optimise

TODAY = date(2026, 11, 21)  # the day the generated carts are planned on

PLATFORMS = ("tmall", "jd", "pdd", "douyin")
SHOPS_PER_PLATFORM = 8
DIGITAL = ("phone", "tablet", "watch", "earbuds")


def money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def generate(size: int, seed: int) -> Cart:
    """A random but realistic sale-day cart of `size` items."""
    rng = random.Random(seed)
    items = []
    for index in range(size):
        digital = rng.random() < 0.08
        base = rng.uniform(1500, 7000) if digital else 10 ** rng.uniform(1.3, 2.9)
        platforms = rng.sample(PLATFORMS, rng.randint(2, 4))
        offers = []
        for platform in platforms:
            offers.append(
                Offer(
                    platform=platform,
                    shop=f"{platform}-shop-{rng.randrange(SHOPS_PER_PLATFORM)}",
                    price=money(base * rng.uniform(0.88, 1.12)),
                    cross_store=platform in ("tmall", "jd", "douyin") and rng.random() < 0.85,
                    instant_off=InstantOff("10%", rate=Decimal("0.1"))
                    if rng.random() < 0.1
                    else None,
                    multibuy=Multibuy("2nd-half", 2, Decimal("0.5"))
                    if rng.random() < 0.08
                    else None,
                    subsidy="cn-2025-digital" if digital else None,
                    shipping=Decimal(rng.choice([0, 0, 0, 6, 10])),
                )
            )
        items.append(
            Item(
                id=f"item-{index}",
                name=f"item {index}",
                qty=1 if digital else rng.choice([1, 1, 1, 2, 3]),
                offers=tuple(offers),
                category=rng.choice(DIGITAL) if digital else "household",
            )
        )
    return Cart(now=TODAY, items=tuple(items), promotions=promotions(rng), members=("88vip",))


def promotions(rng: random.Random) -> tuple[Promotion, ...]:
    found: list[Promotion] = [
        EveryOff("tmall", "cross_store", Decimal(300), Decimal(50)),
        EveryOff("jd", "cross_store", Decimal(299), Decimal(30), max_off=Decimal(150)),
        EveryOff("douyin", "cross_store", Decimal(200), Decimal(25)),
        Threshold(
            "pdd",
            "platform",
            ((Decimal(199), Decimal(20)), (Decimal(399), Decimal(45))),
            coupon=True,
        ),
        Threshold("jd", "platform", ((Decimal(999), Decimal(60)),), coupon=True),
        PercentOff("tmall", "platform", Decimal("0.95"), cap=Decimal(100), requires_member="88vip"),
    ]
    for platform in PLATFORMS:
        for shop in range(SHOPS_PER_PLATFORM):
            name = f"{platform}-shop-{shop}"
            if rng.random() < 0.6:
                found.append(
                    Threshold(
                        platform,
                        "shop",
                        ((Decimal(199), Decimal(20)), (Decimal(399), Decimal(50))),
                        shop=name,
                        coupon=True,
                    )
                )
            if rng.random() < 0.3:
                found.append(Threshold(platform, "shop", ((Decimal(299), Decimal(30)),), shop=name))
    return tuple(found)


def run(sizes: list[int], carts: int, limit: float, orders: int) -> None:
    pricing = Pricing.load()
    print(f"at most {orders} order(s) per platform; {carts} carts per size, seed 1..{carts};")
    print("times in seconds (median / max);")
    print("cpu is this process's CPU time and its solver children's: wall time grows when the")
    print("cores are shared, and column generation's thread can make CPU exceed wall time.")
    header = (
        "items",
        "naive price",
        "exact: wall",
        "max",
        "cpu",
        "max",
        "proven",
        "0.5%: wall",
        "max",
        "cpu",
        "max",
        "gap: median",
        "max",
        "saving",
        "ratio",
        "peak RSS",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size in sizes:
        naive_times, exact_times, quick_times, gaps, savings = [], [], [], [], []
        exact_cpu: list[float] = []
        quick_cpu: list[float] = []
        proven = 0
        for seed in range(1, carts + 1):
            cart = generate(size, seed)
            started = time.perf_counter()
            naive = price(cart, naive_assignment(cart, pricing), pricing)
            naive_times.append(time.perf_counter() - started)
            started, cpu = time.perf_counter(), cpu_time()
            exact = optimise(cart, pricing, time_limit=limit, max_orders_per_platform=orders)
            exact_times.append(time.perf_counter() - started)
            exact_cpu.append(cpu_time() - cpu)
            proven += exact.status == "optimal"
            started, cpu = time.perf_counter(), cpu_time()
            quick = optimise(
                cart, pricing, time_limit=limit, gap=0.005, max_orders_per_platform=orders
            )
            quick_times.append(time.perf_counter() - started)
            quick_cpu.append(cpu_time() - cpu)
            gaps.append(float(quick.gap))
            savings.append(float((naive.total - exact.total) / naive.total))
            print(
                f"  {size} items, seed {seed}: exact {exact_times[-1]:.2f} s wall, "
                f"{exact_cpu[-1]:.2f} s cpu, gap {float(exact.gap) * 100:.2f}%; "
                f"0.5%: {quick_times[-1]:.2f} s wall, {quick_cpu[-1]:.2f} s cpu, "
                f"gap {gaps[-1] * 100:.2f}% ({quick.stopped_by})",
                file=sys.stderr,
                flush=True,
            )
        baseline = statistics.median(naive_times)
        row = (
            size,
            f"{baseline * 1000:.1f} ms",
            f"{statistics.median(exact_times):.2f}",
            f"{max(exact_times):.2f}",
            f"{statistics.median(exact_cpu):.2f}",
            f"{max(exact_cpu):.2f}",
            f"{proven}/{carts}",
            f"{statistics.median(quick_times):.2f}",
            f"{max(quick_times):.2f}",
            f"{statistics.median(quick_cpu):.2f}",
            f"{max(quick_cpu):.2f}",
            f"{statistics.median(gaps) * 100:.2f}%",
            f"{max(gaps) * 100:.2f}%",
            f"{statistics.median(savings) * 100:.1f}%",
            f"{statistics.median(exact_times) / baseline:.0f}x",
            f"{peak_rss_mb():.0f} MB",
        )
        print("| " + " | ".join(str(v) for v in row) + " |", flush=True)
    print("ratio: median proven solve time / median naive pricing time (same run).")
    print("gap: the gap to the bound of the 0.5% runs; saving: naive vs the exact run's plan.")
    print("peak RSS: this process's peak so far plus its largest solver child's (sizes run")
    print("smallest first, so the largest's); one line per seed on stderr.")


def cpu_time() -> float:
    """CPU seconds of this process and of the solver children it has finished with."""
    return time.process_time() + children_cpu()


def peak_rss_mb() -> float:
    """The process's peak resident memory plus the largest solver child's, in MB (ru_maxrss
    is KiB on Linux, bytes on macOS): a child runs while this process holds the cart."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + children_peak_rss()
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,30,100,200")
    parser.add_argument("--carts", type=int, default=5)
    parser.add_argument("--limit", type=float, default=10.0, help="time limit per solve")
    parser.add_argument(
        "--orders", default="3", help="orders per platform (3 is the default), one table each"
    )
    args = parser.parse_args()
    for orders in args.orders.split(","):
        run([int(s) for s in args.sizes.split(",")], args.carts, args.limit, int(orders))
        print()


if __name__ == "__main__":
    main()
