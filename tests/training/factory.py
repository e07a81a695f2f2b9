"""Small, valid training content for tests and the benchmark, written as content files.

One core course ``course.fx`` of ``modules`` modules; each module has one unit, ``objectives``
objectives with ``per_objective`` questions each (single, multiple and true/false in turn), and a
knowledge check; the course has a final exam and a refresher quiz.  The correct option of a
single-answer item is at authoring position ``i % 4``.
"""

from __future__ import annotations

from pathlib import Path

COURSE = "course.fx"
FINAL = "quiz.fx-final"
REFRESHER = "quiz.fx-refresher"
SKILLS = ["心肺复苏与AED使用", "止血包扎固定与搬运"]


def module_id(m: int) -> str:
    return f"module.fx-{m}"


def unit_id(m: int) -> str:
    return f"unit.fx-{m}-a"


def check_id(m: int) -> str:
    return f"quiz.fx-{m}-check"


def objective_id(m: int, o: int) -> str:
    return f"objective.fx-{m}-{o}"


def question_id(m: int, o: int, k: int) -> str:
    return f"question.fx-{m}-{o}-{k}"


def _q(lines, qid, objective, i, kind):
    lines += [f"  - id: {qid}", f"    name: 第{qid.split('.')[-1]}题：下列哪一项做法正确？", f"    kind: {kind}"]
    if kind == "true_false":
        lines += ["    options: [正确, 错误]", f"    answer: [{i % 2}]"]
    elif kind == "multiple":
        lines += [f"    options: [选项甲{i}, 选项乙{i}, 选项丙{i}, 选项丁{i}]", f"    answer: [{i % 4}, {(i + 1) % 4}]"]
    else:
        lines += [f"    options: [做法甲{i}, 做法乙{i}, 做法丙{i}, 做法丁{i}]", f"    answer: [{i % 4}]"]
    lines += [f"    explanation: 第{i}题的解析：依据单元内容，正确做法见教材对应章节。",
              "    sources: [{id: src.fx, locator: 第2章 初期火灾处置}]", "    links:",
              f"      - {{type: ASSESSES, to: {objective}}}",
              "      - {type: TESTS, to: hazard.fx-fire}"]


def write_training_content(folder: Path, *, modules: int = 2, objectives: int = 2, per_objective: int = 3,
                           final_per_objective: int = 1, final_pass_mark: float = 0.8,
                           time_limit_minutes: int | None = 30, max_attempts: int | None = 3,
                           cooldown_minutes: int = 0, certificate_years: int = 3) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a_sources.yaml").write_text(
        "label: Source\nitems:\n  - id: src.fx\n    name: 测试用培训教材\n    issuer: 测试\n"
        "    kind: dataset\n    identifier: FX-1\n", encoding="utf-8")
    (folder / "b_hazards.yaml").write_text(
        "label: Hazard\nitems:\n"
        "  - {id: hazard.family.fx, name: 测试灾害类, name_en: Test family, category: accident, level: family, sources: [src.fx]}\n"
        "  - id: hazard.fx-fire\n    name: 测试火灾\n    name_en: Test fire\n    category: accident\n"
        "    sources: [src.fx]\n    links: [{type: SUBTYPE_OF, to: hazard.family.fx}]\n", encoding="utf-8")
    lines = ["label: Course", "items:", f"  - id: {COURSE}", "    name: 测试应急第一响应人课程",
             "    name_en: Test first responder", "    kind: core", f"    certificate_years: {certificate_years}",
             f"    practical_skills: [{', '.join(SKILLS)}]", "    sources: [src.fx]", "    links:"]
    lines += [f"      - {{type: HAS_MODULE, to: {module_id(m)}}}" for m in range(1, modules + 1)]
    (folder / "c_courses.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mods, units, objs, quizzes, questions = ([f"label: {label}", "items:"] for label in
                                             ("Module", "Unit", "Objective", "Quiz", "Question"))
    i = 0
    kinds = ("single", "multiple", "true_false")
    for m in range(1, modules + 1):
        mods += [f"  - id: {module_id(m)}", f"    name: 测试模块{m}", f"    name_en: Module {m}", f"    order: {m}",
                 "    sources: [src.fx]", "    links:"]
        mods += [f"      - {{type: HAS_OBJECTIVE, to: {objective_id(m, o)}}}" for o in range(1, objectives + 1)]
        units += [f"  - id: {unit_id(m)}", f"    name: 测试单元{m}", "    order: 1",
                  f"    body: \"# 单元{m}\\n\\n这是测试单元的正文，讲解火灾初期处置的要点：发现火情先报警，再在保证自身安全的前提下使用灭火器扑救初期火灾。\"",
                  "    sources: [src.fx]", "    links:", f"      - {{type: HAS_UNIT, from: {module_id(m)}}}",
                  "      - {type: TEACHES, to: hazard.fx-fire}"]
        for o in range(1, objectives + 1):
            objs += [f"  - id: {objective_id(m, o)}", f"    name: 测试目标{m}-{o}：能说出正确做法", "    sources: [src.fx]"]
            for k in range(1, per_objective + 1):
                _q(questions, question_id(m, o, k), objective_id(m, o), i, kinds[i % 3])
                i += 1
        quizzes += [f"  - id: {check_id(m)}", f"    name: 测试知识检查{m}", "    kind: knowledge_check", "    pass_mark: 1.0",
                    "    sources: [src.fx]", f"    links: [{{type: QUIZ_FOR, to: {module_id(m)}}}]"]
    quizzes += [f"  - id: {FINAL}", "    name: 测试结业考试", "    kind: final", f"    pass_mark: {final_pass_mark}",
                f"    questions_per_objective: {final_per_objective}", f"    cooldown_minutes: {cooldown_minutes}"]
    if time_limit_minutes:
        quizzes.append(f"    time_limit_minutes: {time_limit_minutes}")
    if max_attempts:
        quizzes.append(f"    max_attempts: {max_attempts}")
    quizzes += ["    sources: [src.fx]", f"    links: [{{type: QUIZ_FOR, to: {COURSE}}}]",
                f"  - id: {REFRESHER}", "    name: 测试复训测验", "    kind: refresher", "    pass_mark: 0.8",
                "    sources: [src.fx]", f"    links: [{{type: QUIZ_FOR, to: {COURSE}}}]"]
    for name, body in (("d_modules", mods), ("e_units", units), ("f_objectives", objs), ("g_quizzes", quizzes),
                       ("h_questions", questions)):
        (folder / f"{name}.yaml").write_text("\n".join(body) + "\n", encoding="utf-8")
    return folder


