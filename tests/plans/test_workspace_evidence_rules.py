"""The evidence rules over the community workspace's records (grids, ledger, risk assessments,
map, vulnerable residents, shelters, supplies, teams) — one test per rule, on both stores; the
records are written through the workspace's own functions (kg.community)."""

from __future__ import annotations

from datetime import timedelta

from cryptography.fernet import Fernet

from assessments import evidence_rules as er
from kg.community import profile, registers, residents
from kg.community.crypto import Cipher
from kg.community.mapdata import save_feature
from tests.plans.conftest import NOW
from tests.plans.evidence_helpers import trained_user

C = "community.a"


def p(store, number, now=NOW) -> er.Proposal:
    return {x.number: x for x in er.propose(store, C, now=now)}[number]


def person(store, name, role, account=None) -> str:
    return profile.save_person(store, C, {"name": name, "role": role, "account": account})


def test_grid_coverage(world):
    store = world.store
    assert p(store, "1.3a").state == er.NO_RECORDS  # the community's size is unknown
    profile.update_profile(store, C, {"households": 1200})
    assert (p(store, "1.3a").state, p(store, "1.3a").answer) == (er.PROPOSED, 0.0)
    profile.save_grid(store, C, {"name": "一网格", "households": 500})
    profile.save_grid(store, C, {"name": "二网格", "households": 400})
    found = p(store, "1.3a")
    assert found.answer == 75.0 and [f.value for f in found.figures] == [2, 900, 1200] and len(found.records) == 2
    assert profile.grid_coverage(store, C).share == 0.75  # the workspace's own figure agrees
    profile.save_grid(store, C, {"name": "三网格", "households": 400})
    assert p(store, "1.3a").answer == 100.0


def test_ledger_handling_rate(world):
    """On the sample community's year of cases: the rule gives the workspace's own handling rate."""
    from kg.community import ledger, sample

    store = world.store
    assert p(store, "1.3b").state == er.NO_RECORDS
    sample.load(store, Cipher([Fernet.generate_key().decode()]), data_dir=str(world.tmp), now=NOW)
    demo = {x.number: x for x in er.propose(store, sample.COMMUNITY, now=NOW)}["1.3b"]
    rate = ledger.handling_rate(store, sample.COMMUNITY, now=NOW)
    assert rate.reported >= 30 and demo.answer == round(100 * rate.rate, 1)
    assert [f.value for f in demo.figures][:3] == [rate.reported, rate.handled, rate.closed]


def test_risk_assessment_recent(world):
    store = world.store
    assert p(store, "2.1a").answer == er.NOT_MET
    registers.save_risk_assessment(store, C, {"assessor": "社区两委"}, [
        {"hazard": "hazard.rainstorm", "likelihood": 4, "consequence": 3}], today=(NOW - timedelta(days=250)).date())
    assert p(store, "2.1a").answer == er.NOT_MET  # more than six months ago
    registers.save_risk_assessment(store, C, {"assessor": "社区两委"}, [
        {"hazard": "hazard.rainstorm", "likelihood": 4, "consequence": 3}], today=(NOW - timedelta(days=20)).date())
    found = p(store, "2.1a")
    assert found.answer == er.MET and found.records[0].label == "RiskAssessment"


def test_community_map_current(world):
    store = world.store
    assert p(store, "2.1b").answer == er.NOT_MET
    store.upsert_nodes("BaseMap", [{"id": "basemap.a", "properties": {"community": C, "file": "a.png", "width": 1000,
                                                                      "height": 800}}])
    assert p(store, "2.1b").answer == er.PARTLY  # a base image, nothing marked
    registers.save_shelter(store, C, {"kind": "facility.shelter", "name": "文化广场", "capacity": 600,
                                      "manager": "王", "x": 100, "y": 100})
    save_feature(store, C, {"kind": "evacuation_route", "name": "北门路线", "coords": "10,10,200,200"})
    assert p(store, "2.1b").answer == er.PARTLY  # no hazard on the map yet
    store.upsert_nodes("HazardCase", [{"id": "case.a.x1", "properties": {
        "community": C, "hazard": "hazard.rainstorm", "status": "reported", "version": 1,
        "reported_at": "2026-05-01T00:00:00.000000Z", "x": 50, "y": 60}}])
    found = p(store, "2.1b")
    assert found.answer == er.MET and [f.value for f in found.figures] == [1, 1, 1]


def test_vulnerable_paired(world):
    store = world.store
    cipher = Cipher([Fernet.generate_key().decode()])
    helper = person(store, "张帮扶", "volunteer")
    assert p(store, "2.2").answer == er.NOT_MET
    rows = [residents.check_resident({"name": "李奶奶", "categories": ["elderly_alone"], "helpers": [helper],
                                      "card_given": "yes"}, people={helper}, grids=set()),
            residents.check_resident({"name": "赵爷爷", "categories": ["bedridden"]}, people={helper}, grids=set())]
    ids = residents.save_residents(store, cipher, C, rows)
    found = p(store, "2.2")
    assert found.answer == er.PARTLY and [f.value for f in found.figures] == [2, 1, 1]
    fixed = residents.check_resident({"name": "赵爷爷", "categories": ["bedridden"], "helpers": [helper],
                                      "card_given": "yes"}, people={helper}, grids=set())
    fixed["id"] = ids[1]
    residents.save_residents(store, cipher, C, [fixed])
    assert p(store, "2.2").answer == er.MET
    assert all(f.value != "李奶奶" for f in found.figures)  # counts only, never personal data


