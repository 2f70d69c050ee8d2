"""Transit legs with line names for a ranked unit (planner.itinerary), hand-worked on the small feed of
test_transit.py: bus 11 A0 08:00 -> A1 08:05, walk 200 m (1 m/s) to B0, tram 4 08:09 -> B1 08:12."""
from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.itinerary import unit_itinerary
from planner.network.engine import TravelTimeEngine
from planner.network.gtfs import load_feed
from planner.network.transit import TransitRouter
from tests.unit.network.test_transit import street_graph, write_feed


class Data:
    def __init__(self, router):
        self._router = router

    def transit(self):
        return self._router


@pytest.fixture
def data(tmp_path, make_graph, at):
    router = TransitRouter.from_feed(load_feed(write_feed(tmp_path / "feed", at)),
                                     TravelTimeEngine(street_graph(make_graph)), min_transfer_s=0.0)
    return Data(router)


def result_for(at, *, drop_mode="transit", pick_mode="walk"):
    unit = at(1500, 1500)
    return {"transit": {"date": "2025-03-05", "leave_home": "07:59", "work_start": "09:00", "work_end": "16:00"},
            "home": list(at(0, 0)), "work": {"drop_off": list(at(1500, 1400)), "pick_up": list(at(1500, 1400))},
            "units": [{"unit_id": "u1", "lat": unit[0], "lon": unit[1],
                       "legs": {"drop_off": {"mode": drop_mode, "unit_to_work_s": 100.0},
                                "pick_up": {"mode": pick_mode, "work_to_unit_s": 100.0}}}]}


def test_the_drop_off_trip_is_told_leg_by_leg_with_line_names_and_times(data, at):
    journeys = unit_itinerary(data, result_for(at), "u1", lang="en")
    assert [j["part"] for j in journeys] == ["home_to_unit", "unit_to_work"]   # pick-up by walking: not listed
    home = journeys[0]
    assert (home["depart"], home["arrive"]) == ("07:59", "08:12")
    assert home["lines"] == [
        "Walk 0 min to stop Stop A0",
        "bus 11 at 08:00 from Stop A0 to Stop A1 (arrives 08:05)",
        "Walk 3 min to change at Stop B0",
        "tram 4 at 08:09 from Stop B0 to Stop B1 (arrives 08:12)",
        "Walk 1 min from stop Stop B1",   # a few seconds off the stop: at least 1 min
    ]
    assert [leg["route"] for leg in home["legs"] if leg["kind"] == "ride"] == ["11", "4"]
    # the unit -> work part leaves at work start minus the ranking's 100 s (08:58:20): a 100 m walk
    assert journeys[1]["depart"] == "08:58" and journeys[1]["lines"] == ["Walk 2 min"]


def test_the_legs_speak_finnish_and_swedish(data, at):
    fi = unit_itinerary(data, result_for(at), "u1", lang="fi")[0]["lines"]
    sv = unit_itinerary(data, result_for(at), "u1", lang="sv")[0]["lines"]
    assert fi[1] == "bussi 11 klo 08:00 pysäkiltä Stop A0 pysäkille Stop A1 (perillä 08:05)"
    assert sv[1] == "buss 11 kl. 08:00 från Stop A0 till Stop A1 (framme 08:05)"
    assert fi[0].startswith("Kävele 0 min pysäkille") and sv[-1].startswith("Gå 1 min från hållplatsen")


def test_no_transit_means_no_legs_and_an_unknown_unit_is_named(data, at):
    assert unit_itinerary(data, result_for(at, drop_mode="bike"), "u1") == []
    assert unit_itinerary(data, {**result_for(at), "transit": None}, "u1") == []
    with pytest.raises(InputError) as info:
        unit_itinerary(data, result_for(at), "nope")
    assert info.value.problems[0].field == "unit"
