"""The hazard ledger on both stores: report (idempotent), the state machine with its refusals,
the version check, the assignment proposal from the graph, overdue cases, recurrence and the
handling rate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kg.community import ledger
from kg.community.model import CaseConflict, CommunityInvalid, CommunityNotAllowed, FileTooLarge, OutOfOrder
from kg.community.profile import save_grid
from tests.community.fixtures import NOW, actor, jpeg, png

CLIENT = "0b6e2f8a-3c1d-4e5f-8a9b-0c1d2e3f4a5b"
FIELDS = {"hazard": "hazard.e-bike-fire", "place": "3号楼1单元楼道", "description": "楼道内停放电动自行车并飞线充电",
          "severity": "general"}


def report(world, username="grid-a", client_id=None, photos=(), **fields):
    return ledger.report_case(world["store"], actor(world["store"], username), "community.a", {**FIELDS, **fields},
                              now=NOW, client_id=client_id, photos=photos, data_dir=world["data_dir"])


def act(world, username, case, action, when=NOW, **fields):
    photos = fields.pop("photos", ())
    return ledger.transition(world["store"], actor(world["store"], username), case.id, action, fields,
                             expected_version=case.version, now=when, photos=photos, data_dir=world["data_dir"])


def counts(store):
    return store.counts()["labels"]


def test_the_same_report_replayed_makes_one_case(world):
    first, created = report(world, client_id=CLIENT, photos=[png()])
    assert created and first.status == "reported" and len(first.props["photos"]) == 1
    before = counts(world["store"])
    for _ in range(3):
        again, created = report(world, client_id=CLIENT, photos=[png()])
        assert not created and again.id == first.id
    assert counts(world["store"]) == before
    assert ledger.list_cases(world["store"], "community.a")[1] == 1
    assert [e["action"] for e in first.events] == ["report"]


def test_a_case_goes_from_report_to_closure_with_a_log(world):
    case, _ = report(world)
    proposal = ledger.assignment_proposal(world["store"], "hazard.e-bike-fire")
    assert proposal[0]["organization"] == "org.property-company"
    assert proposal[0]["duty"] == "duty.ebike-parking"
    assert [p["organization"] for p in proposal] == ["org.property-company", "org.fire-rescue"]
    case = act(world, "editor-a", case, "assess", organization=proposal[0]["organization"], duty=proposal[0]["duty"],
               assignee_account="fixer")
    assert case.status == "assigned" and case.organization["id"] == "org.property-company"
    assert case.props["deadline"] == (date(2026, 6, 1) + timedelta(days=15)).isoformat()
    assert case.duty["id"] == "duty.ebike-parking"
    case = act(world, "fixer", case, "remediate", note="已清理并安装充电桩", photos=[jpeg()])
    assert case.status == "remediated" and len(case.props["remediation_photos"]) == 1
    with pytest.raises(CommunityNotAllowed, match="整改人以外"):
        act(world, "fixer", case, "verify")
    case = act(world, "editor-a", case, "verify", when=NOW + timedelta(days=3), note="现场核验通过")
    assert case.status == "closed" and case.props["days_to_close"] == 3.0
    assert [e["action"] for e in case.events] == ["report", "assess", "remediate", "verify"]
    assert [e["actor"] for e in case.events] == ["user.grid-a", "user.editor-a", "user.fixer", "user.editor-a"]
    assert "fixed_by" not in case.as_dict()


def test_out_of_order_and_stale_versions_are_refused_and_change_nothing(world):
    case, _ = report(world)
    with pytest.raises(OutOfOrder):
        act(world, "editor-a", case, "verify")
    with pytest.raises(OutOfOrder):
        act(world, "editor-a", case, "remediate", note="x")
    assigned = act(world, "editor-a", case, "assess", organization="org.property-company")
    with pytest.raises(CaseConflict):  # the version the first person loaded is stale
        act(world, "editor-a", case, "escalate", reason="超出社区能力")
    after = ledger.load_case(world["store"], case.id)
    assert after.status == "assigned" and after.version == assigned.version and len(after.events) == 2


def test_bad_input_is_refused_and_writes_nothing(world):
    store = world["store"]
    before = counts(store)
    with pytest.raises(CommunityInvalid, match="隐患类型"):
        report(world, hazard="hazard.nope")
    with pytest.raises(CommunityInvalid, match="具体的灾害风险"):
        report(world, hazard="hazard.family.fire")
    with pytest.raises(CommunityInvalid, match="不是可以打开的图片"):
        report(world, photos=[b"%PDF-1.4 not an image"])
    with pytest.raises(FileTooLarge):
        ledger.report_case(store, actor(store, "grid-a"), "community.a", FIELDS, now=NOW, photos=[png(900, 900)],
                           data_dir=world["data_dir"], photo_max_bytes=1024)
    with pytest.raises(CommunityInvalid, match="底图"):
        report(world, x=10, y=10)
    with pytest.raises(CommunityInvalid, match="client_id"):
        report(world, client_id="not-a-uuid")
    with pytest.raises(CommunityNotAllowed):
        report(world, username="editor-b")
    assert counts(store) == before
    case, _ = report(world)
    with pytest.raises(CommunityInvalid, match="已经过去"):
        act(world, "editor-a", case, "assess", organization="org.property-company", deadline="2026-05-01")
    with pytest.raises(CommunityInvalid, match="责任单位"):
        act(world, "editor-a", case, "assess", organization="hazard.fire")
    with pytest.raises(CommunityInvalid, match="reason"):
        act(world, "editor-a", case, "escalate", reason="")
    assert ledger.load_case(store, case.id).version == 1


def test_overdue_recurrence_reopen_and_rates(world):
    store = world["store"]
    grid = save_grid(store, "community.a", {"name": "第一网格", "households": 120})
    first, _ = report(world, grid=grid)
    first = act(world, "editor-a", first, "assess", organization="org.property-company", deadline="2026-06-05")
    assert ledger.overdue_cases(store, "community.a", date(2026, 6, 10))[0]["id"] == first.id
    assert ledger.overdue_cases(store, "community.a", date(2026, 6, 5)) == []
    rate = ledger.handling_rate(store, "community.a", now=NOW)
    assert (rate.reported, rate.handled, rate.rate) == (1, 0, 0.0)
    first = act(world, "editor-a", first, "remediate", note="已整改")
    first = act(world, "street", first, "verify", when=NOW + timedelta(days=2))
    rate = ledger.handling_rate(store, "community.a", now=NOW + timedelta(days=2))
    assert (rate.handled, rate.rate, rate.median_days_to_close) == (1, 1.0, 2.0)
    assert ledger.grid_rates(store, "community.a", now=NOW)[grid].rate == 1.0
    second, _ = report(world, place="3号楼 1单元 楼道", grid=grid)
    assert second.props["recurrence_of"] == first.id and second.recurs["id"] == first.id
    third, _ = report(world, place="幼儿园门口", hazard="hazard.fire")
    assert "recurrence_of" not in third.props
    escalated = act(world, "editor-a", third, "escalate", reason="需要消防部门处理")
    rates = ledger.handling_rates(store, now=NOW + timedelta(days=2))
    assert rates["community.a"].reported == 3 and rates["community.a"].handled == 2
    assert "community.b" not in rates
    assert ledger.handling_rates(store, now=NOW, communities=["community.b"])["community.b"].rate is None
    reopened = act(world, "editor-a", ledger.load_case(store, first.id), "reopen", reason="又有人飞线充电")
    assert reopened.status == "reported" and reopened.props["reopened_count"] == 1
    assert escalated.status == "escalated"


def test_viewing_rules(world):
    from kg.access import Access
    from tests.community.fixtures import viewer

    store = world["store"]
    case, _ = report(world)
    for username, sees in (("editor-a", True), ("street", True), ("boss", True), ("editor-b", False),
                           ("fixer", False), ("other-trainee", False)):
        assert ledger.rules.can_see_case(Access(store, viewer(store, username)), case.props) is sees, username
    case = act(world, "editor-a", case, "assess", organization="org.property-company", assignee_account="fixer")
    assert ledger.rules.can_see_case(Access(store, viewer(store, "fixer")), case.props)
    assert ledger.allowed_actions(Access(store, viewer(store, "fixer")), case) == ["remediate"]
    assert ledger.allowed_actions(Access(store, viewer(store, "other-trainee")), case) == []


def test_two_people_acting_on_one_case_at_once_one_wins(world):
    """Both loaded version 1 and act at the same moment: one transition is written, the other is
    refused (CaseConflict or OutOfOrder), and the log has exactly one entry for it."""
    import threading

    case, _ = report(world)
    barrier, outcomes = threading.Barrier(2), []

    def run(action, fields):
        barrier.wait()
        try:
            ledger.transition(world["store"], actor(world["store"], "editor-a"), case.id, action, fields,
                              expected_version=1, now=NOW)
            outcomes.append(action)
        except (CaseConflict, OutOfOrder) as exc:
            outcomes.append(type(exc).__name__)

    jobs = [threading.Thread(target=run, args=("assess", {"organization": "org.property-company"})),
            threading.Thread(target=run, args=("escalate", {"reason": "超出社区能力"}))]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    after = ledger.load_case(world["store"], case.id)
    won = [o for o in outcomes if o in ("assess", "escalate")]
    assert len(won) == 1 and len(outcomes) == 2, outcomes
    assert after.version == 2 and after.status == {"assess": "assigned", "escalate": "escalated"}[won[0]]
    assert [e["action"] for e in after.events] == ["report", won[0]]