def test_info_officers(world):
    store = world.store
    assert p(store, "2.6").answer == 0.0
    person(store, "刘信息", "info_officer")
    person(store, "陈网格", "grid_worker")
    found = p(store, "2.6")
    assert found.answer == 1.0 and found.records[0].label == "CommunityPerson"


def test_helpers_informed(world):
    store = world.store
    cipher = Cipher([Fernet.generate_key().decode()])
    assert p(store, "6.3").state == er.NO_RECORDS
    trained_user(store, "helper1", C, NOW)
    helper = person(store, "张帮扶", "volunteer", account="helper1")
    other = person(store, "王帮扶", "volunteer")
    rows = [residents.check_resident({"name": "李奶奶", "categories": ["elderly_alone"], "helpers": [helper],
                                      "card_given": "yes"}, people={helper, other}, grids=set()),
            residents.check_resident({"name": "赵爷爷", "categories": ["bedridden"], "helpers": [other],
                                      "card_given": "yes"}, people={helper, other}, grids=set())]
    residents.save_residents(store, cipher, C, rows)
    found = p(store, "6.3")
    assert found.answer == er.PARTLY and [f.value for f in found.figures] == [2, 2, 2, 1]  # 王帮扶 has no training
    trained_user(store, "helper2", C, NOW, certified=False, signoff=True)
    again = profile.check_person(store, C, {"name": "王帮扶", "role": "volunteer", "account": "helper2"})
    profile.save_people(store, C, [dict(again, id=other)])
    assert p(store, "6.3").answer == er.MET


def test_shelters_ready_and_signage(world):
    store = world.store
    assert (p(store, "7.1").answer, p(store, "7.2").answer) == (er.NOT_MET, er.NOT_MET)
    registers.save_shelter(store, C, {"kind": "facility.shelter", "name": "文化广场", "capacity": 600, "manager": "王",
                                      "signage_checked_on": (NOW - timedelta(days=30)).date().isoformat()})
    registers.save_shelter(store, C, {"kind": "facility.shelter", "name": "小学操场", "capacity": 0,
                                      "signage_checked_on": (NOW - timedelta(days=500)).date().isoformat()})
    assert (p(store, "7.1").answer, p(store, "7.2").answer) == (er.PARTLY, er.PARTLY)
    assert [f.value for f in p(store, "7.1").figures] == [2, 1, 600]
    assert p(store, "7.2", now=NOW + timedelta(days=400)).answer == er.NOT_MET


def test_supply_ledger(world):
    store = world.store
    assert p(store, "8.1").answer == er.NOT_MET
    day = (NOW - timedelta(days=20)).date().isoformat()
    registers.save_supply(store, C, {"kind": "drinking-water", "quantity": 100, "storage_point": "居委会仓库",
                                     "last_checked_on": day})
    registers.save_supply(store, C, {"kind": "stretcher", "quantity": 2, "storage_point": "居委会仓库",
                                     "last_checked_on": (NOW - timedelta(days=500)).date().isoformat()})
    assert p(store, "8.1").answer == er.PARTLY
    assert p(store, "8.1", now=NOW - timedelta(days=200)).answer == er.MET


def test_supplies_minimum(world):
    store = world.store
    assert p(store, "8.2").state == er.NO_RECORDS  # no minimum list yet
    registers.set_minimum(store, C, [{"kind": "fire-extinguisher", "min_quantity": 10},
                                     {"kind": "stretcher", "min_quantity": 2},
                                     {"kind": "drinking-water", "min_quantity": 50}])
    assert (p(store, "8.2").answer, p(store, "8.3").answer) == (er.NOT_MET, er.NOT_MET)
    registers.save_supply(store, C, {"kind": "fire-extinguisher", "quantity": 12})
    assert p(store, "8.2").answer == er.PARTLY
    registers.save_supply(store, C, {"kind": "stretcher", "quantity": 2})
    assert p(store, "8.2").answer == er.MET
    registers.save_supply(store, C, {"kind": "drinking-water", "quantity": 60,
                                     "expires_on": (NOW - timedelta(days=1)).date().isoformat()})
    found = p(store, "8.3")
    assert found.answer == er.NOT_MET and found.figures[2].value == 1  # expired water does not count
    registers.save_supply(store, C, {"kind": "drinking-water", "quantity": 60,
                                     "expires_on": (NOW + timedelta(days=300)).date().isoformat()})
    assert p(store, "8.3").answer == er.PARTLY  # enough water, but an expired lot is still in store


def test_team_ready(world):
    store = world.store
    assert (p(store, "9.1").answer, p(store, "9.2").answer) == (er.NOT_MET, er.NOT_MET)
    trained_user(store, "rescuer1", C, NOW)
    a = person(store, "孙队员", "volunteer", account="rescuer1")
    b = person(store, "周队员", "volunteer")
    registers.save_team(store, C, {"kind": "rescue", "name": "社区应急救援队", "contact": "", "members": [a, b]})
    assert p(store, "9.1").answer == er.PARTLY  # no contact person
    registers.save_team(store, C, {"kind": "volunteer", "name": "志愿者队", "contact": "周队员", "members": [b]})
    assert p(store, "9.2").answer == er.PARTLY  # nobody trained
    team = registers.save_team(store, C, {"kind": "micro_fire", "name": "微型消防站", "contact": "孙队员",
                                          "members": [a]})
    found = p(store, "9.1")
    assert found.answer == er.MET and team in [r.id for r in found.records]
