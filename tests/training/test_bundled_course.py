"""The engine on the bundled curriculum (curricula/data), both stores: the core course can be
completed, its final exam covers every objective, and a certificate is issued."""

from __future__ import annotations

from curricula import bank, certificates, progress
from curricula.clock import FixedClock
from kg.content.load import load_content
from kg.content.loader import read_content
from tests.training.factory import make_user, take_quiz

CORE = "course.first-responder"


def test_the_core_course_can_be_completed_and_certified(store):
    content = read_content()
    assert content.ok, content.problems[:5]
    load_content(store, content)
    now = FixedClock("2025-06-01T00:00:00Z").now()
    user, instructor = make_user(store, "zoe"), make_user(store, "ian", ("instructor",))
    course = bank.load_course(store, CORE)
    assert course.final is not None and course.modules and course.practical_skills
    report = bank.bank_report(bank.Catalog.from_store(store))
    assert report.ok, report.violations
    progress.enrol(store, user, CORE, now=now)
    for m in course.modules:
        for u in m.units:
            progress.mark_read(store, user, CORE, u.id, now=now, course_def=course)
        if m.knowledge_check:
            assert take_quiz(store, user, m.knowledge_check.id, now, course=CORE).passed, m.id
    result = take_quiz(store, user, course.final.id, now)
    assert result.passed
    shown = {i.question.id for i in result.items}
    for objective in course.objectives:
        assert shown & set(objective.questions), objective.id
    cert = None
    for skill in course.practical_skills:
        _, cert = certificates.record_signoff(store, user=user, course=CORE, skill=skill, assessor=instructor,
                                              result="pass", now=now)
    assert cert is not None and cert.years == course.certificate_years
