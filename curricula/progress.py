"""Enrolment, reading and progress through a course.

* A user enrols themselves, or an admin enrols them (``enrolled_by`` records who).
* A module is *complete* when every unit is read and its knowledge check has been passed
  (fully correct); a module without a knowledge check is complete when its units are read.
* Modules open in order: a module is *unlocked* when every module before it is complete.  The
  final exam opens when every module is complete.
* The enrolment remembers the last unit or quiz visited (``last_node``), to resume there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from curricula.attempts import PRACTICE, Attempt, user_attempts
from curricula.bank import CourseDef, ModuleDef, load_course
from curricula.clock import iso, parse
from curricula.errors import N_, NotAllowed, NotFound
from kg.store.base import GraphStore


@dataclass(frozen=True)
class UserInfo:
    id: str
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    organization: str | None = None
    community: str | None = None

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


def get_user(store: GraphStore, user: str) -> UserInfo | None:
    node = store.get_node(user) if isinstance(user, str) and 0 < len(user) <= 200 else None
    if node is None or node["label"] != "User":
        return None
    p = node["properties"]
    return UserInfo(id=node["id"], username=p.get("username", node["id"]),
                    display_name=p.get("display_name") or p.get("username") or node["id"],
                    roles=tuple(p.get("roles") or ()), active=bool(p.get("active", True)),
                    organization=p.get("organization") or None, community=p.get("community") or None)


def require_user(store: GraphStore, user: str) -> UserInfo:
    info = get_user(store, user)
    if info is None:
        raise NotFound(N_("没有用户 %(username)s"), params={"username": user})
    if not info.active:
        raise NotAllowed(N_("用户 %(username)s 已停用"), params={"username": info.username})
    return info


# --- enrolment ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Enrolment:
    user: str
    course: str
    enrolled_at: datetime
    enrolled_by: str
    last_node: str | None = None
    last_at: datetime | None = None
    course_name: str | None = None

    @classmethod
    def from_row(cls, user: str, course: str, p: dict, name: str | None = None) -> Enrolment:
        return cls(user, course, parse(p["enrolled_at"]), p.get("enrolled_by") or user, p.get("last_node"),
                   parse(p["last_at"]) if p.get("last_at") else None, name)


def enrol(store: GraphStore, user: str, course: str, *, now: datetime, by: str | None = None) -> Enrolment:
    """Enrol ``user`` in ``course``: themselves, or by an admin (``by``).  Enrolling twice keeps
    the first enrolment."""
    require_user(store, user)
    if by and by != user:
        admin = require_user(store, by)
        if not admin.has_role("admin"):
            raise NotAllowed(N_("只有管理员可以为他人报名"))
    node = store.get_node(course)
    if node is None or node["label"] != "Course":
        raise NotFound(N_("没有课程 %(course)s"), params={"course": course})
    rows = store.run_write("training_enrol", user=user, course=course, now=iso(now), by=by or user)
    return Enrolment.from_row(user, course, rows[0]["properties"], node["properties"].get("name"))


def enrolments(store: GraphStore, user: str) -> list[Enrolment]:
    return [Enrolment.from_row(user, r["course"], r["properties"], r["name"])
            for r in store.run_read("training_enrolments", user=user, course=None)]


def enrolment(store: GraphStore, user: str, course: str) -> Enrolment | None:
    rows = store.run_read("training_enrolments", user=user, course=course)
    return Enrolment.from_row(user, course, rows[0]["properties"], rows[0]["name"]) if rows else None


def require_enrolment(store: GraphStore, user: str, course: str) -> Enrolment:
    found = enrolment(store, user, course)
    if found is None:
        raise NotAllowed(N_("请先报名参加本课程"))
    return found


def enrolled_users(store: GraphStore, course: str) -> list[dict]:
    return [{"user": r["user"], "display_name": r["display_name"] or r["username"] or r["user"],
             **r["properties"]} for r in store.run_read("training_course_enrolled", course=course)]


def touch(store: GraphStore, user: str, course: str, node: str, *, now: datetime) -> None:
    """Remember ``node`` (a unit, module or quiz) as the place to resume the course."""
    store.run_write("training_touch_enrolment", user=user, course=course, node=node, now=iso(now))


def mark_read(store: GraphStore, user: str, course: str, unit: str, *, now: datetime,
              course_def: CourseDef | None = None) -> datetime:
    """Record that ``user`` has read ``unit`` (of a module they may open); returns the first
    reading time."""
    progress = course_progress(store, user, course_def or course, now=now)
    module = progress.module_of_unit(unit)
    if module is None:
        raise NotFound(N_("课程中没有单元 %(unit)s"), params={"unit": unit})
    if not module.unlocked:
        raise NotAllowed(N_("请先完成前面的模块"))
    rows = store.run_write("training_mark_read", user=user, unit=unit, course=progress.course.id, now=iso(now))
    return parse(rows[0]["read_at"])


# --- progress ----------------------------------------------------------------------------

@dataclass
class ModuleProgress:
    module: ModuleDef
    units_read: dict[str, datetime]
    knowledge_check_passed: bool
    knowledge_check_attempts: int
    unlocked: bool = False

    @property
    def units_total(self) -> int:
        return len(self.module.units)

    @property
    def all_read(self) -> bool:
        return all(u.id in self.units_read for u in self.module.units)

    @property
    def complete(self) -> bool:
        return self.all_read and (self.module.knowledge_check is None or self.knowledge_check_passed)

    @property
    def percent(self) -> int:
        steps = self.units_total + (1 if self.module.knowledge_check else 0)
        done = len(self.units_read) + (1 if self.knowledge_check_passed else 0)
        return round(100 * done / steps) if steps else 100


@dataclass
class CourseProgress:
    course: CourseDef
    enrolment: Enrolment | None
    modules: list[ModuleProgress]
    attempts: list[Attempt] = field(default_factory=list)
    certificates: list = field(default_factory=list)  # certificates.Certificate, newest first
    signoffs: list = field(default_factory=list)  # certificates.Signoff

    @property
    def enrolled(self) -> bool:
        return self.enrolment is not None

    def module(self, module_id: str | None) -> ModuleProgress:
        for m in self.modules:
            if m.module.id == module_id:
                return m
        raise NotFound(N_("课程《%(course)s》中没有模块 %(module)s"), params={"course": self.course.name, "module": module_id})

    def module_of_unit(self, unit: str) -> ModuleProgress | None:
        for m in self.modules:
            if any(u.id == unit for u in m.module.units):
                return m
        return None

    @property
    def modules_complete(self) -> bool:
        return all(m.complete for m in self.modules)

    @property
    def final_unlocked(self) -> bool:
        return self.enrolled and self.modules_complete and self.course.final is not None

    def quiz_attempts(self, quiz: str) -> list[Attempt]:
        return [a for a in self.attempts if a.quiz == quiz and a.mode != PRACTICE]

    @property
    def final_attempts(self) -> list[Attempt]:
        return self.quiz_attempts(self.course.final.id) if self.course.final else []

    @property
    def final_passed(self) -> Attempt | None:
        passed = [a for a in self.final_attempts if a.passed]
        return passed[-1] if passed else None

    @property
    def percent(self) -> int:
        if not self.modules:
            return 0
        return round(sum(m.percent for m in self.modules) / len(self.modules))

    @property
    def current_certificate(self):
        return next((c for c in self.certificates if c.superseded_by is None), None)

    @property
    def studied(self) -> bool:
        """Everything to study is done: every module complete and the final exam (if any) passed
        (what may be left is the instructor's practical-skill sign-off)."""
        return self.enrolled and self.modules_complete and (self.course.final is None or self.final_passed is not None)

    def resume(self) -> tuple[str, str] | None:
        """Where to continue: the last unit or quiz visited, else the first unread unit or the
        first knowledge check not passed, else the final exam.  ("unit" | "quiz", id); None
        when there is nothing left to study."""
        if self.studied:
            return None
        if self.enrolment and self.enrolment.last_node:
            node = self.enrolment.last_node
            if self.module_of_unit(node) is not None:
                return ("unit", node)
            if any(m.module.knowledge_check and m.module.knowledge_check.id == node for m in self.modules) or \
                    (self.course.final and self.course.final.id == node):
                return ("quiz", node)
        for m in self.modules:
            if not m.unlocked:
                break
            for u in m.module.units:
                if u.id not in m.units_read:
                    return ("unit", u.id)
            if m.module.knowledge_check and not m.knowledge_check_passed:
                return ("quiz", m.module.knowledge_check.id)
        final = self.course.final
        if self.final_unlocked and not self.final_passed and final is not None:  # unlocked: there is one
            return ("quiz", final.id)
        return None


def course_progress(store: GraphStore, user: str, course: str | CourseDef, *, now: datetime) -> CourseProgress:
    from curricula.certificates import user_certificates, user_signoffs

    course_def = course if isinstance(course, CourseDef) else load_course(store, course)
    enrol_row = enrolment(store, user, course_def.id)
    unit_ids = [u.id for m in course_def.modules for u in m.units]
    read = {r["unit"]: parse(r["read_at"]) for r in store.run_read("training_units_read", user=user, units=unit_ids)} \
        if unit_ids else {}
    attempts = user_attempts(store, user)
    modules: list[ModuleProgress] = []
    unlocked = enrol_row is not None
    for m in course_def.modules:
        kc = m.knowledge_check
        kc_attempts = [a for a in attempts if kc and a.quiz == kc.id and a.mode != PRACTICE]
        mp = ModuleProgress(module=m, units_read={u.id: read[u.id] for u in m.units if u.id in read},
                            knowledge_check_passed=any(a.passed for a in kc_attempts),
                            knowledge_check_attempts=len(kc_attempts), unlocked=unlocked)
        modules.append(mp)
        unlocked = unlocked and mp.complete
    course_attempts = [a for a in attempts if a.course == course_def.id or
                       any(m.module.knowledge_check and a.quiz == m.module.knowledge_check.id for m in modules)]
    certs = [c for c in user_certificates(store, user) if c.course == course_def.id]
    signoffs = [s for s in user_signoffs(store, user) if s.course == course_def.id]
    return CourseProgress(course=course_def, enrolment=enrol_row, modules=modules, attempts=course_attempts,
                          certificates=certs, signoffs=signoffs)
