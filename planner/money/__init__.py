"""Money: ECEC fees, Kela childcare allowances, scenario comparison and the month-by-month timeline.

Pure functions of a validated :class:`planner.family.Family` and the dated rule tables; every result
carries the rule rows it used (``valid_from``, ``valid_to``, ``source``, ``status``).
"""
from __future__ import annotations

from planner.money.allowances import calculate_allowances
from planner.money.compare import compare_scenarios
from planner.money.fees import calculate_fees
from planner.money.timeline import fee_timeline

__all__ = ["calculate_fees", "calculate_allowances", "compare_scenarios", "fee_timeline"]
