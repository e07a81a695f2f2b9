"""50 trainees submitting at once, on both stores: no answer lost, none counted twice.

Every trainee starts a knowledge check at the same moment, sends every answer twice (a double
click), the first question wrong and the rest right, then submits twice.  Afterwards each
attempt holds exactly one answer per question, its score counts only the first answers, and
each trainee has exactly one spaced-practice item.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from curricula import progress, quiz
from curricula.attempts import attempt_answers, get_attempt
from curricula.refreshers import practice_items
from tests.training.factory import COURSE, check_id, make_users, right_choice, unit_id, wrong_choice

TRAINEES = 50


def test_fifty_trainees_submit_at_once(world):
    s, now = world.store, world.now
    users = make_users(s, [f"c{i:02d}" for i in range(TRAINEES)])
    for user in users:
        progress.enrol(s, user, COURSE, now=now)
        progress.mark_read(s, user, COURSE, unit_id(1), now=now)
    barrier = threading.Barrier(TRAINEES)

    def trainee(user: str) -> tuple[str, int]:
        barrier.wait(timeout=60)
        attempt = quiz.start_attempt(s, user, check_id(1), now=now)
        again = quiz.start_attempt(s, user, check_id(1), now=now)  # double click on "start"
        assert again.id == attempt.id
        for i, q in enumerate(attempt.questions):
            choice = wrong_choice(s, attempt, q) if i == 0 else right_choice(s, attempt, q)
            first = quiz.answer_question(s, user, attempt.id, q, choice, now=now)
            second = quiz.answer_question(s, user, attempt.id, q, right_choice(s, attempt, q), now=now)
            assert second.duplicate and second.correct == first.correct
        results = [quiz.submit_attempt(s, user, attempt.id, now=now) for _ in range(2)]
        assert results[0].attempt.correct == results[1].attempt.correct
        return attempt.id, len(attempt.questions)

    with ThreadPoolExecutor(max_workers=TRAINEES) as pool:
        done = list(pool.map(trainee, users))

    assert len({a for a, _ in done}) == TRAINEES
    for attempt_id, n in done:
        answers = attempt_answers(s, attempt_id)
        assert len(answers) == n
        attempt = get_attempt(s, attempt_id)
        assert attempt.status == "submitted" and attempt.answered == n and attempt.correct == n - 1
        assert not attempt.passed
    assert s.counts()["labels"]["QuizAnswer"] == sum(n for _, n in done)
    assert s.counts()["labels"]["Attempt"] == TRAINEES
    for user in users[:10]:
        assert len(practice_items(s, user)) == 1
    assert s.counts()["relationships"]["ANSWERED_WRONG"] == TRAINEES
