"""Staff analytics: item analysis of the question bank, and trained-responder coverage.

Item analysis (submitted quiz attempts only; practice rounds are left out):

* difficulty ``p``: the share of attempts that answered the question right (an unanswered
  question counts as wrong);
* discrimination ``d``: within each quiz, attempts are ranked by score and the top and bottom
  thirds compared -- ``d = p(top third) - p(bottom third)`` (pooled over quizzes; needs at least
  three attempts);
* a question is flagged when most people miss it (``p < 0.5``) or when it discriminates the
  wrong way (``d < 0``), once at least ``min_answers`` attempts have seen it: both usually mean
  an unclear stem, a wrong key or an ambiguous distractor;
* questions an attempt lists in ``analytics_excluded`` are left out of it (the attempts are
  ranked on their other questions): ``exclude_from_analysis`` marks them, for answers that say
  nothing about the item -- multiple-select items answered before the browser could submit them
  (every box carried ``required``, so a trainee had to tick all of them or leave the item).

Coverage: trained responders are users holding a current (valid or expiring, not superseded)
certificate for a core course.  They are counted per organization and per community; where a
community's population is known (``Community.population``), the count is compared with the
target per 10,000 residents.  The default target is Shenzhen's: at least 15 trained first
responders per 10,000 residents (深圳市应急管理局, “应急第一响应人”培训开班, 2022 --
src.tr-shenzhen-fr-launch-2022, https://fire.hczyw.com/article.php?id=198685).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from curricula.clock import parse
from curricula.errors import N_, Message
from kg.store.base import GraphStore

MISSED_BY_MOST = 0.5
MIN_ANSWERS = 5
#: Shenzhen: >= 15 trained first responders per 10,000 residents (see module docstring).
TARGET_PER_10K = 15.0
TARGET_SOURCE = N_("深圳市应急管理局“应急第一响应人”培训目标：每万人不少于15名（2022）")


@dataclass
class ItemStats:
    question: str
    name: str = ""
    n: int = 0
    right: int = 0
    top_n: int = 0
    top_right: int = 0
    bottom_n: int = 0
    bottom_right: int = 0
    quizzes: set[str] = field(default_factory=set)
    flags: list[str] = field(default_factory=list)  # Message: str() in Chinese, .translated()

    @property
    def difficulty(self) -> float | None:
        return self.right / self.n if self.n else None

    @property
    def discrimination(self) -> float | None:
        if not self.top_n or not self.bottom_n:
            return None
        return self.top_right / self.top_n - self.bottom_right / self.bottom_n

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def item_analysis(store: GraphStore, *, quiz: str | None = None, min_answers: int = MIN_ANSWERS) -> list[ItemStats]:
    """Difficulty and discrimination of every question seen in submitted quiz attempts, the
    flagged ones first, then the hardest."""
    by_quiz: dict[str, list[tuple[float, list[str], set[str]]]] = defaultdict(list)
    for row in store.run_read("training_submitted_attempts", quiz=quiz):
        excluded = set(row.get("excluded") or [])
        questions = [q for q in row["questions"] or [] if q not in excluded]
        right = set(row["right"] or []) - excluded
        if not excluded:
            score = float(row["score"] or 0.0)
        else:  # ranked on the questions that count
            score = len(right) / len(questions) if questions else 0.0
        by_quiz[row["quiz"]].append((score, questions, right))
    stats: dict[str, ItemStats] = {}
    for quiz_id, attempts in by_quiz.items():
        attempts.sort(key=lambda a: a[0])
        third = len(attempts) // 3
        bottom = attempts[:third] if third else []
        top = attempts[len(attempts) - third:] if third else []
        for group, kind in ((attempts, "all"), (top, "top"), (bottom, "bottom")):
            for _, questions, right in group:
                for q in questions:
                    s = stats.setdefault(q, ItemStats(q))
                    hit = q in right
                    if kind == "all":
                        s.n += 1
                        s.right += hit
                        s.quizzes.add(quiz_id)
                    elif kind == "top":
                        s.top_n += 1
                        s.top_right += hit
                    else:
                        s.bottom_n += 1
                        s.bottom_right += hit
    names = store.get_nodes(list(stats))
    for s in stats.values():
        node = names.get(s.question)
        s.name = node["properties"].get("name", "") if node else Message(N_("（已删除的题目）"))
        difficulty = s.difficulty
        if s.n >= min_answers and difficulty is not None:  # None: no answers yet
            if difficulty < MISSED_BY_MOST:
                s.flags.append(Message(N_("多数人答错（正确率 %(pct)s%%）"), pct=f"{difficulty * 100:.0f}"))
            d = s.discrimination
            if d is not None and d < 0:
                s.flags.append(Message(N_("区分度为负（%(d)s）：高分组反而更常答错"), d=f"{d:+.2f}"))
    return sorted(stats.values(), key=lambda s: (not s.flagged, s.difficulty if s.difficulty is not None else 1, s.question))


@dataclass
class CoverageRow:
    id: str
    name: str
    trained: int
    population: int | None = None
    target_per_10k: float = TARGET_PER_10K

    @property
    def per_10k(self) -> float | None:
        return self.trained * 10000 / self.population if self.population else None

    @property
    def target_count(self) -> int | None:
        if not self.population:
            return None
        import math

        return math.ceil(round(self.population * self.target_per_10k / 10000, 9))

    @property
    def meets_target(self) -> bool | None:
        return None if self.target_count is None else self.trained >= self.target_count

    @property
    def gap(self) -> int | None:
        return None if self.target_count is None else max(0, self.target_count - self.trained)


def trained_counts(store: GraphStore, *, now: datetime, course_kinds: tuple[str, ...] = ("core",),
                   target_per_10k: float = TARGET_PER_10K) -> dict[str, list[CoverageRow]]:
    """Trained responders (distinct users with a current certificate of a course of
    ``course_kinds``) per organization and per community, with the per-10,000 comparison."""
    holders: dict[str, tuple[str | None, str | None]] = {}
    for row in store.run_read("training_certificate_holders"):
        if row["superseded_by"] or (course_kinds and row["course_kind"] not in course_kinds):
            continue
        if parse(row["expires_at"]) <= now:
            continue
        holders[row["user"]] = (row["organization"], row["community"])
    org_counts: dict[str, int] = defaultdict(int)
    com_counts: dict[str, int] = defaultdict(int)
    for org, com in holders.values():
        org_counts[org or ""] += 1
        com_counts[com or ""] += 1
    org_names = {i: n["properties"].get("name", i) for i, n in store.get_nodes([o for o in org_counts if o]).items()}
    communities = {r["id"]: r for r in store.run_read("training_communities")}
    orgs = [CoverageRow(o, org_names.get(o, o) if o else Message(N_("（未填写单位）")), n, target_per_10k=target_per_10k)
            for o, n in org_counts.items()]
    coms = []
    for cid, row in communities.items():
        population = row["population"]
        population = int(population) if isinstance(population, (int, float)) and population > 0 else None
        coms.append(CoverageRow(cid, row["name"] or cid, com_counts.get(cid, 0), population, target_per_10k))
    for cid, n in com_counts.items():
        if cid not in communities:
            coms.append(CoverageRow(cid, cid or Message(N_("（未填写社区）")), n, target_per_10k=target_per_10k))
    orgs.sort(key=lambda r: (-r.trained, r.id))
    coms.sort(key=lambda r: (r.meets_target is not False, -(r.gap or 0), r.id))
    return {"organizations": orgs, "communities": coms, "total": [CoverageRow("all", Message(N_("合计")), len(holders))]}


# --- leaving answers out of item analysis ---------------------------------------------------------

@dataclass
class Exclusion:
    """What ``exclude_from_analysis`` changed (or would change)."""

    attempts: int = 0           # attempts given (or losing) excluded questions
    answers: int = 0            # (attempt, question) pairs newly left out (or brought back)
    questions: set[str] = field(default_factory=set)


def exclude_from_analysis(store: GraphStore, *, kind: str, before: datetime, reason: str, now: datetime,
                          restore: bool = False, dry_run: bool = False) -> Exclusion:
    """Leave the questions of ``kind`` (single, multiple, true_false, scenario) out of item
    analysis in every submitted quiz attempt started before ``before``; ``restore`` brings back
    what an earlier call left out.  Non-destructive: the attempts' answers, scores, results and
    certificates are not touched -- only the ``analytics_excluded`` list on each attempt, with
    ``analytics_excluded_reason`` and ``analytics_excluded_at``.  Running it twice changes nothing
    the second time."""
    from curricula.bank import load_questions
    from curricula.clock import iso

    rows = store.run_read("training_quiz_attempts_before", before=iso(before))
    ids = sorted({q for r in rows for q in r["questions"] or []})
    questions = load_questions(store, ids) if ids else {}
    of_kind = {q for q, question in questions.items() if question.kind == kind}
    result, updates = Exclusion(), []
    for r in rows:
        current = list(r["excluded"] or [])
        shown = [q for q in r["questions"] or [] if q in of_kind]
        if restore:
            new = [q for q in current if q not in of_kind]
            changed = [q for q in current if q in of_kind]
        else:
            new = current + [q for q in shown if q not in current]
            changed = [q for q in shown if q not in current]
        if changed:
            result.attempts += 1
            result.answers += len(changed)
            result.questions.update(changed)
            updates.append({"id": r["id"], "excluded": new})
    if updates and not dry_run:
        store.run_write("training_set_analytics_excluded", rows=updates, reason=reason, now=iso(now))
    return result
