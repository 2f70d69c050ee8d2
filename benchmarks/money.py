"""Speed of the money engine on the example families (prints figures; not part of the test run).

    .venv/bin/python benchmarks/money.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.family import load_family
from planner.money import calculate_allowances, calculate_fees, compare_scenarios, fee_timeline
from planner.rules import load_rule_book, rule_book

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def per_call_ms(func, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        func()
    return (time.perf_counter() - start) / repeat * 1000


def main() -> None:
    start = time.perf_counter()
    load_rule_book()
    print(f"load + validate rule tables: {(time.perf_counter() - start) * 1000:.1f} ms")
    rule_book()
    for path in sorted(EXAMPLES.glob("family-*.json")):
        family = load_family(path)
        print(f"{path.name}:")
        print(f"  fees        {per_call_ms(lambda: calculate_fees(family), 200):7.2f} ms/call")
        print(f"  allowances  {per_call_ms(lambda: calculate_allowances(family), 200):7.2f} ms/call")
        print(f"  compare     {per_call_ms(lambda: compare_scenarios(family), 50):7.2f} ms/call")
        print(f"  timeline 24 {per_call_ms(lambda: fee_timeline(family), 20):7.2f} ms/call")


if __name__ == "__main__":
    main()
