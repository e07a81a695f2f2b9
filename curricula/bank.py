"""The course catalogue and the question bank: reading course structure from the store, drawing
a quiz from the bank, and the bank report behind ``cem course check``.

A quiz (``Quiz``) checks a module (a knowledge check) or a whole course (final exam, refresher)
through ``QUIZ_FOR``.  Its items are drawn per learning objective: for every objective of the
module (or of every module of the course), ``questions_per_objective`` questions that
``ASSESS`` it.  Questions the trainee saw least often in earlier attempts of the same quiz come
first, ties broken at random, so that two attempts differ wherever the bank allows; options are
shuffled (true/false items keep 正确/错误 in place) and the shown order is stored per attempt.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from curricula.errors import N_, NotFound
from curricula.scoring import DEFAULT_PASS_MARK, FEMA_FLOOR, Key, encode_order
from kg.content.models import FORBIDDEN_OPTIONS
from kg.coverage import FIRST_RESPONDER_GROUPS
from kg.store.base import GraphStore

TRAINING_LABELS = ("Course", "Module", "Unit", "Objective", "Quiz", "Question")
TRAINING_TYPES = ("HAS_MODULE", "HAS_UNIT", "HAS_OBJECTIVE", "ASSESSES", "QUIZ_FOR", "TESTS", "BASED_ON")
DEFAULT_CERTIFICATE_YEARS = 3
#: FEMA EMI: every test bank has at least 10 items.
MIN_FINAL_BANK = 10
#: The groups the seed article names for first-responder training, exactly as written there
#: (one list, kept with the coverage report); a course's ``audience`` lists the ones it is for.
SEED_FIRST_RESPONDER_GROUPS = FIRST_RESPONDER_GROUPS


@dataclass
class UnitRef:
    id: str
    name: str
    order: int


@dataclass
class Objective:
    id: str
    name: str
    module: str
    questions: list[str] = field(default_factory=list)


@dataclass
class QuizDef:
    id: str
    name: str
    kind: str
    pass_mark: float
    questions_per_objective: int = 1
    time_limit_minutes: int | None = None
    max_attempts: int | None = None
    cooldown_minutes: int = 0
    target: str | None = None
    target_label: str | None = None

    @classmethod
    def from_properties(cls, quiz_id: str, p: Mapping, target: str | None = None,
                        target_label: str | None = None) -> QuizDef:
        return cls(id=quiz_id, name=p.get("name", quiz_id), kind=p.get("kind", "final"),
                   pass_mark=float(p.get("pass_mark") or DEFAULT_PASS_MARK),
                   questions_per_objective=int(p.get("questions_per_objective") or 1),
                   time_limit_minutes=p.get("time_limit_minutes"), max_attempts=p.get("max_attempts"),
                   cooldown_minutes=int(p.get("cooldown_minutes") or 0), target=target,
                   target_label=target_label)


@dataclass
class ModuleDef:
    id: str
    name: str
    name_en: str
    order: int
    description: str | None = None
    units: list[UnitRef] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    knowledge_check: QuizDef | None = None


@dataclass
class CourseDef:
    id: str
    name: str
    name_en: str
    kind: str
    description: str | None = None
    certificate_years: int = DEFAULT_CERTIFICATE_YEARS
    practical_skills: list[str] = field(default_factory=list)
    modules: list[ModuleDef] = field(default_factory=list)
    final: QuizDef | None = None
    refresher: QuizDef | None = None

    def module(self, module_id: str | None) -> ModuleDef:
        for m in self.modules:
            if m.id == module_id:
                return m
        raise NotFound(N_("课程《%(course)s》中没有模块 %(module)s"), params={"course": self.name, "module": module_id})

    @property
    def objectives(self) -> list[Objective]:
        return [o for m in self.modules for o in m.objectives]

    def quiz(self, quiz_id: str) -> QuizDef:
        for q in [self.final, self.refresher] + [m.knowledge_check for m in self.modules]:
            if q is not None and q.id == quiz_id:
                return q
        raise NotFound(N_("课程《%(course)s》中没有测验 %(quiz)s"), params={"course": self.name, "quiz": quiz_id})


@dataclass
class Question:
    id: str
    name: str
    kind: str
    options: list[str]
    answer: list[int]
    explanation: str
    scenario: str | None = None

    @property
    def key(self) -> Key:
        return Key(self.id, frozenset(self.answer), len(self.options))

    @classmethod
    def from_node(cls, node: dict) -> Question:
        p = node["properties"]
        return cls(id=node["id"], name=p["name"], kind=p["kind"], options=list(p["options"]),
                   answer=[int(a) for a in p["answer"]], explanation=p.get("explanation", ""),
                   scenario=p.get("scenario"))


def _clean_labels(labels) -> str | None:
    for label in labels or []:
        if label in ("Module", "Course"):
            return label
    return None


# --- reading from the store ------------------------------------------------------------------

def load_quiz(store: GraphStore, quiz_id: str) -> QuizDef:
    rows = store.run_read("training_quiz", quiz=quiz_id)
    if not rows or rows[0]["quiz"] is None:
        raise NotFound(N_("没有测验 %(quiz)s"), params={"quiz": quiz_id})
    row = rows[0]
    targets = [(t, _clean_labels(labels)) for t, labels in zip(row["targets"], row["target_labels"]) if t]
    target, label = targets[0] if targets else (None, None)
    return QuizDef.from_properties(quiz_id, row["quiz"], target, label)


def list_courses(store: GraphStore) -> list[dict]:
    return store.nodes_by_label("Course", limit=1000)


def load_course(store: GraphStore, course_id: str) -> CourseDef:
    """The course with its ordered modules, units, objectives (with question ids) and quizzes."""
    node = store.get_node(course_id)
    if node is None or node["label"] != "Course":
        raise NotFound(N_("没有课程 %(course)s"), params={"course": course_id})
    p = node["properties"]
    course = CourseDef(id=course_id, name=p["name"], name_en=p.get("name_en", ""), kind=p.get("kind", "core"),
                       description=p.get("description"),
                       certificate_years=int(p.get("certificate_years") or DEFAULT_CERTIFICATE_YEARS),
                       practical_skills=list(p.get("practical_skills") or []))
    modules: dict[str, ModuleDef] = {}
    for row in store.run_read("training_course_modules", course=course_id):
        m = modules.get(row["module"])
        if m is None:
            m = modules[row["module"]] = ModuleDef(row["module"], row["name"], row["name_en"] or "",
                                                   int(row["m_order"] or 0), row["description"])
        if row["unit"]:
            m.units.append(UnitRef(row["unit"], row["unit_name"], int(row["unit_order"] or 0)))
    for m in modules.values():
        m.units.sort(key=lambda u: (u.order, u.id))
    for row in store.run_read("training_module_objectives", modules=list(modules)):
        modules[row["module"]].objectives.append(
            Objective(row["objective"], row["name"], row["module"], sorted(q for q in row["questions"] if q)))
    for m in modules.values():
        m.objectives.sort(key=lambda o: o.id)
    for row in store.run_read("training_quizzes_for", targets=list(modules) + [course_id]):
        label = "Course" if row["target"] == course_id else "Module"
        quiz = QuizDef.from_properties(row["id"], row["properties"], row["target"], label)
        if label == "Module" and quiz.kind == "knowledge_check":
            modules[row["target"]].knowledge_check = quiz
        elif label == "Course" and quiz.kind == "final":
            course.final = quiz
        elif label == "Course" and quiz.kind == "refresher":
            course.refresher = quiz
    course.modules = sorted(modules.values(), key=lambda m: (m.order, m.id))
    return course


def courses_of_modules(store: GraphStore, modules: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for row in store.run_read("training_courses_of_modules", modules=list(modules)):
        out[row["module"]].append(row["course"])
    return {k: sorted(v) for k, v in out.items()}


def load_questions(store: GraphStore, ids: Iterable[str]) -> dict[str, Question]:
    return {i: Question.from_node(n) for i, n in store.get_nodes(ids).items() if n["label"] == "Question"}


def question_links(store: GraphStore, ids: Iterable[str]) -> dict[str, list[dict]]:
    """Per question: the graph nodes it tests, is based on, and the objectives it assesses."""
    out: dict[str, list[dict]] = defaultdict(list)
    for row in store.run_read("training_question_links", questions=list(ids)):
        label = next((x for x in row["labels"] if x != "Node"), None)
        out[row["question"]].append({"rel": row["rel"], "id": row["id"], "label": label, "name": row["name"]})
    for links in out.values():
        links.sort(key=lambda link: (link["rel"] != "TESTS", link["rel"], link["id"]))
    return dict(out)


def quiz_objectives(course: CourseDef, quiz: QuizDef) -> list[Objective]:
    if quiz.target_label == "Module":
        return course.module(quiz.target).objectives
    return course.objectives


# --- drawing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draw:
    questions: list[str]
    orders: list[str]


def draw(objectives: list[Objective], per_objective: int, kinds: Mapping[str, tuple[str, int]],
         rng: random.Random | None = None, seen: Mapping[str, int] | None = None) -> Draw:
    """Draw ``per_objective`` questions for every objective, none twice.

    ``kinds`` maps question id -> (kind, number of options); ``seen`` counts how often the
    trainee was shown each question before (least-seen first, ties at random).
    """
    rng = rng or random.SystemRandom()
    seen = seen or {}
    chosen: list[str] = []
    used: set[str] = set()
    for objective in objectives:
        candidates = [q for q in dict.fromkeys(objective.questions) if q not in used and q in kinds]
        rng.shuffle(candidates)
        candidates.sort(key=lambda q: seen.get(q, 0))
        for q in candidates[:per_objective]:
            chosen.append(q)
            used.add(q)
    rng.shuffle(chosen)
    orders = []
    for q in chosen:
        kind, n = kinds[q]
        order = list(range(n))
        if kind != "true_false":
            rng.shuffle(order)
        orders.append(encode_order(order))
    return Draw(chosen, orders)


# --- the whole catalogue (reports) -----------------------------------------------------------

@dataclass
class Catalog:
    """Training nodes and relationships in memory, from content files or from a store."""

    nodes: dict[str, tuple[str, dict]] = field(default_factory=dict)  # id -> (label, properties)
    rels: list[tuple[str, str, str]] = field(default_factory=list)  # (type, start, end)
    #: question id -> [(source id, locator or None)], one entry per citation
    citations: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)

    @classmethod
    def from_content(cls, content) -> Catalog:
        cat = cls()
        for n in content.nodes:
            if n.label in TRAINING_LABELS:
                cat.nodes[n.id] = (n.label, dict(n.properties))
        for r in content.relationships:
            if r.type in TRAINING_TYPES and r.start in cat.nodes:
                cat.rels.append((r.type, r.start, r.end))
            elif r.type == "CITES" and cat.nodes.get(r.start, ("",))[0] == "Question":
                cat.citations.setdefault(r.start, []).append((r.end, r.properties.get("locator")))
        return cat

    @classmethod
    def from_store(cls, store: GraphStore) -> Catalog:
        cat = cls()
        for label in TRAINING_LABELS:
            skip = 0
            while True:
                page = store.nodes_by_label(label, skip=skip, limit=5000)
                for n in page:
                    cat.nodes[n["id"]] = (label, n["properties"])
                if len(page) < 5000:
                    break
                skip += 5000
        for row in store.run_read("training_catalog_relationships", types=list(TRAINING_TYPES)):
            if row["start"] in cat.nodes:
                cat.rels.append((row["type"], row["start"], row["end"]))
        questions = cat.of("Question")
        for start in range(0, len(questions), 1000):
            for row in store.run_read("training_question_citations", questions=questions[start:start + 1000]):
                cat.citations.setdefault(row["question"], []).append((row["source"], row["locator"]))
        return cat

    def of(self, label: str) -> list[str]:
        return sorted(i for i, (kind, _) in self.nodes.items() if kind == label)

    def props(self, node_id: str) -> dict:
        return self.nodes[node_id][1]

    def out(self, rel_type: str, start: str) -> list[str]:
        return [e for t, s, e in self.rels if t == rel_type and s == start]

    def into(self, rel_type: str, end: str) -> list[str]:
        return [s for t, s, e in self.rels if t == rel_type and e == end]



# --- item-writing rules ----------------------------------------------------------------------
#
# Measurable rules for every question bank (the questions that assess the objectives of one
# module).  Each one is checked by ``item_rule_violations`` / ``bank_figures`` and reported by
# ``cem course check``.

#: Kinds with exactly one correct option out of four.
SINGLE_ANSWER_KINDS = ("single", "scenario")
#: Kinds whose options are free text (true/false options are fixed).
CHOICE_KINDS = ("single", "scenario", "multiple")
#: In at most this share of a bank's single-answer items may the key be the uniquely longest
#: option (a test-wise guess of "the longest one" should not pay; by chance it is about 25 %).
KEY_LONGEST_MAX_SHARE = 0.35
#: No option may be more than this many times as long as the shortest, unless the item says
#: why in ``length_ok_because``.
OPTION_LENGTH_MAX_RATIO = 2.0
LENGTH_EXCUSE_FIELD = "length_ok_because"
#: Words that turn a stem negative ("which is NOT …"); they must be emphasised as ``**…**``.
NEGATIVE_MARKERS = ("不正确", "不是", "不应", "不属于", "不包括", "不符合", "不适用", "不能", "不得",
                    "不宜", "不可", "不要", "不对", "错误")
#: Locators that point at a whole document instead of a place in it.
VAGUE_LOCATORS = frozenset({"全文", "全表", "全书", "全篇", "全部", "全部课件", "整篇", "whole document"})
_EMPHASIS = re.compile(r"\*\*[^*]+?\*\*")
#: The page marks the kind of an item itself; a stem must not repeat it ("（多选）").
KIND_MARKER = re.compile(r"[（(]\s*(?:多选|单选|判断|多项选择|单项选择)(?:题)?\s*[）)]")


def option_lengths(options: list[str]) -> list[int]:
    """The length of each option in characters (a CJK character and a digit count the same)."""
    return [len(o.strip()) for o in options]


def key_is_uniquely_longest(options: list[str], answer: list[int]) -> bool:
    """True when a single-answer item's key is longer than every distractor."""
    lengths = option_lengths(options)
    key = int(answer[0])
    return all(lengths[key] > n for i, n in enumerate(lengths) if i != key)