def load_training_content(store, folder: Path, **options) -> dict:
    from kg.content.load import load_content
    from kg.content.loader import read_content

    content = read_content([write_training_content(folder, **options)])
    assert content.ok, "\n".join(map(str, content.problems[:20]))
    return load_content(store, content)


def make_user(store, username: str, roles=("trainee",), *, display_name: str | None = None,
              community: str | None = None, organization: str | None = None) -> str:
    """A User node as web.accounts writes it (without a usable password: tests do not sign in
    through the password form)."""
    user = f"user.{username}"
    props = {"username": username, "display_name": display_name or username, "roles": list(roles), "active": True,
             "created_at": "2025-01-01T00:00:00Z", "auth_version": 0}
    if community:
        props["community"] = community
    if organization:
        props["organization"] = organization
    store.upsert_nodes("User", [{"id": user, "properties": props}])
    return user


def make_users(store, usernames, roles=("trainee",), **extra) -> list[str]:
    rows = []
    for username in usernames:
        props = {"username": username, "display_name": username, "roles": list(roles), "active": True,
                 "created_at": "2025-01-01T00:00:00Z", "auth_version": 0}
        props.update({k: v for k, v in extra.items() if v is not None})
        rows.append({"id": f"user.{username}", "properties": props})
    store.upsert_nodes("User", rows)
    return [r["id"] for r in rows]


def right_choice(store, attempt, question: str) -> list[int]:
    """The shown positions of the correct options of ``question`` in ``attempt``."""
    from curricula.bank import load_questions
    from curricula.scoring import to_shown

    q = load_questions(store, [question])[question]
    return to_shown(attempt.order_of(question), q.answer)


def wrong_choice(store, attempt, question: str) -> list[int]:
    right = right_choice(store, attempt, question)
    return [next(i for i in range(len(attempt.order_of(question))) if i not in right)]


def take_quiz(store, user: str, quiz: str, now, *, right: int | None = None, course: str | None = None):
    """Start ``quiz`` and submit it with the first ``right`` questions right (all when None) and
    the rest wrong; returns the Result."""
    from curricula.quiz import start_attempt, submit_attempt

    attempt = start_attempt(store, user, quiz, now=now, course=course)
    answers = {}
    for i, q in enumerate(attempt.questions):
        good = right is None or i < right
        answers[q] = right_choice(store, attempt, q) if good else wrong_choice(store, attempt, q)
    return submit_attempt(store, user, attempt.id, now=now, answers=answers)


def complete_modules(store, user: str, now, modules: int = 2) -> None:
    """Enrol (if needed), read every unit and pass every knowledge check of the fixture course."""
    from curricula.progress import enrol, mark_read

    enrol(store, user, COURSE, now=now)
    for m in range(1, modules + 1):
        mark_read(store, user, COURSE, unit_id(m), now=now)
        result = take_quiz(store, user, check_id(m), now)
        assert result.passed
