"""The training engine on both stores: enrolment and progress, quizzes (draw, shuffle, time
limit, attempt limit, cool-down, idempotent answers), certificates, refreshers, analytics."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from curricula import analytics, certificates, progress, quiz, refreshers
from curricula.attempts import attempt_answers, get_attempt, user_attempts
from curricula.bank import load_course
from curricula.errors import (
    AttemptClosed,
    AttemptLimitReached,
    CoolingDown,
    InvalidAnswer,
    Locked,
    NotAllowed,
    NothingToPractise,
    QuestionNotInAttempt,
    TimeLimitExceeded,
)
from tests.training.factory import (
    COURSE,
    FINAL,
    REFRESHER,
    SKILLS,
    check_id,
    complete_modules,
    load_training_content,
    make_user,
    objective_id,
    right_choice,
    take_quiz,
    unit_id,
    wrong_choice,
)

# --- enrolment and progress ----------------------------------------------------------------

def test_enrol_self_and_by_admin(world):
    s, now = world.store, world.now
    first = progress.enrol(s, world.trainee, COURSE, now=now)
    again = progress.enrol(s, world.trainee, COURSE, now=now + timedelta(days=1))
    assert first.enrolled_at == again.enrolled_at == now and first.enrolled_by == world.trainee
    bob = make_user(s, "bob")
    by_admin = progress.enrol(s, bob, COURSE, now=now, by=world.admin)
    assert by_admin.enrolled_by == world.admin
    carol = make_user(s, "carol")
    with pytest.raises(NotAllowed):
        progress.enrol(s, carol, COURSE, now=now, by=world.trainee)
    assert [e.course for e in progress.enrolments(s, world.trainee)] == [COURSE]
    assert {u["user"] for u in progress.enrolled_users(s, COURSE)} == {world.trainee, bob}


def test_modules_open_in_order_and_progress_is_tracked(world):
    s, now, user = world.store, world.now, world.trainee
    with pytest.raises(NotAllowed):
        quiz.start_attempt(s, user, check_id(1), now=now)
    progress.enrol(s, user, COURSE, now=now)
    p = progress.course_progress(s, user, COURSE, now=now)
    assert [m.unlocked for m in p.modules] == [True, False]
    assert p.resume() == ("unit", unit_id(1))
    with pytest.raises(Locked):  # units not read yet
        quiz.start_attempt(s, user, check_id(1), now=now)
    with pytest.raises(NotAllowed):  # module 2 is locked
        progress.mark_read(s, user, COURSE, unit_id(2), now=now)
    progress.mark_read(s, user, COURSE, unit_id(1), now=now)
    p = progress.course_progress(s, user, COURSE, now=now)
    assert p.modules[0].units_read and p.modules[0].percent == 50 and not p.modules[0].complete
    assert p.resume() == ("unit", unit_id(1))  # where the trainee left off
    with pytest.raises(Locked):
        quiz.start_attempt(s, user, FINAL, now=now)
    failed = take_quiz(s, user, check_id(1), now, right=1)  # one of two right: a knowledge check needs all
    assert not failed.passed and failed.attempt.score == 0.5
    assert not progress.course_progress(s, user, COURSE, now=now).modules[1].unlocked
    assert take_quiz(s, user, check_id(1), now).passed
    p = progress.course_progress(s, user, COURSE, now=now)
    assert p.modules[0].complete and p.modules[1].unlocked and p.modules[0].knowledge_check_attempts == 2
    progress.mark_read(s, user, COURSE, unit_id(2), now=now)
    assert progress.course_progress(s, user, COURSE, now=now).resume() == ("unit", unit_id(2))
    take_quiz(s, user, check_id(2), now)
    p = progress.course_progress(s, user, COURSE, now=now)
    assert p.modules_complete and p.final_unlocked and p.percent == 100


# --- drawing and shuffling -------------------------------------------------------------------

def test_draw_covers_every_objective_and_retakes_differ(world):
    s, now, user = world.store, world.now, world.trainee
    complete_modules(s, user, now)
    first = quiz.start_attempt(s, user, FINAL, now=now)
    course = load_course(s, COURSE)
    by_objective = {o.id: set(o.questions) for o in course.objectives}
    assert len(first.questions) == len(set(first.questions)) == len(by_objective)
    for objective, questions in by_objective.items():
        assert len(questions & set(first.questions)) == 1, objective
    quiz.submit_attempt(s, user, first.id, now=now, answers={q: wrong_choice(s, first, q) for q in first.questions})
    second = quiz.start_attempt(s, user, FINAL, now=now)
    assert second.id != first.id and not set(second.questions) & set(first.questions)
    for order, _q in zip(second.orders, second.questions):
        assert sorted(order) == [str(i) for i in range(len(order))]


def test_shown_order_is_stored_and_used_for_marking(world):
    s, now, user = world.store, world.now, world.trainee
    progress.enrol(s, user, COURSE, now=now)
    progress.mark_read(s, user, COURSE, unit_id(1), now=now)
    attempts = [quiz.start_attempt(s, user, check_id(1), now=now, rng=random.Random(seed)) for seed in (1,)]
    attempt = get_attempt(s, attempts[0].id)
    assert attempt.orders == attempts[0].orders
    q = attempt.questions[0]
    view = quiz.view_attempt(s, user, attempt.id, now=now)
    from curricula.bank import load_questions

    question = load_questions(s, [q])[q]
    assert view.questions[0].options == [question.options[int(i)] for i in attempt.order_of(q)]
    fb = quiz.answer_question(s, user, attempt.id, q, right_choice(s, attempt, q), now=now)
    assert fb.correct and fb.correct_options == right_choice(s, attempt, q) and fb.explanation
    assert any(link["id"] == "hazard.fx-fire" and link["rel"] == "TESTS" for link in fb.links)


# --- answers: once, in time, in the attempt --------------------------------------------------

def test_answer_submitted_twice_is_recorded_once(world):
    s, now, user = world.store, world.now, world.trainee
    progress.enrol(s, user, COURSE, now=now)
    progress.mark_read(s, user, COURSE, unit_id(1), now=now)
    attempt = quiz.start_attempt(s, user, check_id(1), now=now)
    q = attempt.questions[0]
    first = quiz.answer_question(s, user, attempt.id, q, wrong_choice(s, attempt, q), now=now)
    retry = quiz.answer_question(s, user, attempt.id, q, right_choice(s, attempt, q), now=now + timedelta(seconds=3))
    assert not first.duplicate and retry.duplicate and not retry.correct and retry.chosen == first.chosen
    assert len(attempt_answers(s, attempt.id)) == 1
    again = quiz.start_attempt(s, user, check_id(1), now=now)  # double click on "start": the open attempt
    assert again.id == attempt.id
    result = quiz.submit_attempt(s, user, attempt.id, now=now)
    twice = quiz.submit_attempt(s, user, attempt.id, now=now + timedelta(seconds=2))
    assert result.attempt.correct == twice.attempt.correct == 0 and twice.attempt.submitted_at == result.attempt.submitted_at
    assert len(attempt_answers(s, attempt.id)) == 1
    with pytest.raises(AttemptClosed):
        quiz.answer_question(s, user, attempt.id, attempt.questions[1], [0], now=now)


def test_question_not_in_attempt_and_bad_choices_are_refused(world):
    s, now, user = world.store, world.now, world.trainee
    progress.enrol(s, user, COURSE, now=now)
    progress.mark_read(s, user, COURSE, unit_id(1), now=now)
    attempt = quiz.start_attempt(s, user, check_id(1), now=now)
    stranger = next(q for q in load_course(s, COURSE).modules[1].objectives[0].questions)
    with pytest.raises(QuestionNotInAttempt, match="不属于本次测验"):
        quiz.answer_question(s, user, attempt.id, stranger, [0], now=now)
    good = {q: right_choice(s, attempt, q) for q in attempt.questions}
    with pytest.raises(QuestionNotInAttempt):
        quiz.submit_attempt(s, user, attempt.id, now=now, answers={**good, stranger: [0]})
    q = attempt.questions[0]
    for bad in ([], [9], [0, 0], ["x"]):
        with pytest.raises(InvalidAnswer):
            quiz.answer_question(s, user, attempt.id, q, bad, now=now)
    assert attempt_answers(s, attempt.id) == {} and get_attempt(s, attempt.id).is_open
    bob = make_user(s, "bob")
    with pytest.raises(NotAllowed):
        quiz.answer_question(s, bob, attempt.id, q, [0], now=now)


def test_time_limit_is_enforced_on_the_server(world):
    s, now, user = world.store, world.now, world.trainee
    complete_modules(s, user, now)
    attempt = quiz.start_attempt(s, user, FINAL, now=now)
    assert attempt.deadline == now + timedelta(minutes=30)
    q1, q2 = attempt.questions[:2]
    quiz.answer_question(s, user, attempt.id, q1, right_choice(s, attempt, q1), now=now + timedelta(minutes=10))
    late = now + timedelta(minutes=31)
    with pytest.raises(TimeLimitExceeded, match="作答时间已到"):
        quiz.answer_question(s, user, attempt.id, q2, right_choice(s, attempt, q2), now=late)
    closed = get_attempt(s, attempt.id)
    assert not closed.is_open and closed.late and closed.correct == 1 and closed.total == len(attempt.questions)
    assert set(attempt_answers(s, attempt.id)) == {q1}
    # the answer recorded in time is still returned on a retry, but nothing new is accepted
    assert quiz.answer_question(s, user, attempt.id, q1, right_choice(s, attempt, q1), now=late).duplicate


def test_whole_submission_after_the_time_limit_is_refused(world):
    s, now, user = world.store, world.now, world.trainee
    complete_modules(s, user, now)
    attempt = quiz.start_attempt(s, user, FINAL, now=now)
    answers = {q: right_choice(s, attempt, q) for q in attempt.questions}
    with pytest.raises(TimeLimitExceeded) as refused:
        quiz.submit_attempt(s, user, attempt.id, now=now + timedelta(minutes=45), answers=answers)
    assert refused.value.details["attempt"].late and not refused.value.details["attempt"].passed
    assert attempt_answers(s, attempt.id) == {}
    assert certificates.user_certificates(s, user) == []


def test_attempt_limit_and_cooldown(store, tmp_path):
    load_training_content(store, tmp_path / "c", max_attempts=2, cooldown_minutes=60)
    user = make_user(store, "dora")
    from curricula.clock import FixedClock

    clock = FixedClock("2025-05-01T00:00:00Z")
    complete_modules(store, user, clock.now())
    take_quiz(store, user, FINAL, clock.now(), right=0)
    with pytest.raises(CoolingDown, match="60 分钟") as wait:
        quiz.start_attempt(store, user, FINAL, now=clock.advance(minutes=30))
    assert wait.value.details["ready_at"] == clock.now() + timedelta(minutes=30)
    take_quiz(store, user, FINAL, clock.advance(minutes=31), right=0)
    with pytest.raises(AttemptLimitReached, match="最多可作答 2 次"):
        quiz.start_attempt(store, user, FINAL, now=clock.advance(days=1))
    assert len([a for a in user_attempts(store, user) if a.quiz == FINAL]) == 2


def test_final_exam_uses_its_pass_mark(world):
    s, now, user = world.store, world.now, world.trainee
    complete_modules(s, user, now)
    result = take_quiz(s, user, FINAL, now, right=3)  # 3 of 4 = 75 %: below the 80 % pass mark
    assert result.attempt.score == 0.75 and not result.passed
    assert take_quiz(s, user, FINAL, now, right=4).passed


# --- certificates ------------------------------------------------------------------------

def test_certificate_needs_final_exam_and_skill_signoffs(world):
    s, now, user = world.store, world.now, world.trainee
    complete_modules(s, user, now)
    with pytest.raises(NotAllowed):  # a trainee cannot sign off anyone
        certificates.record_signoff(s, user=user, course=COURSE, skill=SKILLS[0], assessor=make_user(s, "eve"),
                                    result="pass", now=now)
    with pytest.raises(InvalidAnswer):
        certificates.record_signoff(s, user=user, course=COURSE, skill="不存在的技能", assessor=world.instructor,
                                    result="pass", now=now)
    signoff, cert = certificates.record_signoff(s, user=user, course=COURSE, skill=SKILLS[0], assessor=world.instructor,
                                                result="pass", now=now, assessed_at=now - timedelta(hours=2), note="操作规范")
    assert cert is None and signoff.assessor == world.instructor and signoff.assessed_at == now - timedelta(hours=2)
    result = take_quiz(s, user, FINAL, now)
    assert result.passed and result.certificate is None  # the second skill is not signed off yet
    _, cert = certificates.record_signoff(s, user=user, course=COURSE, skill=SKILLS[1], assessor=world.admin,
                                          result="fail", now=now)
    assert cert is None
    _, cert = certificates.record_signoff(s, user=user, course=COURSE, skill=SKILLS[1], assessor=world.instructor,
                                          result="pass", now=now + timedelta(hours=1))
    assert cert is not None and cert.expires_at == cert.issued_at.replace(year=cert.issued_at.year + 3)
    assert certificates.issue_if_eligible(s, user, COURSE, now=now + timedelta(hours=2)) is None  # only once
    assert len(certificates.user_certificates(s, user)) == 1
    shown = certificates.verify(s, cert.code.lower().replace("-", " "), now=now)
    assert shown["holder"] == "李爱丽" and shown["course"] == "测试应急第一响应人课程" and shown["status"] == "valid"
    assert certificates.verify(s, "AAAA-BBBB-CCCC", now=now) is None and certificates.verify(s, "x", now=now) is None


def certified(world):
    s, now, user = world.store, world.now, world.trainee
    complete_modules(s, user, now)
    take_quiz(s, user, FINAL, now)
    cert = None
    for skill in SKILLS:
        _, cert = certificates.record_signoff(s, user=user, course=COURSE, skill=skill, assessor=world.instructor,
                                              result="pass", now=now)
    assert cert is not None
    return cert


def test_certificate_status_over_time(world):
    cert = certified(world)
    s = world.store
    assert certificates.verify(s, cert.code, now=world.now + timedelta(days=365))["status"] == "valid"
    assert certificates.verify(s, cert.code, now=cert.expires_at - timedelta(days=30))["status"] == "expiring"
    gone = certificates.verify(s, cert.code, now=cert.expires_at + timedelta(seconds=1))
    assert gone["status"] == "expired" and gone["status_label"] == "已过期"


def test_reminders_report_and_renewal_with_the_refresher(world):
    cert = certified(world)
    s, user = world.store, world.trainee
    with pytest.raises(Locked):  # nothing to renew while the certificate is far from expiry
        quiz.start_attempt(s, user, REFRESHER, now=world.now + timedelta(days=30))
    assert refreshers.reminders(s, user, now=world.now) == []
    soon = cert.expires_at - timedelta(days=60)
    [reminder] = refreshers.reminders(s, user, now=soon)
    assert reminder["status"] == "expiring" and reminder["days_left"] == 60 and reminder["refresher"] == REFRESHER
    assert [r["certificate"].id for r in certificates.expiring(s, now=soon, days=90)] == [cert.id]
    assert certificates.expiring(s, now=soon, days=30) == []
    result = take_quiz(s, user, REFRESHER, soon)
    assert result.passed and result.certificate.renews == cert.id
    assert result.certificate.expires_at == soon.replace(year=soon.year + 3)
    assert certificates.verify(s, cert.code, now=soon)["status"] == "superseded"
    assert certificates.verify(s, result.certificate.code, now=soon)["status"] == "valid"
    assert refreshers.reminders(s, user, now=soon) == []
    assert certificates.expiring(s, now=soon, days=90) == []


# --- spaced practice -------------------------------------------------------------------------

def test_practice_brings_back_missed_questions_spaced(world):
    s, now, user = world.store, world.now, world.trainee
    progress.enrol(s, user, COURSE, now=now)
    progress.mark_read(s, user, COURSE, unit_id(1), now=now)
    attempt = quiz.start_attempt(s, user, check_id(1), now=now)
    missed, hit = attempt.questions
    quiz.answer_question(s, user, attempt.id, missed, wrong_choice(s, attempt, missed), now=now)
    quiz.answer_question(s, user, attempt.id, hit, right_choice(s, attempt, hit), now=now)
    quiz.submit_attempt(s, user, attempt.id, now=now)
    with pytest.raises(NothingToPractise):
        refreshers.start_practice(s, user, now=now + timedelta(hours=23))

    def practise(when, right):
        round_ = refreshers.start_practice(s, user, now=when)
        assert round_.questions == [missed]
        choice = right_choice(s, round_, missed) if right else wrong_choice(s, round_, missed)
        quiz.answer_question(s, user, round_.id, missed, choice, now=when)
        quiz.submit_attempt(s, user, round_.id, now=when)
        return refreshers.practice_items(s, user)[0]

    day1 = now + timedelta(days=1)
    item = practise(day1, right=True)
    assert item.due_at == day1 + timedelta(days=3) and item.streak == 1 and not item.retired
    with pytest.raises(NothingToPractise):
        refreshers.start_practice(s, user, now=day1 + timedelta(days=2))
    day4 = day1 + timedelta(days=3)
    item = practise(day4, right=False)
    assert item.due_at == day4 + timedelta(days=1) and item.streak == 0
    day5 = day4 + timedelta(days=1)
    item = practise(day5, right=True)
    assert item.due_at == day5 + timedelta(days=7)
    item = practise(day5 + timedelta(days=7), right=True)
    assert item.retired
    with pytest.raises(NothingToPractise):
        refreshers.start_practice(s, user, now=day5 + timedelta(days=60))
    assert [a for a in user_attempts(s, user) if a.mode == "quiz" and a.quiz == check_id(1)]  # practice left quizzes alone


# --- analytics ---------------------------------------------------------------------------

def test_item_analysis_flags_questions_most_people_miss(world):
    s, now = world.store, world.now
    users = [make_user(s, f"t{i:02d}") for i in range(9)]
    for i, user in enumerate(users):
        complete_modules(s, user, now)
        take_quiz(s, user, FINAL, now, right=i % 5)  # scores spread from 0 to 4 right
    stats = {st.question: st for st in analytics.item_analysis(s, quiz=FINAL, min_answers=3)}
    assert stats and all(0 <= st.difficulty <= 1 for st in stats.values())
    for st in stats.values():
        assert st.n >= 1 and st.right <= st.n
    flagged = [st for st in stats.values() if st.flagged]
    assert flagged and all(st.difficulty < 0.5 or (st.discrimination or 0) < 0 for st in flagged)
    # attempts with higher scores got more right: pooled discrimination is positive
    measurable = [st for st in stats.values() if st.discrimination is not None]
    assert measurable and sum(st.discrimination for st in measurable) > 0


def test_trained_responders_per_community_against_the_target(world):
    s, now = world.store, world.now
    s.upsert_nodes("Community", [{"id": "community.fx-a", "properties": {"name": "测试甲社区", "population": 2000}},
                                 {"id": "community.fx-b", "properties": {"name": "测试乙社区"}}])
    a = [make_user(s, f"a{i}", community="community.fx-a") for i in range(3)]
    b = make_user(s, "b0", community="community.fx-b")
    for user in a + [b]:
        complete_modules(s, user, now)
        take_quiz(s, user, FINAL, now)
        for skill in SKILLS:
            certificates.record_signoff(s, user=user, course=COURSE, skill=skill, assessor=world.instructor,
                                        result="pass", now=now)
    counts = analytics.trained_counts(s, now=now)
    rows = {r.id: r for r in counts["communities"]}
    assert rows["community.fx-a"].trained == 3 and rows["community.fx-a"].target_count == 3
    assert rows["community.fx-a"].per_10k == 15.0 and rows["community.fx-a"].meets_target
    assert rows["community.fx-b"].trained == 1 and rows["community.fx-b"].meets_target is None
    assert counts["total"][0].trained == 4
    later = analytics.trained_counts(s, now=now + timedelta(days=3 * 366))
    assert later["total"][0].trained == 0


def test_objective_ids_in_fixture():
    assert objective_id(1, 2) == "objective.fx-1-2"