def option_length_ratio(options: list[str]) -> float:
    lengths = option_lengths(options)
    return max(lengths) / max(min(lengths), 1)


def negative_markers(stem: str) -> list[str]:
    """The negative words in a stem, emphasised or not."""
    return [m for m in NEGATIVE_MARKERS if m in stem.replace("**", "")]


def unemphasised_negatives(stem: str) -> list[str]:
    """Negative words outside ``**…**`` emphasis."""
    bare = _EMPHASIS.sub("", stem)
    return [m for m in NEGATIVE_MARKERS if m in bare]


def vague_locator(locator: str | None) -> bool:
    return not locator or locator.strip().strip("。.") in VAGUE_LOCATORS


def item_rule_violations(question_id: str, props: Mapping, citations: list[tuple[str, str | None]]) -> list[str]:
    """The item-writing rules one question breaks (the bank-level share is checked separately)."""
    out: list[str] = []
    kind = props.get("kind")
    options = [str(o) for o in props.get("options") or []]
    stem = str(props.get("name") or "")
    if kind_marker := KIND_MARKER.search(stem):
        out.append(f"question {question_id}: the stem repeats the item kind ({kind_marker.group(0)}); "
                   f"the page shows it")
    for marker in unemphasised_negatives(stem):
        out.append(f"question {question_id}: negative stem: emphasise “{marker}” as **{marker}**")
    lowered = [o.casefold() for o in options]
    for bad in FORBIDDEN_OPTIONS:
        if any(bad in o for o in lowered):
            out.append(f"question {question_id}: option uses “{bad}”")
    if kind in CHOICE_KINDS and options:
        ratio = option_length_ratio(options)
        if ratio > OPTION_LENGTH_MAX_RATIO and not props.get(LENGTH_EXCUSE_FIELD):
            lengths = option_lengths(options)
            out.append(f"question {question_id}: the longest option ({max(lengths)} characters) is {ratio:.1f} times "
                       f"the shortest ({min(lengths)}); at most {OPTION_LENGTH_MAX_RATIO:g} unless "
                       f"`{LENGTH_EXCUSE_FIELD}` says why")
    if not citations:
        out.append(f"question {question_id}: cites no source")
    for source, locator in citations:
        if vague_locator(locator):
            out.append(f"question {question_id}: cites {source} with locator “{locator or ''}”: "
                       f"name the article, section, table or paragraph")
    return out


