"""``python -m planner offers`` on the embedded default dataset with the example children files."""
from __future__ import annotations

import json

import pytest

from planner.cli import main


def run(capsys, *argv):
    code = main(["offers", *argv])
    captured = capsys.readouterr()
    return code, captured


@pytest.fixture(scope="module")
def dataset_ready():
    from planner.datasets import load_dataset

    try:
        return load_dataset(None)
    except Exception as error:  # pragma: no cover - building needs the bundled OSM extract
        pytest.skip(f"default dataset not available: {error}")


def test_offers_command_places_children_and_writes_its_file_only_when_asked(dataset_ready, repo_root, tmp_path,
                                                                             capsys):
    target = tmp_path / "daycare.csv"
    code, out = run(capsys, "--children", str(repo_root / "docs/examples/children-small.csv"),
                    "--evaka-csv", str(target), "--lang", "sv")
    assert code == 2 and "--evaka-csv" in out.err and not target.exists()  # a daycare round: no eVaka file
    code, out = run(capsys, "--children", str(repo_root / "docs/examples/children-small.csv"),
                    "--daycare-csv", str(target), "--lang", "sv")
    assert code == 0, out.err
    result = json.loads(out.out)
    for key in ("offers", "unplaced", "occupancy", "objective"):
        assert key in result
    assert {"child_id", "unit_id", "travel_time_s", "reason"} <= set(result["offers"][0])
    assert {"unit_id", "used_seats", "capacity_seats"} <= set(result["occupancy"][0])
    assert len(result["offers"]) + len(result["unplaced"]) == 10
    for row in result["occupancy"]:
        assert row["used_seats"] <= row["capacity_seats"] + 1e-9
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "\ufefflapsen_id;varhaiskasvatusyksikon_id;matka_min;peruste"
    assert len(lines) == 1 + len(result["offers"])
    assert list(tmp_path.iterdir()) == [target]


def test_offers_with_preferences_use_deferred_acceptance(dataset_ready, repo_root, capsys):
    code, out = run(capsys, "--children", str(repo_root / "docs/examples/children-preferences.csv"))
    assert code == 0, out.err
    result = json.loads(out.out)
    assert result["method"] == "deferred-acceptance" and result["justified_envy"] == []


def test_bad_rows_are_reported_and_good_rows_placed(dataset_ready, repo_root, capsys):
    code, out = run(capsys, "--children", str(repo_root / "docs/examples/children-bad-rows.csv"))
    assert code == 0, out.err
    result = json.loads(out.out)
    assert "children row 3 birth_date" in {p["field"] for p in result["problems"]}
    assert len(result["offers"]) + len(result["unplaced"]) == 2


def test_missing_children_file_exits_2(dataset_ready, capsys, tmp_path):
    code, out = run(capsys, "--children", str(tmp_path / "none.csv"))
    assert code == 2 and "children" in out.err


def test_max_minutes_and_seed_reach_the_rules(dataset_ready, repo_root, capsys):
    children = str(repo_root / "docs/examples/children-small.csv")
    code, out = run(capsys, "--children", children)
    assert code == 0 and out.err == ""  # no solver debug lines: stderr only carries our own messages
    default = json.loads(out.out)
    assert default["rules"] == {"max_minutes": 60.0, "seed": 0}
    code, out = run(capsys, "--children", children, "--max-minutes", "3", "--seed", "5")
    assert code == 0 and out.err == ""
    short = json.loads(out.out)
    assert short["rules"] == {"max_minutes": 3.0, "seed": 5}
    assert len(short["offers"]) < len(default["offers"])
    assert all(offer["travel_time_s"] <= 180.0 for offer in short["offers"])
    distance = [row for row in short["unplaced"] if row["rule"] == "distance"]
    assert distance and all("3 min" in row["reason"] for row in distance)


def test_seed_repeats_deferred_acceptance(dataset_ready, repo_root, capsys):
    children = str(repo_root / "docs/examples/children-preferences.csv")
    results = []
    for _ in range(2):
        code, out = run(capsys, "--children", children, "--seed", "11")
        assert code == 0, out.err
        results.append(json.loads(out.out)["offers"])
    assert results[0] == results[1]


@pytest.mark.parametrize("minutes", ["0", "-10"])
def test_bad_max_minutes_exits_2_naming_the_flag(minutes, capsys, tmp_path):
    code, out = run(capsys, "--children", str(tmp_path / "none.csv"), "--max-minutes", minutes)
    assert code == 2 and "--max-minutes" in out.err


