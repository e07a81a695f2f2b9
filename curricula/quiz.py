"""Taking a quiz: start (or resume) an attempt, answer question by question with immediate
feedback, submit, review.

Rules enforced here, on the server:

* Access: the trainee is enrolled; a module's knowledge check opens when the module is unlocked
  and its units are read; the final exam when every module is complete; the refresher quiz
  when the trainee's certificate is expiring or expired.
* An open attempt within its time is resumed rather than a new one started.
* ``max_attempts`` (for final exams and refreshers counted since the trainee's latest
  certificate for the course) and ``cooldown_minutes`` between attempts.
* The time limit: an answer or submission that arrives after the deadline (plus a few seconds
  of grace for the network) is refused with a clear message; the attempt is closed, marked
  ``late`` and scored on the answers that arrived in time.
* A question that is not part of the attempt is refused; a choice must name shown options
  (one for single-answer kinds).
* Every answer is recorded once (see ``curricula.attempts``); a repeated submission returns the
  answer recorded first.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from curricula import attempts as store_attempts
from curricula.attempts import PRACTICE, QUIZ, Attempt, RecordedAnswer
from curricula.bank import (
    Question,
    QuizDef,
    courses_of_modules,
    draw,
    load_course,
    load_questions,
    load_quiz,
    question_links,
    quiz_objectives,
)
from curricula.clock import iso
from curricula.errors import (
    N_,
    AttemptClosed,
    AttemptLimitReached,
    CoolingDown,
    InvalidAnswer,
    Locked,
    Message,
    Moment,
    NotAllowed,
    NotFound,
    QuestionNotInAttempt,
    TimeLimitExceeded,
)
from curricula.scoring import effective_pass_mark, is_correct, required_correct, to_authoring, to_shown
from kg.store.base import GraphStore

if TYPE_CHECKING:
    from curricula.certificates import Certificate

GRACE_SECONDS = 5
SINGLE_KINDS = ("single", "true_false", "scenario")
#: Simplified Chinese labels (msgids: templates show ``_(KIND_LABELS[kind])``).
KIND_LABELS = {"knowledge_check": N_("知识检查"), "final": N_("结业考试"), "refresher": N_("复训测验"),
               "practice": N_("错题练习")}


@dataclass(frozen=True)
class QuestionView:
    """A question as the trainee sees it in one attempt (options in the shown order)."""

    id: str
    number: int
    name: str
    kind: str
    options: list[str]
    scenario: str | None = None

    @property
    def multiple(self) -> bool:
        return self.kind == "multiple"


def question_view(question: Question, order: str, number: int) -> QuestionView:
    from curricula.scoring import decode_order

    return QuestionView(id=question.id, number=number, name=question.name, kind=question.kind,
                        options=[question.options[i] for i in decode_order(order)], scenario=question.scenario)


@dataclass
class ReviewItem:
    question: QuestionView
    chosen: list[int]  # shown positions
    correct_options: list[int]  # shown positions
    correct: bool
    answered: bool
    explanation: str
    links: list[dict] = field(default_factory=list)


@dataclass
class Feedback(ReviewItem):
    duplicate: bool = False
    remaining: int = 0
    attempt: Attempt | None = None
    message: str = ""


@dataclass
class AttemptView:
    attempt: Attempt
    quiz: QuizDef | None
    questions: list[QuestionView]
    answered: dict[str, RecordedAnswer]
    time_left: float | None

    @property
    def next_question(self) -> QuestionView | None:
        return next((q for q in self.questions if q.id not in self.answered), None)

    @property
    def progress(self) -> tuple[int, int]:
        return len(self.answered), len(self.questions)


@dataclass
class Result:
    attempt: Attempt
    quiz: QuizDef | None
    items: list[ReviewItem]
    certificate: Certificate | None = None  # issued by this submission
    message: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.attempt.passed)


# --- helpers ---------------------------------------------------------------------------------

def _own(store: GraphStore, user: str, attempt_id: str, *, staff: bool = False) -> Attempt:
    attempt = store_attempts.get_attempt(store, attempt_id) if isinstance(attempt_id, str) else None
    if attempt is None:
        raise NotFound(N_("没有这次测验记录"))
    if attempt.user != user and not staff:
        raise NotAllowed(N_("这不是你的测验"))
    return attempt


def _past_deadline(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + timedelta(seconds=GRACE_SECONDS)


def _required(attempt: Attempt) -> int:
    mark = 1.0 if attempt.mode == PRACTICE else effective_pass_mark(attempt.kind, attempt.pass_mark)
    return required_correct(len(attempt.questions), mark)


def _close(store: GraphStore, attempt: Attempt, *, now: datetime, late: bool,
           issuer=None) -> tuple[Attempt, Certificate | None]:
    """Close and score the attempt; run what passing it leads to (a certificate, written with
    ``issuer``: a ``certificates.Issuer``).  Returns (attempt, certificate)."""
    finished = store_attempts.finish_attempt(store, attempt.id, now=now, late=late, required=_required(attempt))
    if finished is None:  # closed meanwhile by another request
        current = store_attempts.get_attempt(store, attempt.id)
        if current is None:
            raise NotFound(N_("没有这次测验记录"))
        return current, None
    certificate = None
    if finished.mode == QUIZ and finished.passed and finished.course:
        from curricula import certificates

        if finished.kind == "final":
            certificate = certificates.issue_if_eligible(store, finished.user, finished.course, now=now, issuer=issuer)
        elif finished.kind == "refresher":
            course = load_course(store, finished.course)
            if certificates.renewable(store, finished.user, course, now=now) is not None:
                certificate = certificates.renew(store, finished.user, course, finished, now=now, issuer=issuer)
    return finished, certificate


def _late_message(attempt: Attempt) -> Message:
    return Message(N_("作答时间已到（截止时间 %(deadline)s），此后提交的答案不予接受；"
                      "本次测验已按超时提交，只计截止前作答的题目。"),
                   deadline=Moment(cast(datetime, attempt.deadline)))  # said only past a deadline


def _check_choice(question: Question, choice: Iterable[int] | None) -> list[int]:
    try:
        shown = [int(c) for c in (choice or [])]
    except (TypeError, ValueError):
        raise InvalidAnswer(N_("答案格式不正确")) from None
    if not shown:
        raise InvalidAnswer(N_("请选择答案"))
    if len(set(shown)) != len(shown) or any(not 0 <= c < len(question.options) for c in shown):
        raise InvalidAnswer(N_("所选选项不属于本题"))
    if question.kind in SINGLE_KINDS and len(shown) != 1:
        raise InvalidAnswer(N_("本题只能选择一个答案"))
    return sorted(shown)


def _review_item(question: Question, attempt: Attempt, number: int, answer: RecordedAnswer | None,
                 links: list[dict]) -> ReviewItem:
    order = attempt.order_of(question.id)
    return ReviewItem(question=question_view(question, order, number),
                      chosen=to_shown(order, answer.chosen) if answer else [],
                      correct_options=to_shown(order, question.answer),
                      correct=bool(answer and answer.correct), answered=answer is not None,
                      explanation=question.explanation, links=links)


# --- starting --------------------------------------------------------------------------------

def _course_for(store: GraphStore, user: str, quiz: QuizDef, course: str | None) -> str:
    target = quiz.target
    if target is None or quiz.target_label not in ("Course", "Module"):
        raise NotFound(N_("测验 %(quiz)s 没有对应的模块或课程"), params={"quiz": quiz.id})
    if quiz.target_label == "Course":
        if course and course != target:
            raise NotFound(N_("该测验不属于这门课程"))
        return target
    candidates = courses_of_modules(store, [target]).get(target, [])
    if course:
        if course not in candidates:
            raise NotFound(N_("该测验不属于这门课程"))
        return course
    from curricula.progress import enrolments

    enrolled = {e.course for e in enrolments(store, user)}
    for c in candidates:
        if c in enrolled:
            return c
    raise NotAllowed(N_("请先报名参加包含本模块的课程"))


def start_attempt(store: GraphStore, user: str, quiz: str, *, now: datetime, course: str | None = None,
                  rng: random.Random | None = None, issuer=None) -> Attempt:
    """Start an attempt at ``quiz`` (or return the trainee's open one)."""
    from curricula import certificates
    from curricula.progress import course_progress, require_user

    require_user(store, user)
    quiz_def = load_quiz(store, quiz)
    course_id = _course_for(store, user, quiz_def, course)
    course_def = load_course(store, course_id)
    progress = course_progress(store, user, course_def, now=now)
    if not progress.enrolled:
        raise NotAllowed(N_("请先报名参加本课程"))
    module = None
    if quiz_def.kind == "knowledge_check":
        module = progress.module(quiz_def.target)
        if not module.unlocked:
            raise Locked(N_("请先完成前面的模块"))
        if not module.all_read:
            raise Locked(N_("请先读完本模块的全部单元，再做知识检查"))
    elif quiz_def.kind == "final":
        if not progress.modules_complete:
            raise Locked(N_("完成全部模块（读完单元并通过知识检查）后才能参加结业考试"))
    elif quiz_def.kind == "refresher":
        if certificates.renewable(store, user, course_def, now=now) is None:
            raise Locked(N_("复训测验在证书到期前 %(days)s 天内或到期后开放"), params={"days": certificates.EXPIRING_DAYS})

    previous = progress.quiz_attempts(quiz)
    for a in previous:
        if a.is_open:
            if _past_deadline(a, now):
                _close(store, a, now=now, late=True, issuer=issuer)
            else:
                return a
    # the ones closed just now, as stored (kept as read should one have gone meanwhile)
    previous = [(store_attempts.get_attempt(store, a.id) or a) if a.is_open else a for a in previous]
    _check_another(quiz_def, previous, progress, now)

    objectives = quiz_objectives(course_def, quiz_def)
    questions = load_questions(store, {q for o in objectives for q in o.questions})
    kinds = {q.id: (q.kind, len(q.options)) for q in questions.values()}
    seen = Counter(q for a in previous for q in a.questions)
    drawn = draw(objectives, quiz_def.questions_per_objective, kinds, rng=rng, seen=seen)
    if not drawn.questions:
        raise NotFound(N_("题库中还没有本测验的题目"))
    number = len(previous) + 1
    props = {"quiz": quiz, "user": user, "mode": QUIZ, "kind": quiz_def.kind, "number": number,
             "started_at": iso(now), "status": store_attempts.OPEN, "questions": drawn.questions,
             "orders": drawn.orders, "course": course_id, "pass_mark": effective_pass_mark(quiz_def.kind, quiz_def.pass_mark),
             "quiz_name": quiz_def.name}
    if module is not None:
        props["module"] = module.module.id
    if quiz_def.time_limit_minutes:
        props["deadline"] = iso(now + timedelta(minutes=quiz_def.time_limit_minutes))
    attempt, _ = store_attempts.create_attempt(store, attempt=store_attempts.attempt_id(user, quiz, number),
                                               user=user, quiz=quiz, props=props)
    from curricula.progress import touch

    touch(store, user, course_id, quiz, now=now)
    return attempt


def _check_another(quiz_def: QuizDef, previous: list[Attempt], progress, now: datetime) -> None:
    """Refuse another attempt past ``max_attempts`` (finals and refreshers count since the
    trainee's latest certificate) or within ``cooldown_minutes`` of the last submission."""
    since = None
    if quiz_def.kind in ("final", "refresher") and progress.certificates:
        since = progress.certificates[0].issued_at
    counted = [a for a in previous if since is None or a.started_at > since]
    if quiz_def.max_attempts and len(counted) >= quiz_def.max_attempts:
        raise AttemptLimitReached(N_("本测验最多可作答 %(n)s 次，你已用完"), params={"n": quiz_def.max_attempts})
    submitted = [a.submitted_at for a in previous if a.submitted_at]
    if quiz_def.cooldown_minutes and submitted:
        last = max(submitted)
        ready = last + timedelta(minutes=quiz_def.cooldown_minutes)
        if now < ready:
            raise CoolingDown(N_("两次作答之间须间隔 %(minutes)s 分钟，请在 %(ready)s 之后再试"),
                              params={"minutes": quiz_def.cooldown_minutes, "ready": Moment(ready)},
                              ready_at=ready)


@dataclass(frozen=True)
class Retake:
    """Whether a trainee may take a quiz again after an attempt that did not pass: ``allowed``,
    or the reason why not (``message``: the limit is reached, or the cooldown's end)."""

    allowed: bool
    message: Message | None = None


def retake(store: GraphStore, user: str, attempt: Attempt, *, now: datetime) -> Retake | None:
    """For the result page: may the trainee try this quiz again?  None when the question does
    not arise (a practice round, a passed attempt, an attempt outside a course)."""
    from curricula.progress import course_progress

    if attempt.mode != QUIZ or attempt.passed or not attempt.course or attempt.is_open:
        return None
    quiz_def = load_quiz(store, attempt.quiz)
    progress = course_progress(store, user, attempt.course, now=now)
    if quiz_def.kind == "refresher" and progress.current_certificate is not None and \
            progress.current_certificate.status(now) == "valid":
        return None
    previous = progress.quiz_attempts(attempt.quiz)
    try:
        _check_another(quiz_def, previous, progress, now)
    except (AttemptLimitReached, CoolingDown) as exc:
        return Retake(False, exc.message)
    return Retake(True)


# --- viewing and answering ---------------------------------------------------------------------

def view_attempt(store: GraphStore, user: str, attempt_id: str, *, now: datetime, issuer=None) -> AttemptView:
    """The attempt as the trainee sees it.  An open attempt past its time is closed (late)."""
    attempt = _own(store, user, attempt_id)
    if attempt.is_open and _past_deadline(attempt, now):
        attempt, _ = _close(store, attempt, now=now, late=True, issuer=issuer)
    questions = load_questions(store, attempt.questions)
    views = [question_view(questions[q], attempt.order_of(q), i + 1)
             for i, q in enumerate(attempt.questions) if q in questions]
    answered = store_attempts.attempt_answers(store, attempt.id)
    quiz_def = load_quiz(store, attempt.quiz) if attempt.mode == QUIZ else None
    return AttemptView(attempt, quiz_def, views, answered, attempt.time_left(now) if attempt.is_open else None)


def answer_question(store: GraphStore, user: str, attempt_id: str, question: str, choice: Iterable[int] | None, *,
                    now: datetime, detail: bool = True, issuer=None) -> Feedback:
    """Record the trainee's answer to one question (``choice``: shown option positions) and
    return immediate feedback: right or wrong, the correct options, the explanation and the
    graph nodes behind the question.  A repeated submission returns the first answer.
    ``detail=False`` leaves out the graph links and the count of questions left (a caller that
    shows the feedback on its own page later saves two reads)."""
    from curricula import refreshers

    attempt = _own(store, user, attempt_id)
    if question not in attempt.questions:
        raise QuestionNotInAttempt(N_("这道题不属于本次测验，答案未被接受"))
    q = load_questions(store, [question]).get(question)
    if q is None:
        raise NotFound(N_("题目已不在题库中"))
    shown = _check_choice(q, choice)
    number = attempt.questions.index(question) + 1

    def feedback(recorded: RecordedAnswer, duplicate: bool, current: Attempt, message: str = "") -> Feedback:
        links = question_links(store, [question]).get(question, []) if detail else []
        item = _review_item(q, current, number, recorded, links)
        remaining = 0
        if detail:
            answered = store_attempts.attempt_answers(store, current.id)
            remaining = len([x for x in current.questions if x not in answered])
        return Feedback(**item.__dict__, duplicate=duplicate, remaining=remaining, attempt=current, message=message)

    if not attempt.is_open or _past_deadline(attempt, now):
        existing = store_attempts.recorded_answer(store, attempt.id, question)
        if existing is not None:
            return feedback(existing, True, attempt, N_("本题已作答，以第一次提交的答案为准"))
        if attempt.is_open:
            closed, _ = _close(store, attempt, now=now, late=True, issuer=issuer)
            raise TimeLimitExceeded(_late_message(attempt), attempt=closed)
        raise AttemptClosed(N_("本次测验已提交，不能再作答"))

    chosen = to_authoring(attempt.order_of(question), shown)
    right = is_correct(q.answer, chosen)
    spaced = refreshers.spaced_update(store, user, question, right=right, mode=attempt.mode, now=now)
    recorded = store_attempts.record_answer(store, attempt, question, chosen, right, now, spaced)
    if recorded is None:  # the attempt was closed meanwhile
        existing = store_attempts.recorded_answer(store, attempt.id, question)
        if existing is not None:
            return feedback(existing, True, attempt, N_("本题已作答，以第一次提交的答案为准"))
        raise AttemptClosed(N_("本次测验已提交，不能再作答"))
    answer, created = recorded
    return feedback(answer, not created, attempt, "" if created else N_("本题已作答，以第一次提交的答案为准"))


def shown_question(store: GraphStore, user: str, attempt_id: str, question: str) -> QuestionView:
    """A question of the trainee's attempt as shown (no side effects)."""
    attempt = _own(store, user, attempt_id)
    if question not in attempt.questions:
        raise QuestionNotInAttempt(N_("这道题不属于本次测验，答案未被接受"))
    q = load_questions(store, [question]).get(question)
    if q is None:
        raise NotFound(N_("题目已不在题库中"))
    return question_view(q, attempt.order_of(question), attempt.questions.index(question) + 1)


def feedback_for(store: GraphStore, user: str, attempt_id: str, question: str) -> Feedback:
    """The feedback on an answer already recorded (for the page shown after answering)."""
    attempt = _own(store, user, attempt_id)
    if question not in attempt.questions:
        raise QuestionNotInAttempt(N_("这道题不属于本次测验"))
    recorded = store_attempts.recorded_answer(store, attempt.id, question)
    if recorded is None:
        raise NotFound(N_("本题还没有作答"))
    q = load_questions(store, [question]).get(question)
    if q is None:
        raise NotFound(N_("题目已不在题库中"))
    item = _review_item(q, attempt, attempt.questions.index(question) + 1, recorded,
                        question_links(store, [question]).get(question, []))
    answered = store_attempts.attempt_answers(store, attempt.id)
    return Feedback(**item.__dict__, remaining=len([x for x in attempt.questions if x not in answered]),
                    attempt=attempt)


def submit_attempt(store: GraphStore, user: str, attempt_id: str, *, now: datetime,
                   answers: Mapping[str, Iterable[int]] | None = None, issuer=None) -> Result:
    """Submit the attempt, with any answers not sent one by one (question id -> shown
    positions).  A question not in the attempt, or a malformed choice, refuses the whole
    submission before anything is written.  Submitting again returns the recorded result."""
    attempt = _own(store, user, attempt_id)
    answers = dict(answers or {})
    unknown = [q for q in answers if q not in attempt.questions]
    if unknown:
        raise QuestionNotInAttempt(N_("提交中有 %(n)s 道题不属于本次测验，整份答卷未被接受"), params={"n": len(unknown)},
                                   questions=unknown)
    questions = load_questions(store, attempt.questions)
    checked = {q: _check_choice(questions[q], c) for q, c in answers.items() if c}
    if not attempt.is_open:
        return review(store, user, attempt.id, message=N_("本次测验已提交，以下是已记录的结果"))
    if _past_deadline(attempt, now):
        closed, certificate = _close(store, attempt, now=now, late=True, issuer=issuer)
        raise TimeLimitExceeded(_late_message(attempt), attempt=closed, certificate=certificate)
    from curricula import refreshers

    for q, shown in checked.items():
        chosen = to_authoring(attempt.order_of(q), shown)
        right = is_correct(questions[q].answer, chosen)
        spaced = refreshers.spaced_update(store, user, q, right=right, mode=attempt.mode, now=now)
        store_attempts.record_answer(store, attempt, q, chosen, right, now, spaced)
    finished, certificate = _close(store, attempt, now=now, late=False, issuer=issuer)
    result = review(store, user, finished.id)
    result.certificate = certificate
    return result


def review(store: GraphStore, user: str, attempt_id: str, *, staff: bool = False, message: str = "") -> Result:
    """Every question of an attempt with the answer given, the correct one and the explanation
    (shown only once the attempt is submitted)."""
    attempt = _own(store, user, attempt_id, staff=staff)
    questions = load_questions(store, attempt.questions)
    answered = store_attempts.attempt_answers(store, attempt.id)
    links = question_links(store, attempt.questions) if not attempt.is_open else {}
    items = []
    for i, q in enumerate(attempt.questions):
        if q not in questions:
            continue
        item = _review_item(questions[q], attempt, i + 1, answered.get(q), links.get(q, []))
        if attempt.is_open:  # no answers or explanations before submission
            item = ReviewItem(item.question, item.chosen, [], False, item.answered, "", [])
        items.append(item)
    quiz_def = load_quiz(store, attempt.quiz) if attempt.mode == QUIZ else None
    return Result(attempt, quiz_def, items, message=message)