def bank_figures(bank_id: str, questions: Iterable[str], cat: Catalog) -> dict:
    """Item-writing figures of one bank: key-longest share, option-length ratios, negative stems."""
    single = key_longest = over_ratio = excused = negative = 0
    ratios: list[float] = []
    for q in questions:
        p = cat.props(q)
        options = [str(o) for o in p.get("options") or []]
        if p.get("kind") in SINGLE_ANSWER_KINDS:
            single += 1
            key_longest += key_is_uniquely_longest(options, p["answer"])
        if p.get("kind") in CHOICE_KINDS and options:
            ratio = option_length_ratio(options)
            ratios.append(ratio)
            if ratio > OPTION_LENGTH_MAX_RATIO:
                if p.get(LENGTH_EXCUSE_FIELD):
                    excused += 1
                else:
                    over_ratio += 1
        negative += bool(negative_markers(str(p.get("name") or "")))
    ratios.sort()
    return {"id": bank_id, "single_answer_items": single, "key_longest": key_longest,
            "key_longest_share": key_longest / single if single else 0.0,
            "option_ratio_max": ratios[-1] if ratios else 0.0,
            "option_ratio_median": ratios[len(ratios) // 2] if ratios else 0.0,
            "option_ratio_over_limit": over_ratio, "option_ratio_excused": excused,
            "negative_stems": negative}


@dataclass
class BankReport:
    courses: list[dict] = field(default_factory=list)
    positions: dict[str, Counter] = field(default_factory=dict)  # kind -> Counter(position)
    kinds: Counter = field(default_factory=Counter)
    banks: list[dict] = field(default_factory=list)  # item-writing figures per module bank
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def bank_report(cat: Catalog) -> BankReport:
    """Items per course, module, objective and kind, the spread of correct positions, and the
    rules a bank must meet (violations) or should meet (warnings)."""
    report = BankReport()
    by_out: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_in: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t, s, e in cat.rels:
        by_out[(t, s)].append(e)
        by_in[(t, e)].append(s)
    questions = cat.of("Question")
    for q in questions:
        p = cat.props(q)
        report.kinds[p["kind"]] += 1
        counter = report.positions.setdefault(p["kind"], Counter())
        for a in p["answer"]:
            counter[int(a)] += 1
        if not by_out[("ASSESSES", q)]:
            report.violations.append(f"question {q}: assesses no objective")
        report.violations += item_rule_violations(q, p, cat.citations.get(q, []))
    for quiz in cat.of("Quiz"):
        targets = by_out[("QUIZ_FOR", quiz)]
        if len(targets) != 1:
            report.violations.append(f"quiz {quiz}: checks {len(targets)} modules/courses (must be exactly one)")
    quizzes_of = lambda target: [(qz, cat.props(qz)) for qz in by_in[("QUIZ_FOR", target)]]  # noqa: E731
    modules_in_courses = set()
    for course in cat.of("Course"):
        cp = cat.props(course)
        modules = sorted(by_out[("HAS_MODULE", course)], key=lambda m: (cat.props(m).get("order", 0), m))
        modules_in_courses.update(modules)
        entry: dict[str, Any] = {"id": course, "name": cp.get("name"), "kind": cp.get("kind"), "modules": [], "questions": 0,
                 "audience": list(cp.get("audience") or [])}
        for group in entry["audience"]:
            if group not in SEED_FIRST_RESPONDER_GROUPS:
                report.violations.append(f"course {course}: audience “{group}” is not one of the seed article's "
                                         f"first-responder groups ({'、'.join(SEED_FIRST_RESPONDER_GROUPS)})")
        course_objectives: list[str] = []
        for module in modules:
            objectives = sorted(by_out[("HAS_OBJECTIVE", module)])
            course_objectives += objectives
            mentry: dict[str, Any] = {"id": module, "name": cat.props(module).get("name"), "units": len(by_out[("HAS_UNIT", module)]),
                      "objectives": [], "kinds": Counter(), "questions": 0}
            module_questions: set[str] = set()
            for objective in objectives:
                qs = sorted(by_in[("ASSESSES", objective)])
                kinds = Counter(cat.props(q)["kind"] for q in qs)
                mentry["objectives"].append({"id": objective, "name": cat.props(objective).get("name"),
                                             "questions": len(qs), "kinds": kinds})
                module_questions.update(qs)
            for q in module_questions:
                mentry["kinds"][cat.props(q)["kind"]] += 1
            mentry["questions"] = len(module_questions)
            entry["questions"] += len(module_questions)
            checks = [(qz, p) for qz, p in quizzes_of(module) if p.get("kind") == "knowledge_check"]
            mentry["knowledge_check"] = checks[0][0] if checks else None
            if not objectives:
                report.warnings.append(f"module {module}: has no learning objectives")
            for qz, p in checks:
                per = int(p.get("questions_per_objective") or 1)
                for o in mentry["objectives"]:
                    if o["questions"] < per:
                        report.violations.append(
                            f"quiz {qz}: objective {o['id']} has {o['questions']} questions, the quiz draws {per}")
                    elif o["questions"] == per and p.get("max_attempts") != 1:
                        report.warnings.append(
                            f"quiz {qz}: objective {o['id']} has only {o['questions']} question(s); retakes repeat them")
                if float(p.get("pass_mark", 1)) < 1:
                    report.warnings.append(f"quiz {qz}: a knowledge check is passed only when fully correct "
                                           f"(the engine uses 100 %, not {float(p['pass_mark']):.0%})")
            if objectives and not checks:
                report.warnings.append(f"module {module}: has no knowledge check")
            entry["modules"].append(mentry)
        course_quizzes = quizzes_of(course)
        finals = [(qz, p) for qz, p in course_quizzes if p.get("kind") == "final"]
        if len(finals) > 1 or (modules and not finals and cp.get("kind") == "core"):
            report.violations.append(f"course {course}: has {len(finals)} final exams (must be exactly one)")
        elif modules and not finals:
            report.warnings.append(f"course {course}: has no final exam, so it issues no certificate")
        for qz, p in course_quizzes:
            if p.get("kind") == "knowledge_check":
                report.violations.append(f"quiz {qz}: a knowledge check must check a module, not a course")
                continue
            mark = float(p.get("pass_mark") or DEFAULT_PASS_MARK)
            if mark < FEMA_FLOOR:
                report.violations.append(f"quiz {qz}: pass mark {mark:.0%} is below the 75 % floor (FEMA EMI)")
            per = int(p.get("questions_per_objective") or 1)
            bank = {q for o in course_objectives for q in by_in[("ASSESSES", o)]}
            for o in course_objectives:
                n = len(by_in[("ASSESSES", o)])
                if n < per:
                    report.violations.append(f"quiz {qz}: objective {o} has {n} questions, the quiz draws {per}")
            if p.get("kind") == "final" and len(bank) < MIN_FINAL_BANK:
                report.violations.append(f"quiz {qz}: the bank holds {len(bank)} items, at least "
                                         f"{MIN_FINAL_BANK} are needed (FEMA EMI)")
        entry["final"] = finals[0][0] if finals else None
        entry["refresher"] = next((qz for qz, p in course_quizzes if p.get("kind") == "refresher"), None)
        report.courses.append(entry)
    for module in cat.of("Module"):
        if module not in modules_in_courses:
            report.warnings.append(f"module {module}: belongs to no course")
        module_bank = sorted({q for o in by_out[("HAS_OBJECTIVE", module)] for q in by_in[("ASSESSES", o)]})
        if not module_bank:
            continue
        figures = bank_figures(module, module_bank, cat)
        report.banks.append(figures)
        if figures["key_longest_share"] > KEY_LONGEST_MAX_SHARE:
            report.violations.append(
                f"bank {module}: the key is the uniquely longest option in {figures['key_longest']} of "
                f"{figures['single_answer_items']} single-answer items ({figures['key_longest_share']:.0%}); "
                f"at most {KEY_LONGEST_MAX_SHARE:.0%}")
    for kind, counter in report.positions.items():
        if kind in ("single", "scenario"):
            total = sum(counter.values())
            if total >= 20:
                for pos in range(4):
                    share = counter.get(pos, 0) / total
                    if share > 0.4 or share < 0.1:
                        report.warnings.append(
                            f"{kind} items: {share:.0%} have the correct option at position {pos + 1} "
                            f"(aim for about 25 %; options are shuffled when shown)")
    return report
