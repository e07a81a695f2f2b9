"""A small world for the multi-process tests: the fixture course, the checklist, a community with
one draft assessment, trainees, community editors and an admin — all able to sign in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg import accounts
from kg.accounts.model import utc_now

PASSWORD = "world-password-1"
COMMUNITY = "community.ops"
ATTEMPT_RE = re.compile(r"/training/attempts/([^/?#]+)")
QUESTION_RE = re.compile(r'name="question" type="hidden" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')


@dataclass
class World:
    assessment: str
    criteria: list[str]  # binary/graded criteria: "met" is a valid answer
    version: int  # the assessment's version when opened
    trainees: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)


def build_world(store, folder: Path, *, trainees: int = 0, editors: int = 0) -> World:
    from assessments import workflow as wf
    from assessments.checklist import DEFAULT_STANDARD, load_checklist
    from curricula import progress
    from tests.assessment.helpers import load_checklists
    from tests.training.factory import COURSE, load_training_content, unit_id

    store.init_schema()
    load_training_content(store, folder / "content")
    load_checklists(store)
    wf.create_community(store, COMMUNITY, "运维测试社区")
    accounts.create_user(store, "boss", PASSWORD, roles=("admin",))
    names = [f"t{i:02d}" for i in range(trainees)]
    for name in names:
        account = accounts.create_user(store, name, PASSWORD, roles=("trainee",))
        progress.enrol(store, account.id, COURSE, now=utc_now())
        progress.mark_read(store, account.id, COURSE, unit_id(1), now=utc_now())
    editor_names = [f"e{i:02d}" for i in range(max(1, editors))]
    for name in editor_names:
        accounts.create_user(store, name, PASSWORD, roles=("community",), community=COMMUNITY)
    actor = wf.Actor.of(accounts.get_user(store, editor_names[0]))
    record = wf.open_assessment(store, actor, COMMUNITY, DEFAULT_STANDARD)
    criteria = [c.id for c in load_checklist(store, DEFAULT_STANDARD).scored if c.scoring in ("binary", "graded")]
    return World(record.id, criteria, record.version, names, editor_names[:editors])


def start_quiz(browser) -> str:
    from tests.training.factory import COURSE, check_id

    token = browser.csrf("/account")
    status, body, headers = browser.post(f"/training/quizzes/{check_id(1)}/start", {"csrf_token": token,
                                                                                   "course": COURSE})
    assert status == 302, (status, body[:300])
    return ATTEMPT_RE.search(headers["Location"]).group(1)


def next_question(browser, attempt: str) -> tuple[str | None, str]:
    """(the next question's id or None, the page's CSRF token)."""
    from tests.ops.server import CSRF_RE

    status, body, _ = browser.get(f"/training/attempts/{attempt}")
    token = CSRF_RE.search(body)
    found = QUESTION_RE.search(body) if status == 200 else None
    return (found.group(1) if found else None), (token.group(1) if token else "")


def save_answer(browser, assessment: str, criterion: str, note: str) -> int:
    """Save one criterion (met, with a note) at the version the page shows; the status (302 saved,
    409 someone saved first)."""
    from tests.ops.server import CSRF_RE

    status, body, _ = browser.get(f"/assessment/{assessment}")
    assert status == 200, (status, body[:300])
    token, version = CSRF_RE.search(body).group(1), VERSION_RE.search(body).group(1)
    return browser.post(f"/assessment/{assessment}/answers", {
        "csrf_token": token, "version": version, f"c-{criterion}": "1", f"a-{criterion}": "met",
        f"n-{criterion}": note, f"d-{criterion}": ""})[0]


def upload_evidence(browser, assessment: str, criterion: str, name: str, content: bytes) -> int:
    from tests.ops.server import CSRF_RE

    _, body, _ = browser.get(f"/assessment/{assessment}")
    token = CSRF_RE.search(body).group(1)
    return browser.request("POST", f"/assessment/{assessment}/evidence",
                           {"csrf_token": token, "criterion": criterion, "kind": "file"},
                           files={"file": (name, content)})[0]
