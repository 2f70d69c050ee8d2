"""Demand ahead: children per age group per area for the coming years (a cohort method), and the
occupancy forecast of each unit ("speculated occupancy") over 3, 6 and 12 months and per year.

Cohort method (:func:`cohort_forecast`), one step per year, per demand point (grid cell):

1. **Single years.** The age groups are split evenly into single years of age: 0–2 → three years of
   ``age_0_2 / 3``, 3–5 → three of ``age_3_5 / 3``, 6 → one (ASSUMPTION: even ages within a group).
2. **Ageing and migration.** Next year's children aged ``a`` (1 ≤ a ≤ 6) are this year's aged
   ``a − 1`` × (1 + ``migration_rate``) (the net migration rate of children per year, a stated
   ASSUMPTION; child mortality, about 0.2 % a year, is left out); this year's 6-year-olds leave.
3. **Births.** Next year's 0-year-olds = residents × ``birth_rate_per_1000`` / 1000 (ASSUMPTION:
   :data:`BIRTH_RATE_PER_1000`, Finland's crude birth rate 2023). Residents are the point's ``total``;
   where it is unknown, children / :data:`CHILD_SHARE_OF_RESIDENTS` (an estimate). Residents other than
   the new housing stay constant (ASSUMPTION).
4. **New housing.** From the first forecast date on or after a project's completion its residents
   (``dwellings × persons_per_dwelling``, default :data:`PERSONS_PER_NEW_DWELLING`, an ASSUMPTION) live at
   its point with children by the national age shares (``planner.siting.demand.AGE_SHARES``), then age and
   give births like everyone else.

Forecast dates are the base date and each anniversary of it (year 0 = the dataset's counts, taken as
those of the base date). Between two forecast dates the demand is interpolated linearly.

Occupancy forecast (:func:`occupancy_forecast`): on each horizon date, the units in force that day under
the dataset's plans (planner/plans) serve the forecast demand (coefficient-weighted expected seats, the
participation shares of :mod:`planner.siting.occupancy`); occupancy % = expected seats / capacity. Where
a unit's free seats are known, the forecast is anchored on today's real occupancy — the "speculated
occupancy": used seats now × (stay + (1 − stay) × modelled demand on the date / modelled demand today),
where stay = 1 − years ahead / :data:`YEARS_IN_CARE` is the share of today's children still in care
(ASSUMPTION: children stay in their unit until school).
Every figure carries the basis and the assumptions behind it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from planner.errors import InputError, ProblemCollector
from planner.siting.demand import AGE_COLUMNS, AGE_SHARES
from planner.siting.accessibility import NO_AREA

# ASSUMPTION (not verified against the source table): live births per 1,000 residents per year. Finland
# 2023: about 43,400 live births and 5.6 million residents (Statistics Finland, population changes) ≈ 7.7.
# Local rates differ (central Helsinki is lower, suburbs with families higher): give yours.
BIRTH_RATE_PER_1000 = 7.7
# ASSUMPTION: net migration of children per year, as a share (−0.03 = 3 % more children move out than in).
# No local figure is built in; 0 means "no net migration". Give your municipality's rate.
MIGRATION_RATE = 0.0
# ASSUMPTION: residents per new dwelling (the average household in Helsinki is about 1.8 persons; new
# family-size flats house more). Each housing row may give its own ``persons_per_dwelling``.
PERSONS_PER_NEW_DWELLING = 2.0
CHILD_SHARE_OF_RESIDENTS = sum(AGE_SHARES.values())     # 0–6-year-olds per resident (national, assumed)
AGES = tuple(range(7))                                   # single years of age 0..6
HORIZON_MONTHS: tuple[int, ...] = (3, 6, 12)
# Below this many modelled seats today the anchored ratio (seats used now × modelled change) is too
# unstable to use: the modelled figure is shown instead.
MIN_ANCHOR_SEATS = 5.0
# ASSUMPTION: children in ECEC stay in their unit until preschool ends (about 5 years in care, so a
# fifth of today's children leave each year); the seats they free follow the modelled demand.
YEARS_IN_CARE = 5.0


@dataclass(frozen=True)
class CohortAssumptions:
    """The stated assumptions of a forecast (shown next to every figure)."""

    base_date: date
    birth_rate_per_1000: float = BIRTH_RATE_PER_1000
    migration_rate: float = MIGRATION_RATE
    persons_per_dwelling: float = PERSONS_PER_NEW_DWELLING

    def validate(self) -> "CohortAssumptions":
        problems = ProblemCollector()
        if not (isinstance(self.birth_rate_per_1000, (int, float)) and 0 <= self.birth_rate_per_1000 <= 40):
            problems.add("--birth-rate", self.birth_rate_per_1000, "births per 1,000 residents a year, 0..40")
        if not (isinstance(self.migration_rate, (int, float)) and -0.5 <= self.migration_rate <= 0.5):
            problems.add("--migration-rate", self.migration_rate,
                         "a net migration rate per year between -0.5 and 0.5 (e.g. -0.03 for 3 % out)")
        if not (isinstance(self.persons_per_dwelling, (int, float)) and 0.5 <= self.persons_per_dwelling <= 8):
            problems.add("--persons-per-dwelling", self.persons_per_dwelling, "residents per new dwelling, 0.5..8")
        problems.raise_if_any()
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"base_date": self.base_date.isoformat(), "birth_rate_per_1000": self.birth_rate_per_1000,
                "migration_rate": self.migration_rate, "persons_per_dwelling": self.persons_per_dwelling,
                "ages_even_within_groups": True, "other_residents_constant": True,
                "child_mortality_ignored": True}

    def text(self, lang: str = "en") -> str:
        """One line stating the assumptions in ``lang`` (the JSON has them as fields too)."""
        from planner.i18n import translate

        def number(value: str) -> str:
            return value.replace(".", ",") if lang in ("fi", "sv") else value

        return translate("plans.forecast.assumptions", lang, date=self.base_date.isoformat(),
                         births=number(f"{self.birth_rate_per_1000:g}"),
                         migration=number(f"{self.migration_rate * 100:+.1f}"),
                         persons=number(f"{self.persons_per_dwelling:g}"))


@dataclass(frozen=True)
class CohortForecast:
    """Children by single year of age per point and forecast date.

    ``ages``: array (n_dates, n_points, 7); ``residents``: (n_dates, n_points); ``dates``: the base date
    and its anniversaries; ``points``: lat, lon (+ ``kind`` "grid" / "housing" and ``housing_id``).
    """

    dates: tuple[date, ...]
    points: pd.DataFrame
    ages: np.ndarray
    residents: np.ndarray
    assumptions: CohortAssumptions
    estimated_residents: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def groups(self, index: int) -> pd.DataFrame:
        """Demand frame (lat, lon, age_0_2, age_3_5, age_6, total, estimated) of forecast date ``index``."""
        return self._frame(self.ages[index], self.residents[index])

    def on(self, day: date) -> pd.DataFrame:
        """The demand frame on ``day``, interpolated linearly between forecast dates (clamped at the ends)."""
        ordinals = np.array([d.toordinal() for d in self.dates], dtype=float)
        t = float(np.clip(day.toordinal(), ordinals[0], ordinals[-1]))
        k = int(np.searchsorted(ordinals, t, side="right") - 1)
        k = min(k, len(self.dates) - 2) if len(self.dates) > 1 else 0
        if len(self.dates) == 1:
            return self.groups(0)
        w = (t - ordinals[k]) / (ordinals[k + 1] - ordinals[k])
        ages = self.ages[k] * (1 - w) + self.ages[k + 1] * w
        residents = self.residents[k] * (1 - w) + self.residents[k + 1] * w
        # new housing is a step, not a ramp: nobody before completion, then the next forecast's people
        for i in np.flatnonzero(self.points["kind"].to_numpy() == "housing"):
            completes = self.points.at[i, "completes"]
            if day < completes:
                ages[i], residents[i] = 0.0, 0.0
            elif self.residents[k][i] == 0:
                ages[i], residents[i] = self.ages[k + 1][i], self.residents[k + 1][i]
        return self._frame(ages, residents)

    def _frame(self, ages: np.ndarray, residents: np.ndarray) -> pd.DataFrame:
        frame = self.points[["lat", "lon"]].copy()
        frame["age_0_2"] = ages[:, 0:3].sum(axis=1)
        frame["age_3_5"] = ages[:, 3:6].sum(axis=1)
        frame["age_6"] = ages[:, 6]
        frame["total"] = residents
        frame["estimated"] = True
        frame["source"] = self.assumptions.text()
        return frame

    def table(self, areas: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Children per age group per area (``areas``: a label per point; None = one area "all") and date."""
        labels = pd.Series(list(areas) if areas is not None else ["all"] * len(self.points), dtype=object)
        labels = labels.fillna(NO_AREA).astype(str).to_numpy()
        housing = (self.points["kind"] == "housing").to_numpy() if "kind" in self.points else \
            np.zeros(len(self.points), dtype=bool)
        rows = []
        for i, day in enumerate(self.dates):
            g = self.groups(i)
            for label in sorted(set(labels)):
                mask = labels == label
                rows.append({"date": day.isoformat(), "year": i, "area": label,
                             "age_0_2": round(float(g["age_0_2"][mask].sum()), 2),
                             "age_3_5": round(float(g["age_3_5"][mask].sum()), 2),
                             "age_6": round(float(g["age_6"][mask].sum()), 2),
                             "from_new_housing": round(float(self.ages[i][mask & housing].sum()), 2),
                             "estimate": True, "assumptions": self.assumptions.text()})
        return rows


