"""The simple line file: validation (every problem named) and its GTFS rows, checked by hand."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from planner.plans.model import Headway, LineStop, PlannedLine
from planner.plans.parse import parse_days, parse_line
from planner.plans.transit import add_line, frequency_periods

LINE = {"format": "planner-line", "line_id": "t1", "name": "T1", "mode": "tram", "start_date": "2028-03-01",
        "days": "Mo-Fr", "service": {"first": "06:00", "last": "22:00"},
        "headways": [{"from": "07:00", "to": "09:00", "minutes": 5}, {"from": "15:00", "to": "17:00", "minutes": 6}],
        "stops": [{"name": "A", "lat": 60.17, "lon": 24.94}, {"name": "B", "lat": 60.171, "lon": 24.94, "minutes": 2},
                  {"name": "C", "lat": 60.172, "lon": 24.94, "minutes": 3}]}


def _write(tmp_path, data) -> str:
    path = tmp_path / "line.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_a_good_line_parses(tmp_path):
    line, problems = parse_line(_write(tmp_path, LINE), None)
    assert problems == []
    assert (line.start_date, line.days, line.route_type) == (date(2028, 3, 1), ("mon", "tue", "wed", "thu", "fri"), 0)
    assert (line.service_start_s, line.service_end_s) == (6 * 3600, 22 * 3600)
    assert line.run_minutes() == [0.0, 2.0, 3.0]


def test_every_problem_is_named(tmp_path):
    bad = json.loads(json.dumps(LINE))
    bad.update(mode="zeppelin", start_date="2028-02-30", days="Mo-Xx", colour="red")
    bad["headways"][0].update(minutes=0)
    bad["headways"][1].update({"from": "05:00"})            # before the service starts
    bad["stops"][1].update(lat=95)
    line, problems = parse_line(_write(tmp_path, bad), None)
    assert line is None
    fields = {p.field.split(" ", 2)[-1] for p in problems}
    assert {"mode", "start_date", "days", "colour", "headways[0].minutes", "headways[1]", "stops[1] lat"} <= fields


def test_not_json_and_too_few_stops(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json", encoding="utf-8")
    assert "valid JSON" in parse_line(str(path), None)[1][0].expected
    one = dict(LINE, stops=LINE["stops"][:1])
    assert any(p.field.endswith("stops") for p in parse_line(_write(tmp_path, one), None)[1])


@pytest.mark.parametrize("text, days", [("Mo-Fr", 5), ("Mo-Su", 7), ("Sa,Su", 2), ("Fr-Mo", 4)])
def test_days(text, days):
    assert len(parse_days(text, "days", [])) == days


def test_frequency_periods_fill_the_span_at_the_longest_headway():
    line = PlannedLine("t1", "T1", "tram", date(2028, 3, 1), (LineStop("A", 60.17, 24.94), LineStop("B", 60.171, 24.94, 2)),
                       (Headway(7 * 3600, 9 * 3600, 5), Headway(15 * 3600, 17 * 3600, 6)),
                       service_start_s=6 * 3600, service_end_s=22 * 3600)
    # 06-07 and 09-15 and 17-22 at the longest given headway, 6 min = 360 s
    assert frequency_periods(line) == [(21600, 25200, 360), (25200, 32400, 300), (32400, 54000, 360),
                                       (54000, 61200, 360), (61200, 79200, 360)]


def test_gtfs_rows_by_hand():
    line = PlannedLine("t1", "T1", "tram", date(2028, 3, 1),
                       (LineStop("A", 60.17, 24.94), LineStop("B", 60.171, 24.94, 2), LineStop("C", 60.172, 24.94, 3)),
                       (Headway(7 * 3600, 9 * 3600, 5),), service_start_s=7 * 3600, service_end_s=9 * 3600)
    tables = {"routes.txt": pd.DataFrame({"route_id": ["r"], "route_short_name": ["1"], "route_type": ["0"]}),
              "trips.txt": pd.DataFrame({"route_id": ["r"], "service_id": ["WKD"], "trip_id": ["x"]})}
    add_line(tables, line)
    times = tables["stop_times.txt"]
    outward = times[times["trip_id"] == "plan:t1:0"]["arrival_time"].tolist()
    back = times[times["trip_id"] == "plan:t1:1"]["arrival_time"].tolist()
    assert outward == ["00:00:00", "00:02:00", "00:05:00"]      # A, B (+2), C (+3)
    assert back == ["00:00:00", "00:03:00", "00:05:00"]         # C, B (+3), A (+2)
    cal = tables["calendar.txt"].iloc[0]
    assert (cal["service_id"], cal["monday"], cal["saturday"], cal["start_date"]) == ("plan:t1", "1", "0", "20280301")
    freq = tables["frequencies.txt"]
    assert freq[["start_time", "end_time", "headway_secs"]].drop_duplicates().values.tolist() == [["07:00:00", "09:00:00", "300"]]
    assert tables["routes.txt"]["route_short_name"].tolist() == ["1", "T1"]