def _evaka_files(dataset, tmp_path):
    """eVaka-format files on the loaded dataset: three children at real addresses of its index, its
    first three units as eVaka units (UUIDs, lat/lon columns), one bad row of each kind."""
    entries = [e for e in dataset.addresses.entries if e.housenumber][:3]
    kids = ["lapsen_id;lapsen_sukunimi;lapsen_etunimi;lapsen_syntyma_pvm;lapsen_kieli;lapsen_osoite;postinumero;"
            "toimipaikka;toimintayksikon_id;toimintayksikon_nimi;ominaisuudet"]
    codes = ["150320A345C", "8d3f6a0e-1b2c-4d5e-9f00-000000000001", "8d3f6a0e-1b2c-4d5e-9f00-000000000002"]
    for code, entry in zip(codes, entries):
        kids.append(f"{code};X;Y;15.03.2020;fi;{entry.street} {entry.housenumber};00100;HELSINKI;;;")
    kids.append(f"150320A345X;X;Y;15.03.2020;fi;{entries[0].street} {entries[0].housenumber};00100;HELSINKI;;;")
    units = ["Id;Nimi;Lahiosoite;Postinumero;Postitoimipaikka;Paikkojen_lkm;ominaisuudet;kieli;lat;lon"]
    for k, unit in enumerate(dataset.units[:3]):
        units.append(f"5a6b7c8d-0000-4000-8000-00000000000{k + 1};{unit.name};-;00100;HELSINKI;14;;fi;"
                     f"{unit.lat};{unit.lon}")
    units.append("not-a-uuid;Bad;-;00100;HELSINKI;14;;fi;60.17;24.94")
    (tmp_path / "kids.csv").write_text("\ufeff" + "\n".join(kids) + "\n", encoding="utf-8")
    (tmp_path / "units.csv").write_text("\ufeff" + "\n".join(units) + "\n", encoding="utf-8")
    return tmp_path / "kids.csv", tmp_path / "units.csv"


def test_evaka_round_from_the_command_line(dataset_ready, tmp_path, capsys):
    from planner.placement.evaka import read_evaka_placements

    kids, units = _evaka_files(dataset_ready, tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out = run(capsys, "--evaka-children", str(kids), "--evaka-units", str(units), "--siblings", "hard",
                    "--evaka-csv", str(out_dir / "evaka.csv"), "--report-csv", str(out_dir / "report.csv"),
                    "--report-html", str(out_dir / "report.html"), "--method", "stable", "--lang", "fi")
    assert code == 0, out.err
    result = json.loads(out.out)
    assert result["kind"] == "preschool" and result["rule_set"]["municipality"] == "*"
    fields = {p["field"] for p in result["problems"]}
    assert {"evaka children row 5 lapsen_id", "evaka units row 5 Id"} <= fields
    assert "345C" not in out.out  # the identity code is masked in JSON
    placed = read_evaka_placements((out_dir / "evaka.csv").read_bytes())
    assert len(placed) == len(result["offers"]) >= 1
    assert ("150320A345C" in placed) == any(o["child_id"] == "150320A****" for o in result["offers"])
    assert (out_dir / "report.csv").read_text(encoding="utf-8").startswith("\ufeffKierros")
    assert "<!DOCTYPE html>" in (out_dir / "report.html").read_text(encoding="utf-8")
    assert "345C" not in (out_dir / "report.html").read_text(encoding="utf-8")


def test_evaka_bad_input_exits_2_with_one_line_per_problem(dataset_ready, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("lapsen_id\tlapsen_syntyma_pvm\nx\t1.1.2020\n", encoding="utf-8")
    code, out = run(capsys, "--evaka-children", str(bad))
    assert code == 2 and out.out == ""
    assert len(out.err.strip().splitlines()) == 1 and "separated by ';'" in out.err


def test_decisions_file_keeps_accepted_offers_from_the_command_line(dataset_ready, repo_root, tmp_path, capsys):
    children = str(repo_root / "docs/examples/children-small.csv")
    code, out = run(capsys, "--children", children)
    first = json.loads(out.out)["offers"]
    keep, drop = first[0], first[1]
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("child_id;unit_id;decision;reason\n"
                         f"{keep['child_id']};{keep['unit_id']};accepted;family_accepted\n"
                         f"{drop['child_id']};{drop['unit_id']};rejected;too_far\n"
                         f"x1;{drop['unit_id']};maybe;\n", encoding="utf-8")
    code, out = run(capsys, "--children", children, "--decisions", str(decisions))
    assert code == 0, out.err
    again = json.loads(out.out)
    now = {o["child_id"]: o["unit_id"] for o in again["offers"]}
    assert now[keep["child_id"]] == keep["unit_id"] and now.get(drop["child_id"]) != drop["unit_id"]
    assert "decisions row 4 decision" in {p["field"] for p in again["problems"]}
    assert {c["child_id"]: c["change"] for c in again["changes"]}[keep["child_id"]] == "kept"
