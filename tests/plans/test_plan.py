"""The community plan drafted from the graph: work groups and their duties with sources,
activation criteria and warning levels, the plan check, versions with one in force — on both
stores."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from kg.errors import Conflict, Invalid, NotAllowed
from kg.plans import check as plan_check
from kg.plans import service as ps
from kg.plans.draft import draft
from kg.plans.workgroups import work_groups
from tests.plans.conftest import NOW, bundled
from tests.plans.plan_helpers import EIGHT_HAZARDS, complete_edits


def test_every_community_duty_of_the_graph_has_a_work_group_or_a_reason():
    content = bundled()
    levels = {n.id: n.properties.get("level") for n in content.nodes if n.label == "Organization"}
    holders: dict[str, set] = {}
    for r in content.relationships:
        if r.type == "HAS_DUTY":
            holders.setdefault(r.end, set()).add(r.start)
    wg = work_groups()
    community = {d for d, hs in holders.items()
                 if any(levels.get(h) in wg.holders.levels or h in wg.holders.organizations for h in hs)}
    placed = set(wg.group_of()) | set(wg.outside())
    assert sorted(community - placed) == []
    assert sorted(placed - community) == []  # no stale ids in the data file
    assert [g.name for g in wg.groups] == ["协调指挥组", "预警预报组", "隐患排查组", "转移安置组", "物资保障组",
                                           "信息报告组", "医疗救护组"]


def test_a_draft_for_eight_hazards(world):
    doc = draft(world.store, "community.a", EIGHT_HAZARDS)
    assert doc.title == "甲社区突发事件综合应急预案" and doc.hazard_ids() == EIGHT_HAZARDS
    for g in doc.groups:
        assert g.duty_count() > 0, g.name
        for items in g.duties.values():
            assert all(d.sources and d.holders for d in items)
    inspection = doc.group("inspection")
    assert "duty.gas-user-safe-use" in [d.duty for d in inspection.duties["phase.source-governance"]]
    assert "duty.crop-pest-report" not in [d.duty for items in inspection.duties.values() for d in items]  # not a hazard faced
    levels = doc.paragraph("activation.levels")
    assert "红色" in levels.text and [(c.id, c.locator) for c in levels.sources] == [("src.emergency-response-law", "第六十三条")]
    rain = doc.paragraph("activation.hazard.hazard.rainstorm")
    assert "plan.flood-waterlogging" in rain.nodes and "暴雨预警信号" in rain.text and rain.sources
    assert doc.paragraph("activation.hazard.hazard.elevator-accident").text == ""  # no plan in the graph covers it
    for p in doc.paragraphs:
        assert p.nodes or p.sources or p.key in ("contacts.intro",), p.key
    codes = {f.code for f in plan_check.check(doc)}
    assert {"no_activation", "group_no_leader", "group_no_members", "no_channels", "no_shelter", "no_route",
            "no_medical", "no_command", "no_supplies", "no_contacts"} <= codes
    messages = [str(f.message) for f in plan_check.check(doc)]
    assert "预案列出了电梯事故，但没有写明它的启动条件" in messages


def test_bad_hazards_are_refused(world):
    with pytest.raises(Invalid):
        draft(world.store, "community.a", [])
    with pytest.raises(Invalid):
        draft(world.store, "community.a", ["hazard.nope"])
    family = next(n.id for n in bundled().nodes if n.label == "Hazard" and n.properties.get("level") == "family")
    with pytest.raises(Invalid):
        draft(world.store, "community.a", [family])
    with pytest.raises(Invalid):  # no risk assessment in the records to take the hazards from
        draft(world.store, "community.a", None)


def test_versions_one_in_force_and_the_check(world):
    store, editor = world.store, world.editor
    with pytest.raises(NotAllowed):
        ps.start_plan(store, world.editor_b, "community.a", EIGHT_HAZARDS, now=NOW)
    with pytest.raises(NotAllowed):
        ps.start_plan(store, world.street, "community.a", EIGHT_HAZARDS, now=NOW)
    v1 = ps.start_plan(store, editor, "community.a", EIGHT_HAZARDS, now=NOW)
    assert (v1.meta.number, v1.meta.state, v1.meta.created_by) == (1, "draft", "user.ed")
    assert not v1.meta.check_passes
    edits = complete_edits(v1.document)
    v2 = ps.save_edits(store, editor, "community.a", edits, base=1, note="补全人员和场所", now=NOW + timedelta(hours=1))
    assert v2.meta.check_passes and plan_check.check(v2.document) == []
    assert "修改段落：启动条件：电梯事故" in v2.meta.changes and any("协调指挥组人员" in c for c in v2.meta.changes)
    elevator = v2.document.paragraph("activation.hazard.hazard.elevator-accident")
    assert elevator.origin == "edited" and elevator.drafted == ""
    with pytest.raises(Conflict):  # edited from version 1, but version 2 exists now
        ps.save_edits(store, editor, "community.a", {"channels": ["广播"]}, base=1, note="x", now=NOW)
    with pytest.raises(Invalid):
        ps.save_edits(store, editor, "community.a", {"paragraphs": {"nope": "x"}}, base=2, note="x", now=NOW)
    with pytest.raises(Invalid):
        ps.save_edits(store, editor, "community.a", {"channels": ["广播"]}, base=2, note="  ", now=NOW)
    ps.put_in_force(store, editor, "community.a", 2, expected=2, now=NOW + timedelta(hours=2))
    v3 = ps.save_edits(store, editor, "community.a", {"supplies": edits["supplies"] + ["急救箱 5 个"]}, base=2,
                       note="增加急救箱", now=NOW + timedelta(days=1))
    assert v3.meta.changes == ["应急物资：4 项"] and v3.meta.state == "draft"
    assert ps.in_force(store, "community.a").meta.number == 2
    ps.put_in_force(store, editor, "community.a", 3, expected=3, now=NOW + timedelta(days=1, hours=1))
    states = {v.number: v.state for v in ps.versions(store, ps.get_plan(store, "community.a"))}
    assert states == {1: "draft", 2: "superseded", 3: "in_force"}
    with pytest.raises(NotAllowed):
        ps.plan_for(store, world.other_street, "community.a")
    assert ps.plan_for(store, world.county, "community.a").in_force_version == 3


def test_a_version_links_to_the_graph_nodes_and_sources_it_came_from(world):
    v1 = ps.start_plan(world.store, world.editor, "community.a", EIGHT_HAZARDS, now=NOW)
    links = world.store.links(v1.meta.id)
    by_type: dict[str, set] = {}
    for link in links:
        by_type.setdefault(link["type"], set()).add(link["end"] if link["start"] == v1.meta.id else link["start"])
    assert by_type["FACES"] == set(EIGHT_HAZARDS)
    assert {"plan.community-comprehensive", "plan.flood-waterlogging", "duty.gas-user-safe-use"} <= by_type["DRAWS_ON"]
    assert "src.emergency-response-law" in by_type["CITES"]
    assert by_type["VERSION_OF"] == {"community.a:plan"}


def test_places_and_contacts_parse_line_by_line():
    places = ps.parse_places("避难场所 | 文化广场 | 幸福路 8 号 | 600 | 王管理\n疏散路线｜北门路线")
    assert [(p.kind, p.name, p.capacity, p.manager) for p in places] == [("shelter", "文化广场", 600, "王管理"),
                                                                          ("route", "北门路线", None, "")]
    assert ps.parse_places(ps.format_places(places)) == places
    with pytest.raises(Invalid, match="第 2 行"):
        ps.parse_places("避难场所 | 文化广场\n防空洞 | 地下")
    with pytest.raises(Invalid, match="可安置人数"):
        ps.parse_places("避难场所 | 文化广场 | 路 | 很多")
    contacts = ps.parse_contacts("应急值班电话 | 值班室 | 010-12345678")
    assert contacts[0].phone == "010-12345678" and ps.parse_contacts(ps.format_contacts(contacts)) == contacts
    with pytest.raises(Invalid, match="电话"):
        ps.parse_contacts("组长 | 张 | call me")


def test_the_work_group_data_file_is_well_formed():
    path = Path(__file__).resolve().parents[2] / "kg" / "plans" / "data" / "work_groups.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["source"]["id"] == "src.demo-community-standard-earlier"
    assert len({d for g in data["groups"] for d in g["duties"]}) == sum(len(g["duties"]) for g in data["groups"])


def test_a_draft_takes_hazards_people_places_residents_and_supplies_from_the_workspace(world):
    from cryptography.fernet import Fernet

    from kg.community import profile, registers, residents
    from kg.community.crypto import Cipher

    store, c = world.store, "community.a"
    registers.save_risk_assessment(store, c, {"assessor": "社区两委"}, [
        {"hazard": "hazard.rainstorm", "likelihood": 4, "consequence": 3},
        {"hazard": "hazard.gas-leak", "likelihood": 2, "consequence": 4}], today=NOW.date())
    grid_worker = profile.save_person(store, c, {"name": "陈网格", "role": "grid_worker"})
    helper = profile.save_person(store, c, {"name": "张帮扶", "role": "volunteer"})
    registers.save_shelter(store, c, {"kind": "facility.shelter", "name": "文化广场", "capacity": 600, "manager": "王"})
    registers.save_supply(store, c, {"kind": "drinking-water", "quantity": 100, "storage_point": "居委会仓库"})
    residents.save_residents(store, Cipher([Fernet.generate_key().decode()]), c, [residents.check_resident(
        {"name": "李奶奶", "categories": ["elderly_alone"], "helpers": [helper], "card_given": "yes",
         "phone": "13800138000"}, people={helper}, grids=set())])
    v1 = ps.start_plan(store, world.editor, c, None, now=NOW)  # hazards from the latest risk assessment
    doc = v1.document
    assert doc.hazard_ids() == ["hazard.gas-leak", "hazard.rainstorm"] and "risk_assessment" in doc.drawn_from
    assert [(p.kind, p.name, p.capacity, p.manager) for p in doc.places] == [("shelter", "文化广场", 600, "王")]
    assert grid_worker in doc.group("reporting").member_refs and "陈网格" in doc.group("reporting").members
    assert doc.vulnerable == {"residents": 1, "paired": 1, "cards": 1, "helpers": 1, "from_records": True}
    assert doc.supplies and "饮用水" in doc.supplies[0]
    text = doc.to_json()
    assert "李奶奶" not in text and "13800138000" not in text  # counts only, never personal data