def split_ages(age_0_2: np.ndarray, age_3_5: np.ndarray, age_6: np.ndarray) -> np.ndarray:
    """(n, 7) children by single year of age, the groups split evenly (ASSUMPTION)."""
    a = np.zeros((len(age_0_2), 7))
    a[:, 0:3] = (np.asarray(age_0_2, float) / 3.0)[:, None]
    a[:, 3:6] = (np.asarray(age_3_5, float) / 3.0)[:, None]
    a[:, 6] = np.asarray(age_6, float)
    return a


def step_year(ages: np.ndarray, residents: np.ndarray, birth_rate_per_1000: float,
              migration_rate: float) -> np.ndarray:
    """One year on: births at age 0, everyone else one year older × (1 + migration); 6-year-olds leave."""
    out = np.empty_like(ages)
    out[:, 0] = residents * birth_rate_per_1000 / 1000.0
    out[:, 1:] = ages[:, :-1] * (1.0 + migration_rate)
    return out


def _anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cohort_forecast(demand: pd.DataFrame, *, years: int = 5, assumptions: CohortAssumptions,
                    housing: Iterable[Any] = ()) -> CohortForecast:
    """Children by age per point for the base date and ``years`` anniversaries (module docstring)."""
    assumptions = assumptions.validate()
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 20:
        raise InputError.single("--years", years, "a whole number of years, 1..20")
    housing = sorted(housing, key=lambda h: (h.completes, h.housing_id))
    grid = demand.reset_index(drop=True)
    n_grid = len(grid)
    children = grid[list(AGE_COLUMNS)].sum(axis=1).to_numpy(float)
    total = pd.to_numeric(grid["total"], errors="coerce").to_numpy(float) if "total" in grid else \
        np.full(n_grid, np.nan)
    estimated_residents = ~np.isfinite(total)
    total = np.where(np.isfinite(total), total, children / CHILD_SHARE_OF_RESIDENTS)
    points = pd.DataFrame({"lat": grid["lat"].to_numpy(float), "lon": grid["lon"].to_numpy(float),
                           "kind": "grid", "housing_id": None, "completes": None})
    if housing:
        points = pd.concat([points, pd.DataFrame({"lat": [h.lat for h in housing], "lon": [h.lon for h in housing],
                                                  "kind": "housing",
                                                  "housing_id": [h.housing_id for h in housing],
                                                  "completes": [h.completes for h in housing]})],
                           ignore_index=True)
    n = len(points)
    ages = np.zeros((n, 7))
    ages[:n_grid] = split_ages(grid["age_0_2"].to_numpy(float), grid["age_3_5"].to_numpy(float),
                               grid["age_6"].to_numpy(float))
    residents = np.zeros(n)
    residents[:n_grid] = total
    dates = tuple(_anniversary(assumptions.base_date, k) for k in range(years + 1))
    moved_in = np.zeros(len(housing), dtype=bool)
    shares = np.array([AGE_SHARES["age_0_2"] / 3] * 3 + [AGE_SHARES["age_3_5"] / 3] * 3 + [AGE_SHARES["age_6"]])

    def move_in(day: date) -> None:
        for j, h in enumerate(housing):
            if not moved_in[j] and h.completes <= day:
                people = h.dwellings * (h.persons_per_dwelling or assumptions.persons_per_dwelling)
                residents[n_grid + j] = people
                ages[n_grid + j] = people * shares
                moved_in[j] = True

    move_in(dates[0])
    all_ages, all_residents = [ages.copy()], [residents.copy()]
    for k in range(1, years + 1):
        ages = step_year(ages, residents, assumptions.birth_rate_per_1000, assumptions.migration_rate)
        move_in(dates[k])
        all_ages.append(ages.copy())
        all_residents.append(residents.copy())
    return CohortForecast(dates=dates, points=points, ages=np.array(all_ages), residents=np.array(all_residents),
                          assumptions=assumptions,
                          estimated_residents=np.concatenate([estimated_residents, np.zeros(len(housing), bool)]))


