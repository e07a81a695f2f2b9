"""Residents (encryption, masking, who sees whom, deletion), grids and coverage, supplies and the
minimum list, shelters, teams with trained members, risk assessments and the map, on both
stores."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from kg.community import mapdata, profile, registers, residents
from kg.community.model import CommunityInvalid, CommunityNotAllowed, CommunityNotFound
from kg.exchange import export_graph
from tests.community.fixtures import NOW, cipher, png, viewer

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"


def setup_people(store):
    grid = profile.save_grid(store, "community.a", {"name": "第一网格", "households": 300, "area_km2": 0.2})
    helper = profile.save_person(store, "community.a", {"name": "李帮扶", "role": "volunteer", "account": "helper",
                                                        "grid": grid})
    other = profile.save_person(store, "community.a", {"name": "赵志愿", "role": "volunteer"})
    return grid, helper, other


def add_resident(store, helpers, name="王秀英", **extra):
    fields = {"name": name, "categories": ["elderly_alone"], "needs": ["transfer", "medication"], "phone": PHONE,
              "id_number": ID_NUMBER, "health_notes": "高血压，每日服药", "address": "3号楼101", "card_given": "是",
              "helpers": helpers, **extra}
    return residents.save_resident(store, cipher(), viewer(store, "editor-a"), "community.a", fields)


def test_residents_are_encrypted_masked_and_shown_only_to_editors_and_their_helpers(world):
    store = world["store"]
    _, helper, other = setup_people(store)
    mine = add_resident(store, [helper])
    theirs = add_resident(store, [other], name="张建国")
    unpaired = add_resident(store, [], name="刘芳")
    out = io.StringIO()
    export_graph(store, out)
    dump = out.getvalue()
    assert PHONE not in dump and ID_NUMBER not in dump and "高血压" not in dump and "fernet:" in dump
    listed = residents.list_residents(store, cipher(), viewer(store, "editor-a"), "community.a")
    assert {r["id"] for r in listed} == {mine, theirs, unpaired}
    row = next(r for r in listed if r["id"] == mine)
    assert row["name"] == "王**" and row["phone"] == "138****5678"
    helped = residents.list_residents(store, cipher(), viewer(store, "helper"), "community.a")
    assert [r["id"] for r in helped] == [mine]
    full = residents.get_resident(store, cipher(), viewer(store, "helper"), "community.a", mine)
    assert (full["phone"], full["id_number"], full["name"]) == (PHONE, ID_NUMBER, "王秀英")
    with pytest.raises(CommunityNotFound):
        residents.get_resident(store, cipher(), viewer(store, "helper"), "community.a", theirs)
    for username in ("editor-b", "street", "boss", "other-trainee"):
        with pytest.raises(CommunityNotAllowed):
            residents.list_residents(store, cipher(), viewer(store, username), "community.a")
    with pytest.raises(CommunityNotAllowed):
        residents.export_csv(store, cipher(), viewer(store, "helper"), "community.a")
    csv_text = residents.export_csv(store, cipher(), viewer(store, "editor-a"), "community.a")
    assert PHONE in csv_text and csv_text.count("\n") == 4
    assert residents.pairing_completeness(store, "community.a") == {
        "residents": 3, "paired": 2, "unpaired": 1, "carded": 3, "paired_share": 0.6667, "carded_share": 1.0}
    residents.delete_resident(store, viewer(store, "editor-a"), "community.a", mine)
    assert store.get_node(mine) is None
    out = io.StringIO()
    export_graph(store, out)
    assert mine not in out.getvalue()


def test_resident_input_is_checked(world):
    store = world["store"]
    _, helper, _ = setup_people(store)
    before = store.counts()["labels"]
    for bad, message in (({"id_number": "110105194912310021"}, "校验位"), ({"phone": "abc"}, "电话"),
                         ({"categories": ["rich"]}, "categories"), ({"helpers": ["person.a.nobody"]}, "helpers"),
                         ({"name": ""}, "name"), ({"x": 5, "y": 5}, "底图")):
        with pytest.raises(CommunityInvalid, match=message):
            add_resident(store, **{"helpers": [helper], **bad})
    with pytest.raises(CommunityNotAllowed):
        residents.save_resident(store, cipher(), viewer(store, "helper"), "community.a", {"name": "x"})
    assert store.counts()["labels"] == before


def test_grid_coverage(world):
    store = world["store"]
    profile.update_profile(store, "community.a", {"population": 2000, "households": 600, "area_km2": 0.5,
                                                  "town": "某街道"})
    assert profile.grid_coverage(store, "community.a").share == 0.0
    setup_people(store)
    cover = profile.grid_coverage(store, "community.a")
    assert (cover.grids, cover.covered_households, cover.share, cover.basis) == (1, 300, 0.5, "households")
    profile.save_grid(store, "community.a", {"name": "第二网格", "households": 400})
    assert profile.grid_coverage(store, "community.a").share == 1.0
    with pytest.raises(CommunityInvalid, match="households"):
        profile.update_profile(store, "community.a", {"households": "many"})


def test_supplies_minimum_list_and_expiry(world):
    store = world["store"]
    proposal = registers.minimum_proposal(store)
    kinds = [p["kind"] for p in proposal]
    assert "fire-extinguisher" in kinds and "drinking-water" in kinds and "other" not in kinds
    assert all(p["min_quantity"] == 1 for p in proposal)
    registers.set_minimum(store, "community.a", [{"kind": "fire-extinguisher", "min_quantity": 10},
                                                 {"kind": "drinking-water", "min_quantity": 20}])
    registers.save_supply(store, "community.a", {"kind": "fire-extinguisher", "quantity": 6, "expires_on": "2027-01-01"})
    registers.save_supply(store, "community.a", {"kind": "drinking-water", "quantity": 30, "expires_on": "2026-06-20"})
    registers.save_supply(store, "community.a", {"kind": "drinking-water", "quantity": 5, "expires_on": "2026-05-01"})
    summary = registers.supplies_against_minimum(store, "community.a", date(2026, 6, 1))
    assert [(m["kind"], m["missing"]) for m in summary["missing"]] == [("fire-extinguisher", 4)]
    assert [i["expires_on"] for i in summary["expiring"]] == ["2026-06-20"]
    assert [i["expires_on"] for i in summary["expired"]] == ["2026-05-01"]
    with pytest.raises(CommunityInvalid, match="kind"):
        registers.save_supply(store, "community.a", {"kind": "gold", "quantity": 1})
    with pytest.raises(CommunityInvalid, match="expires_on"):
        registers.save_supply(store, "community.a", {"kind": "radio", "quantity": 1, "expires_on": "next year"})


def test_shelters_teams_and_risk_assessments(world):
    store = world["store"]
    _, helper, other = setup_people(store)
    shelter = registers.save_shelter(store, "community.a", {"name": "社区广场", "capacity": 500, "manager": "王主任"})
    assert store.get_node(shelter)["properties"]["kind_name"] == "应急避难场所"
    with pytest.raises(CommunityInvalid, match="设施"):
        registers.save_shelter(store, "community.a", {"name": "x", "kind": "hazard.fire"})
    team = registers.save_team(store, "community.a", {"name": "社区应急救援队", "kind": "rescue",
                                                      "members": [helper, other]})
    store.upsert_nodes("Certificate", [{"id": "certificate.helper", "properties": {
        "course": "course.core", "user": "user.helper", "issued_at": "2025-01-01", "expires_at": "2028-01-01",
        "code": "TEST-0001"}}])
    store.upsert_relationships([{"type": "HOLDS", "start": "user.helper", "end": "certificate.helper"}])
    teams = registers.teams_with_trained_members(store, "community.a", date(2026, 6, 1))
    assert teams[0]["id"] == team and teams[0]["trained"] == 1 and len(teams[0]["members"]) == 2
    with pytest.raises(CommunityInvalid, match="assessed_on"):
        registers.save_risk_assessment(store, "community.a", {"assessed_on": "2026-07-01"},
                                       [{"hazard": "hazard.rainstorm", "likelihood": 3, "consequence": 4}],
                                       today=date(2026, 6, 1))
    assert registers.latest_risk_assessment(store, "community.a", date(2026, 6, 1))["late"] is True
    registers.save_risk_assessment(store, "community.a", {"assessed_on": "2025-11-01"},
                                   [{"hazard": "hazard.rainstorm", "likelihood": 4, "consequence": 4},
                                    {"hazard": "hazard.fire", "likelihood": 1, "consequence": 2}], today=date(2026, 6, 1))
    latest = registers.latest_risk_assessment(store, "community.a", date(2026, 6, 1))
    assert (latest["assessed_on"], latest["next_due"], latest["late"]) == ("2025-11-01", "2026-05-01", True)
    coverage = registers.plan_coverage(store, "community.a", date(2026, 6, 1))
    assert [(c["hazard"], c["level"], [p["id"] for p in c["plans"]]) for c in coverage] == [
        ("hazard.rainstorm", "high", ["plan.flood"])]


def test_the_map_keeps_points_on_the_base_image(world):
    store = world["store"]
    with pytest.raises(CommunityInvalid, match="底图"):
        mapdata.save_feature(store, "community.a", {"kind": "assembly_point", "name": "集合点", "coords": "10,10"})
    base = mapdata.set_base_map(store, "community.a", png(400, 300), data_dir=world["data_dir"],
                                max_bytes=10 ** 6, now=NOW)
    assert (base["width"], base["height"]) == (400, 300)
    route = mapdata.save_feature(store, "community.a", {"kind": "evacuation_route", "name": "东侧疏散路线",
                                                        "coords": "10,10,200,150,390,290"})
    with pytest.raises(CommunityInvalid, match="图之外"):
        mapdata.save_feature(store, "community.a", {"kind": "assembly_point", "name": "x", "coords": "401,10"})
    with pytest.raises(CommunityInvalid, match="2"):
        mapdata.save_feature(store, "community.a", {"kind": "evacuation_route", "name": "x", "coords": "1,1"})
    with pytest.raises(CommunityInvalid, match="图外"):
        mapdata.set_base_map(store, "community.a", png(100, 100), data_dir=world["data_dir"], max_bytes=10 ** 6, now=NOW)
    with pytest.raises(CommunityInvalid, match="图片"):
        mapdata.set_base_map(store, "community.a", b"<svg/>", data_dir=world["data_dir"], max_bytes=10 ** 6, now=NOW)
    _, helper, _ = setup_people(store)
    add_resident(store, [helper], x=20, y=30)
    from kg.access import Access

    data = mapdata.map_data(store, Access(store, viewer(store, "street")), "community.a", cipher=cipher())
    assert data["features"][0]["id"] == route and data["residents"] == []
    data = mapdata.map_data(store, Access(store, viewer(store, "editor-a")), "community.a", cipher=cipher())
    assert data["residents"][0]["name"] == "王**" and PHONE not in json.dumps(data)
