"""The cohort method checked by hand on a small grid (numbers worked out on paper, see each comment).

Grid: cell A (30 children 0–2, 30 aged 3–5, 12 aged 6, 1,000 residents); cell B (6, 9, 0, residents
unknown); new housing H (100 dwellings, 2.0 residents each, completed 2025-06-01). Assumptions: 10 births
per 1,000 residents a year, net migration of children −10 % a year, base date 2025-01-01.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner.plans.model import Housing
from planner.siting.forecast import CohortAssumptions, cohort_forecast, split_ages, step_year

GRID = pd.DataFrame({"lat": [60.170, 60.171], "lon": [24.940, 24.941], "age_0_2": [30.0, 6.0],
                     "age_3_5": [30.0, 9.0], "age_6": [12.0, 0.0], "total": [1000.0, np.nan]})
HOUSING = [Housing("H", 60.172, 24.942, 100, date(2025, 6, 1))]
ASSUME = CohortAssumptions(date(2025, 1, 1), birth_rate_per_1000=10.0, migration_rate=-0.10,
                           persons_per_dwelling=2.0)


@pytest.fixture(scope="module")
def forecast():
    return cohort_forecast(GRID, years=2, assumptions=ASSUME, housing=HOUSING)


def _groups(forecast, year):
    g = forecast.groups(year)
    return [tuple(round(float(v), 5) for v in g.loc[i, ["age_0_2", "age_3_5", "age_6"]]) for i in range(len(g))]


def test_single_years_split_evenly():
    # A: 30/3 = 10 a year for 0–2 and 3–5, 12 at six
    assert split_ages(np.array([30.0]), np.array([30.0]), np.array([12.0]))[0].tolist() == [10, 10, 10, 10, 10, 10, 12]


def test_one_step_by_hand():
    # births 1000 × 10/1000 = 10; every other year of age = the one below × 0.9; the 12 six-year-olds leave
    ages = step_year(np.array([[10.0, 10, 10, 10, 10, 10, 12]]), np.array([1000.0]), 10.0, -0.10)
    assert ages[0].tolist() == pytest.approx([10, 9, 9, 9, 9, 9, 9])


def test_year_0_is_the_grid_and_housing_is_not_yet_built(forecast):
    assert forecast.dates == (date(2025, 1, 1), date(2026, 1, 1), date(2027, 1, 1))
    assert _groups(forecast, 0) == [(30.0, 30.0, 12.0), (6.0, 9.0, 0.0), (0.0, 0.0, 0.0)]


def test_year_1_by_hand(forecast):
    # A: [10, 9, 9 | 9, 9, 9 | 9] → 28, 27, 9
    # B: residents unknown → children 15 / 0.064 = 234.375; births 2.34375; [2,2,2,3,3] × 0.9 = 1.8 ×3, 2.7 ×2
    #    → 0–2: 2.34375 + 1.8 + 1.8 = 5.94375; 3–5: 1.8 + 2.7 + 2.7 = 7.2; 6: 2.7
    # H: moved in (completed 2025-06-01 ≤ 2026-01-01): 200 residents × national shares
    #    0–2: 200 × 0.025 = 5; 3–5: 200 × 0.029 = 5.8; 6: 200 × 0.010 = 2
    assert _groups(forecast, 1) == [(28.0, 27.0, 9.0), (5.94375, 7.2, 2.7), (5.0, 5.8, 2.0)]


def test_year_2_by_hand(forecast):
    # A: births 10; [10, 9, 9, 9, 9, 9] × 0.9 = 9, 8.1, 8.1, 8.1, 8.1, 8.1 → 0–2: 10 + 9 + 8.1 = 27.1;
    #    3–5: 3 × 8.1 = 24.3; 6: 8.1
    # H: births 200 × 10/1000 = 2; ages 5/3 ×3 and 5.8/3 ×3 × 0.9 = 1.5 ×3, 1.74 ×3
    #    → 0–2: 2 + 1.5 + 1.5 = 5; 3–5: 1.5 + 1.74 + 1.74 = 4.98; 6: 1.74
    a, _b, h = _groups(forecast, 2)
    assert a == pytest.approx((27.1, 24.3, 8.1))
    assert h == pytest.approx((5.0, 4.98, 1.74))


def test_between_forecast_dates_grid_is_linear_and_housing_a_step(forecast):
    # 2025-07-02 is 182 of 365 days into the year: A's 0–2 = 30 + (28 − 30) × 182/365
    day = date(2025, 7, 2)
    frame = forecast.on(day)
    assert frame.loc[0, "age_0_2"] == pytest.approx(30 - 2 * 182 / 365)
    assert frame.loc[2, "age_0_2"] == pytest.approx(5.0)        # built on 2025-06-01: there in full
    assert forecast.on(date(2025, 5, 31)).loc[2, "age_0_2"] == 0.0   # not yet built


def test_table_per_area_states_the_assumptions(forecast):
    rows = forecast.table(["north", "south", "north"])
    year1 = {r["area"]: r for r in rows if r["year"] == 1}
    assert year1["north"]["age_0_2"] == pytest.approx(28 + 5)
    assert year1["north"]["from_new_housing"] == pytest.approx(5 + 5.8 + 2)
    assert all(r["estimate"] and "10 per 1,000" in r["assumptions"] and "-10.0 %" in r["assumptions"] for r in rows)


def test_bad_assumptions_name_the_flag():
    from planner.errors import InputError

    with pytest.raises(InputError) as error:
        cohort_forecast(GRID, years=2, assumptions=CohortAssumptions(date(2025, 1, 1), birth_rate_per_1000=-1,
                                                                     migration_rate=2.0))
    assert error.value.fields() == {"--birth-rate", "--migration-rate"}
