"""Which units (or candidate sites) a run can use: a place the network of the mode cannot reach is
named and left out of that run, never stopping it. ``Dataset.units`` already leaves out the units the
walking network cannot reach (named by ``Dataset.left_out_units``); this module checks other modes and
candidate sites.

A place is left out when it lies farther than the engine's ``max_snap_m`` from every street of the
mode's main network (the largest strongly connected part): Päiväkoti Suomenlinna on its island, whose
streets are not in the central-Helsinki extract, is the real case. Transit runs use the walking network
(people walk to the stops).
"""
from __future__ import annotations

from typing import Any, Sequence, TypeVar

from planner.i18n import translate

T = TypeVar("T")


def _engine_for(dataset: Any, mode: str) -> Any:
    street_mode = "walk" if mode == "transit" else mode
    return dataset.engine(street_mode)


def split_reachable(engine: Any, items: Sequence[T], *, lang: str = "en", kind: str = "unit",
                    mode: str | None = None) -> tuple[list[T], list[dict[str, Any]]]:
    """``(kept, left_out)``: items (with ``lat``/``lon`` and ``unit_id`` or ``id``) the engine can snap,
    and one record per left-out item: ``id``, ``name``, ``lat``, ``lon``, ``mode``, ``reason`` (text in
    ``lang``)."""
    items = list(items)
    if not items or engine is None or not hasattr(engine, "snap_many"):
        return items, []
    snaps = engine.snap_many([(float(i.lat), float(i.lon)) for i in items], field=f"{kind}s", on_outside="none")
    kept: list[T] = []
    left_out: list[dict[str, Any]] = []
    shown_mode = mode or getattr(engine, "mode", "walk")
    for item, snap in zip(items, snaps):
        if snap is not None:
            kept.append(item)
        else:
            left_out.append(left_out_record(item, kind, shown_mode, getattr(engine, "max_snap_m", 500.0), lang))
    return kept, left_out


def left_out_record(item: Any, kind: str, mode: str, metres: float, lang: str) -> dict[str, Any]:
    """``{"id", "name", "lat", "lon", "mode", "reason"}`` for a place left out of a run."""
    ident = (getattr(item, "unit_id", None) or getattr(item, "candidate_id", None) or getattr(item, "id", None))
    name = getattr(item, "name", None) or ident
    return {"id": ident, "name": name, "lat": float(item.lat), "lon": float(item.lon), "mode": mode,
            "reason": translate(f"data.left_out.{kind}", lang, name=str(name), id=str(ident),
                                metres=f"{metres:.0f}", mode=translate(f"data.mode.{mode}", lang))}


def usable_units(dataset: Any, mode: str, units: Sequence[T] | None = None, *,
                 lang: str = "en") -> tuple[list[T], list[dict[str, Any]]]:
    """The dataset's units (or ``units``) that the ``mode`` network reaches, and the left-out ones (those
    the dataset already leaves out, :meth:`Dataset.left_out_units`, first)."""
    chosen = list(dataset.units if units is None else units)
    kept, left_out = split_reachable(_engine_for(dataset, mode), chosen, lang=lang, kind="unit", mode=mode)
    already = dataset.left_out_units(lang) if hasattr(dataset, "left_out_units") else []
    return kept, already + left_out
