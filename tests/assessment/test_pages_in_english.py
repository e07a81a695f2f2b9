"""The pages issue 17 added or changed, in English: the gap plan with its owners and tracking, the
assessment form's summary line, tracked actions and conflict message, the readiness view, the
sign-off queue and form, the staff report.  Course and checklist content stays as written."""

from __future__ import annotations

from assessments import actions
from assessments import workflow as wf
from assessments.checklist import load_checklist
from curricula.clock import FixedClock
from kg import accounts
from tests.assessment.helpers import load_all_with_training_stand_ins
from tests.assessment.test_workflow import full_answers
from tests.assessment.web_fixtures import USERS, make_app, page, signed_in
from tests.training.factory import COURSE, FINAL, complete_modules, load_training_content, take_quiz
from tests.training.webflow import Browser, create_account, training_app
from tests.web.platform_fixtures import PASSWORD

ALICE = wf.Actor("user.comm-a", frozenset({"community"}), community="community.a")


def english(client, url: str) -> str:
    return page(client, url + ("&" if "?" in url else "?") + "lang=en")[1]


def test_gap_plan_form_and_readiness_in_english(store, tmp_path):
    load_all_with_training_stand_ins(store)
    wf.create_community(store, "community.a", "甲社区", area="org.town-emergency-office", population=10000)
    for username in ("comm-a", "rev-a"):
        roles, community, _org = USERS[username]
        accounts.create_user(store, username, PASSWORD, roles=roles, community=community,
                             organization="org.town-emergency-office" if username == "rev-a" else None,
                             display_name=f"{username} user")
    app = make_app(store, data_dir=str(tmp_path))
    checklist = load_checklist(store)
    record = wf.open_assessment(store, ALICE, "community.a")
    c = signed_in(app, "comm-a")
    blank = english(c, f"/assessment/{record.id}")
    assert f"0 of {len(checklist.criteria)} answered" in blank and "Moving to another part saves" in blank
    assert "Save and continue: 1 " in blank and "已答" not in blank and "保存并继续" not in blank
    answers = full_answers(checklist)
    answers.update({x.id: "not_met" for x in checklist.scored[:20] if x.scoring in ("binary", "graded")})
    view = wf.save_answers(store, ALICE, record.id, answers, expected_version=1)
    actions.save(store, ALICE, "community.a", key="plan:plan.community-comprehensive", title="编制预案",
                 criteria=["crit.dc2020.3-1"], owner="org.community-committee", status="done", evidence="预案2026版")
    gaps = english(c, f"/assessment/{record.id}/gaps")
    for phrase in ("Proposed owner: ", "holds the duty: ", "Assign this action", "Change the assignment and progress",
                   "What was done and the evidence", "1 assigned, 1 done.", "Requirement: ", "The check looks at: ",
                   "Write or revise “"):
        assert phrase in gaps, phrase
    for chinese in ("建议负责", "安排这项行动", "承担职责", "要做到", "编制或修订", "修改安排与进展"):
        assert chinese not in gaps, chinese
    track = english(c, f"/assessment/{record.id}/gaps/track?key=plan:plan.community-comprehensive")
    for phrase in ("Responsible body", "Due date", "Assigned now: ", "Back to the gap plan", "Action 1",
                   "Write or revise “", " (Community)</option>", "What was done and the evidence"):
        assert phrase in track, phrase
    for chinese in ("负责单位", "现在的安排", "返回差距整改计划", "整改行动", "（社区）</option>", "保存安排"):
        assert chinese not in track, chinese
    form = english(c, f"/assessment/{record.id}?s=3")
    assert "Action: Write or revise “" in form and "Complete" in form and "整改行动" not in form
    wf.submit(store, ALICE, record.id, expected_version=view.record.version)
    reviewer = signed_in(app, "rev-a")
    readiness = english(reviewer, "/assessment/readiness")
    for phrase in ("Each community's latest assessment", "Per 10,000 residents", "Review submitted assessments",
                   "Submitted, awaiting review"):
        assert phrase in readiness, phrase
    assert "各社区最近一次自评" not in readiness and "尚未自评" not in readiness


def test_sign_off_queue_and_staff_report_in_english(store, tmp_path):
    load_training_content(store, tmp_path / "content")
    clock = FixedClock("2025-03-01T08:00:00Z")
    app = training_app(store, clock=clock)
    create_account(store, "alice", display_name="李爱丽")
    create_account(store, "ivan", ("instructor",), display_name="王教员")
    complete_modules(store, "user.alice", clock.now())
    assert take_quiz(store, "user.alice", FINAL, clock.now()).passed
    ivan = Browser(app, store, "ivan")
    ivan.get("/training/staff?lang=en")
    staff = ivan.get("/training/staff").get_data(as_text=True)
    assert "Trainees waiting for a practical assessment" in staff and "Expired certificates not yet renewed" in staff
    queue = ivan.get(f"/training/staff/signoffs?course={COURSE}").get_data(as_text=True)
    for phrase in ("Name or user name", "passed (2025-03-01)", "Skills to assess", "Record an assessment"):
        assert phrase in queue, phrase
    form = ivan.get(f"/training/staff/signoffs/{COURSE}/user.alice").get_data(as_text=True)
    assert "Enter the time in the Asia/Shanghai time zone." in form and "Time of the assessment (empty: now)" in form
    assert "等待实操考核" not in staff + queue + form and "考核时间" not in form