# --------------------------------------------------------------------------- occupancy forecast
def horizon_dates(base: date, forecast: CohortForecast) -> list[tuple[str, date]]:
    """(label, date): +3, +6 and +12 months, then each forecast year."""
    out = []
    for months in HORIZON_MONTHS:
        month = base.month - 1 + months
        year, month = base.year + month // 12, month % 12 + 1
        day = min(base.day, 28)
        out.append((f"+{months} months", date(year, month, day)))
    for k, day in enumerate(forecast.dates[1:], start=1):
        if k > 1:
            out.append((f"year {k}", day))
    return out


def occupancy_forecast(dataset: Any, *, base_date: date | None = None, years: int = 5,
                       assumptions: CohortAssumptions | None = None, mode: str = "walk",
                       assignment: str = "nearest", max_minutes: float = 10.0,
                       participation: Sequence[float] | None = None,
                       horizons: Sequence[tuple[str, date]] | None = None, plans: Any = None,
                       lang: str = "en") -> dict[str, Any]:
    """The cohort forecast per area and the occupancy forecast per unit (module docstring); JSON-ready.

    ``horizons``: (label, date) pairs instead of +3, +6, +12 months and each year (today is always first).
    ``plans``: the plan layers to use (default: the dataset's own, :func:`planner.plans.load_plans`).
    """
    from planner.errors import DataError
    from planner.plans.commands import working_day
    from planner.plans.store import dataset_on, load_plans, units_in_reach
    from planner.siting.occupancy import is_assumed_participation, validate_participation
    from planner.siting.scenario import SitingInputs, TravelTimes, evaluate

    base_date = base_date or date.today()
    assumptions = assumptions or CohortAssumptions(base_date)
    plans = load_plans(dataset) if plans is None else plans
    demand = dataset.demand
    if demand is None or len(demand) == 0:
        raise DataError(f"dataset {dataset.name} has no demand (children per area); build it with --population")
    forecast = cohort_forecast(demand, years=years, assumptions=assumptions, housing=plans.housing)
    rates = validate_participation(participation, "--participation")
    points = forecast.points[["lat", "lon"]].to_numpy(float)
    catchments = dataset_on(dataset, base_date, plans).catchments if plans else dataset.catchments
    areas = catchments.units_for(points) if hasattr(catchments, "units_for") else \
        [catchments.unit_for(lat, lon) for lat, lon in points]
    times: dict[str, TravelTimes] = {}
    rows: dict[str, dict[str, Any]] = {}
    today_seats: dict[str, float] = {}
    horizons = [("today", base_date), *(horizons if horizons is not None else horizon_dates(base_date, forecast))]
    basis_model = "modelled: expected seats of the children served / capacity"
    basis_anchor = ("anchored: seats used now (capacity − free seats); children in care stay until school "
                    f"(1/{YEARS_IN_CARE:g} leave a year), freed seats follow the change of the modelled demand")
    views = [(label, day, dataset_on(dataset, day, plans)) for label, day in horizons]
    left_out: set[str] = set()
    for _label, _day, view in views:
        for unit in view.units:
            rows.setdefault(unit.unit_id, {"unit_id": unit.unit_id, "name": unit.name, "demo": unit.demo,
                                           "capacity_estimated": unit.capacity_estimated, "horizons": []})
    for label, day, view in views:
        if mode not in times:
            if mode == "transit":
                from datetime import datetime, time

                router = view.transit()
                times[mode] = TravelTimes.from_transit(router, points, datetime.combine(working_day(day), time(8)))
            else:
                times[mode] = TravelTimes.from_engine(dataset.engine(mode), points)
        inputs = SitingInputs(demand=forecast.on(day), times=times, participation=rates, estimated=True)
        units, outside = units_in_reach(dataset, list(view.units), mode)
        left_out.update(outside)
        evaluation = evaluate(inputs, units, mode, max_minutes, assignment)
        found = {record["unit_id"]: record for record in evaluation.units.to_dict("records")}
        for unit_id, row in rows.items():
            if unit_id not in found:
                kind = "outside" if unit_id in outside else "closed"
                basis = "outside the travel network: not forecast" if unit_id in outside else \
                    "not open on this date (plans)"
                row["horizons"].append({"horizon": label, "date": day.isoformat(), "open": unit_id in outside,
                                        "expected_seats": None, "capacity_seats": None, "occupancy_percent": None,
                                        "estimate": True, "basis": basis, "basis_kind": kind})
                continue
            unit = view.units_by_id[unit_id]
            seats = float(found[unit_id]["demand_seats"])
            if label == "today":
                today_seats[unit_id] = seats
            capacity = unit.seats
            basis, used, kind = basis_model, seats, "modelled"
            if unit.free_seats is not None and capacity and today_seats.get(unit_id, 0) >= MIN_ANCHOR_SEATS:
                years_on = max(0.0, (day - base_date).days / 365.25)
                stay = max(0.0, 1.0 - years_on / YEARS_IN_CARE)
                used = (capacity - unit.free_seats) * (stay + (1.0 - stay) * seats / today_seats[unit_id])
                basis, kind = basis_anchor, "anchored"
            percent = round(100.0 * used / capacity, 1) if capacity else None
            row["horizons"].append({"horizon": label, "date": day.isoformat(), "open": True,
                                    "expected_seats": round(used, 2), "capacity_seats": capacity,
                                    "occupancy_percent": percent, "estimate": True, "basis": basis,
                                    "basis_kind": kind})
    from planner.i18n import translate

    participation_text = translate("plans.forecast.participation", lang, p0=round(rates[0] * 100),
                                   p1=round(rates[1] * 100), p2=round(rates[2] * 100))
    if is_assumed_participation(rates):
        participation_text += f" ({translate('plans.forecast.assumed', lang)})"
    return {
        "dataset": dataset.name, "base_date": base_date.isoformat(), "years": years, "mode": mode,
        "assignment": assignment, "example": plans.example,
        "assumptions": {**assumptions.to_dict(), "participation": list(rates),
                        "participation_assumed": is_assumed_participation(rates),
                        "demand_estimated": bool(demand.get("estimated", pd.Series([True])).astype(bool).any()),
                        "text": f"{assumptions.text(lang)}; {participation_text}; "
                                f"{translate(f'plans.forecast.served.{assignment}', lang)}"},
        "demand": forecast.table(areas),
        "housing": [h.to_dict() for h in plans.housing],
        "units_left_out": sorted(left_out),
        "occupancy": list(rows.values()),
    }


def forecast_command(args: Any) -> dict[str, Any]:
    """Handler of ``python -m planner forecast``."""
    from planner.datasets import load_dataset
    from planner.plans.commands import parse_day
    from planner.siting.occupancy import parse_participation

    base = parse_day(getattr(args, "base_date", None), "--base-date", date.today())
    assumptions = CohortAssumptions(base, birth_rate_per_1000=args.birth_rate, migration_rate=args.migration_rate,
                                    persons_per_dwelling=args.persons_per_dwelling).validate()
    participation = parse_participation(getattr(args, "participation", None), "--participation")
    dataset = load_dataset(getattr(args, "dataset", None))
    return occupancy_forecast(dataset, base_date=base, years=args.years, assumptions=assumptions, mode=args.mode,
                              assignment=args.assignment, max_minutes=float(args.max_minutes),
                              participation=participation, lang=getattr(args, "lang", "en") or "en")
