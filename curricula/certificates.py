"""Practical-skill sign-offs and certificates.

A certificate for a course is issued when the trainee has (1) passed the course's final exam and
(2) a passing practical-skill sign-off, recorded by an instructor or admin, for every skill the
course lists in ``practical_skills`` (for a course that lists none: one passing sign-off).  Only
exams and sign-offs after the trainee's previous certificate for the course count, so an expired
certificate is not replaced by old results.

A certificate is valid for the course's ``certificate_years`` (default 3) from its issue date.
Its status at a moment: ``valid``; ``expiring`` (valid, but expiring within 90 days);
``expired``; or ``superseded`` (renewed by a later certificate).  Passing the course's refresher
quiz while the latest certificate is expiring or expired issues a renewal: a new certificate for
a full period from the renewal date, which supersedes the old one.

Every certificate has a verification code (``XXXX-XXXX-XXXX``, no look-alike characters) that the
public verification page looks up.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from curricula.attempts import Attempt, digest
from curricula.bank import DEFAULT_CERTIFICATE_YEARS, CourseDef, load_course
from curricula.clock import add_years, iso, parse
from curricula.errors import N_, InvalidAnswer, NotAllowed, NotFound, TrainingError
from kg.store.base import GraphStore

EXPIRING_DAYS = 90
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_RE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
ASSESSOR_ROLES = ("instructor", "admin")
SIGNOFF_RESULTS = ("pass", "fail")
#: The skill recorded for a course that lists no practical skills.
GENERAL_SKILL = N_("综合实操")
#: Simplified Chinese labels (msgids: templates show ``_(STATUS_LABELS[status])``).
STATUS_LABELS = {"valid": N_("有效"), "expiring": N_("即将到期"), "expired": N_("已过期"),
                 "superseded": N_("已续期（被新证书取代）")}


@dataclass(frozen=True)
class Certificate:
    id: str
    code: str
    user: str
    course: str
    issued_at: datetime
    expires_at: datetime
    years: int
    via: str = "final"
    renews: str | None = None
    superseded_by: str | None = None
    attempt: str | None = None
    issuer: str | None = None      # the issuing organization when it was issued (CEM_CERTIFICATE_ISSUER)
    signatory: str | None = None   # who signed it (CEM_CERTIFICATE_SIGNATORY)

    def status(self, now: datetime) -> str:
        if self.superseded_by:
            return "superseded"
        if now >= self.expires_at:
            return "expired"
        if self.expires_at - now <= timedelta(days=EXPIRING_DAYS):
            return "expiring"
        return "valid"

    def days_left(self, now: datetime) -> int:
        return (self.expires_at - now).days

    @classmethod
    def from_properties(cls, cert: str, p: dict) -> Certificate:
        return cls(id=cert, code=p["code"], user=p["user"], course=p["course"], issued_at=parse(p["issued_at"]),
                   expires_at=parse(p["expires_at"]), years=int(p.get("years") or DEFAULT_CERTIFICATE_YEARS),
                   via=p.get("via", "final"), renews=p.get("renews"), superseded_by=p.get("superseded_by"),
                   attempt=p.get("attempt"), issuer=p.get("issuer") or None, signatory=p.get("signatory") or None)


@dataclass(frozen=True)
class Issuer:
    """Who issues certificates: the organization and the signatory (name and title), written on
    each certificate when it is issued (so a later change of the settings does not rewrite it)."""

    organization: str = ""
    signatory: str = ""

    @classmethod
    def of(cls, settings) -> Issuer:
        """From the platform settings (``CEM_CERTIFICATE_ISSUER``, ``CEM_CERTIFICATE_SIGNATORY``)."""
        return cls(settings.certificate_issuer or "", settings.certificate_signatory or "")


@dataclass(frozen=True)
class Signoff:
    id: str
    user: str
    course: str
    skill: str
    assessor: str
    assessed_at: datetime
    recorded_at: datetime
    result: str
    note: str | None = None
    assessor_name: str | None = None

    @property
    def passed(self) -> bool:
        return self.result == "pass"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str | None:
    """A typed verification code in its canonical form, or None when it cannot be one."""
    if not isinstance(text, str):
        return None
    raw = re.sub(r"[\s-]", "", text.upper())[:40]
    if len(raw) != 12:
        return None
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return code if CODE_RE.match(code) else None


# --- reads -------------------------------------------------------------------------------

def user_certificates(store: GraphStore, user: str) -> list[Certificate]:
    """A user's certificates, newest first."""
    certs = [Certificate.from_properties(r["id"], r["properties"])
             for r in store.run_read("training_user_certificates", user=user)]
    certs.sort(key=lambda c: (c.issued_at, c.id), reverse=True)
    return certs


def user_signoffs(store: GraphStore, user: str) -> list[Signoff]:
    out = []
    for r in store.run_read("training_user_signoffs", user=user):
        p = r["properties"]
        out.append(Signoff(id=r["id"], user=p["user"], course=p["course"], skill=p["skill"], assessor=p["assessor"],
                           assessed_at=parse(p["assessed_at"]), recorded_at=parse(p.get("recorded_at") or p["assessed_at"]),
                           result=p["result"], note=p.get("note"), assessor_name=r.get("assessor_name")))
    out.sort(key=lambda s: (s.assessed_at, s.id))
    return out


def get_certificate(store: GraphStore, cert: str) -> Certificate | None:
    node = store.get_node(cert)
    if node is None or node["label"] != "Certificate":
        return None
    return Certificate.from_properties(node["id"], node["properties"])


def verify(store: GraphStore, code: str, *, now: datetime) -> dict | None:
    """What the public verification page shows for a code, or None for an unknown code."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    rows = store.run_read("training_certificate_by_code", code=normalised)
    if not rows:
        return None
    r = rows[0]
    cert = Certificate.from_properties(r["id"], r["properties"])
    status = cert.status(now)
    return {"code": cert.code, "holder": r["holder"] or r["username"] or "", "course": r["course_name"] or cert.course,
            "course_en": r["course_name_en"], "issued_at": cert.issued_at, "expires_at": cert.expires_at,
            "status": status, "status_label": STATUS_LABELS[status], "certificate": cert}


# --- sign-offs ---------------------------------------------------------------------------

def required_skills(course: CourseDef) -> list[str]:
    return list(course.practical_skills) or [GENERAL_SKILL]


def record_signoff(store: GraphStore, *, user: str, course: str, skill: str, assessor: str, result: str,
                   now: datetime, assessed_at: datetime | None = None, note: str | None = None,
                   issuer: Issuer | None = None) -> tuple[Signoff, Certificate | None]:
    """Record an instructor's assessment of a trainee's practical skill (who assessed, when, the
    result), then issue the certificate if the trainee has now met every condition."""
    from curricula.progress import require_enrolment, require_user

    trainee = require_user(store, user)
    examiner = require_user(store, assessor)
    if not examiner.has_role(*ASSESSOR_ROLES):
        raise NotAllowed(N_("只有教员或管理员可以记录实操考核"))
    if examiner.id == trainee.id:
        raise NotAllowed(N_("不能为自己记录实操考核"))
    course_def = load_course(store, course)
    require_enrolment(store, user, course)
    if skill not in required_skills(course_def):
        raise InvalidAnswer(N_("课程《%(course)s》没有实操项目“%(skill)s”"), params={"course": course_def.name, "skill": skill})
    if result not in SIGNOFF_RESULTS:
        raise InvalidAnswer(N_("考核结果须为“合格”或“不合格”"))
    assessed_at = assessed_at or now
    if assessed_at > now + timedelta(minutes=5):
        raise InvalidAnswer(N_("考核时间不能晚于当前时间"))
    if note is not None and len(note) > 1000:
        raise InvalidAnswer(N_("备注最多 %(max)s 个字符"), params={"max": 1000})
    signoff_id = f"signoff.{uuid.uuid4().hex}"
    props = {"user": user, "course": course, "skill": skill, "assessor": assessor, "result": result,
             "assessed_at": iso(assessed_at), "recorded_at": iso(now)}
    if note:
        props["note"] = note.strip()
    rows = store.run_write("training_record_signoff", id=signoff_id, user=user, course=course, assessor=assessor,
                           props=props)
    if not rows:
        raise NotFound(N_("学员、课程或考核人不存在"))
    signoff = Signoff(signoff_id, user, course, skill, assessor, assessed_at, now, result, props.get("note"),
                      examiner.display_name)
    cert = issue_if_eligible(store, user, course_def, now=now, issuer=issuer) if result == "pass" else None
    return signoff, cert


# --- issuing -----------------------------------------------------------------------------

@dataclass
class Eligibility:
    final_passed: Attempt | None
    skills: dict[str, Signoff | None]
    current: Certificate | None

    @property
    def missing_skills(self) -> list[str]:
        return [s for s, so in self.skills.items() if so is None]

    @property
    def eligible(self) -> bool:
        return self.current is None and self.final_passed is not None and not self.missing_skills


def eligibility(store: GraphStore, user: str, course: CourseDef, *, now: datetime) -> Eligibility:
    from curricula.attempts import user_attempts

    certs = [c for c in user_certificates(store, user) if c.course == course.id]
    latest = certs[0] if certs else None
    current = latest if latest and latest.status(now) in ("valid", "expiring") else None
    since = latest.issued_at if latest else None
    final = None
    if course.final:
        passed = [a for a in user_attempts(store, user)
                  if a.quiz == course.final.id and a.mode == "quiz" and a.passed and a.submitted_at
                  and (since is None or a.submitted_at > since)]
        final = passed[-1] if passed else None
    skills: dict[str, Signoff | None] = {}
    signoffs = [s for s in user_signoffs(store, user) if s.course == course.id and (since is None or s.recorded_at > since)]
    for skill in required_skills(course):
        latest_of_skill = [s for s in signoffs if s.skill == skill]
        last = latest_of_skill[-1] if latest_of_skill else None
        skills[skill] = last if last and last.passed else None
    return Eligibility(final, skills, current)


def _issue(store: GraphStore, user: str, course: CourseDef, *, now: datetime, via: str,
           attempt: str | None, renews: Certificate | None, issuer: Issuer | None = None) -> Certificate:
    existing = [c for c in user_certificates(store, user) if c.course == course.id]
    number = len(existing) + 1
    cert_id = f"cert.{digest(user, course.id)}.{number}"
    years = course.certificate_years or DEFAULT_CERTIFICATE_YEARS
    props = {"user": user, "course": course.id, "code": new_code(), "issued_at": iso(now),
             "expires_at": iso(add_years(now, years)), "years": years, "via": via}
    if attempt:
        props["attempt"] = attempt
    if renews:
        props["renews"] = renews.id
    if issuer is not None:
        props.update({k: v for k, v in (("issuer", issuer.organization), ("signatory", issuer.signatory)) if v})
    rows = store.run_write("training_issue_certificate", id=cert_id, user=user, course=course.id, props=props,
                           request=uuid.uuid4().hex, renews=renews.id if renews else None, now=iso(now))
    if not rows:
        raise NotFound(N_("学员或课程不存在"))
    return Certificate.from_properties(cert_id, rows[0]["properties"])


def issue_if_eligible(store: GraphStore, user: str, course: str | CourseDef, *, now: datetime,
                      issuer: Issuer | None = None) -> Certificate | None:
    """Issue the course certificate when the final exam is passed and every practical skill
    signed off; returns the new certificate, or None (not eligible, or already certified)."""
    course_def = course if isinstance(course, CourseDef) else load_course(store, course)
    state = eligibility(store, user, course_def, now=now)
    if not state.eligible or state.final_passed is None:  # eligible: the final is passed
        return None
    return _issue(store, user, course_def, now=now, via="final", attempt=state.final_passed.id, renews=None,
                  issuer=issuer)


def renewable(store: GraphStore, user: str, course: CourseDef, *, now: datetime) -> Certificate | None:
    """The certificate a refresher would renew (the latest, when expiring or expired)."""
    certs = [c for c in user_certificates(store, user) if c.course == course.id and c.superseded_by is None]
    latest = certs[0] if certs else None
    return latest if latest and latest.status(now) in ("expiring", "expired") else None


def renew(store: GraphStore, user: str, course: str | CourseDef, attempt: Attempt, *, now: datetime,
          issuer: Issuer | None = None) -> Certificate:
    """Renew the trainee's certificate after a passed refresher quiz."""
    course_def = course if isinstance(course, CourseDef) else load_course(store, course)
    if not attempt.passed or course_def.refresher is None or attempt.quiz != course_def.refresher.id:
        raise TrainingError(N_("续期须先通过本课程的复训测验"))
    old = renewable(store, user, course_def, now=now)
    if old is None:
        raise NotAllowed(N_("没有需要续期的证书"))
    return _issue(store, user, course_def, now=now, via="refresher", attempt=attempt.id, renews=old, issuer=issuer)


def expiring(store: GraphStore, *, now: datetime, days: int) -> list[dict]:
    """Current certificates that expire within ``days`` days from now, the ``days``-th day
    included (as the trainee's reminder counts: ``refreshers.reminders``)."""
    rows = store.run_read("training_certificates_expiring", **{"from": iso(now), "to": iso(now + timedelta(days=days))})
    return _report_rows(rows, now)


def expired_unrenewed(store: GraphStore, *, now: datetime) -> list[dict]:
    """Certificates that have expired and were never renewed, longest expired first: they stay
    on the staff report (with how long ago they expired) until the holder renews."""
    rows = _report_rows(store.run_read("training_certificates_expired", now=iso(now)), now)
    for r in rows:
        r["days_ago"] = max(0, (now - r["certificate"].expires_at).days)
    return rows


def _report_rows(rows: list[dict], now: datetime) -> list[dict]:
    out = []
    for r in rows:
        cert = Certificate.from_properties(r["id"], r["properties"])
        out.append({"certificate": cert, "holder": r["holder"] or r["username"] or cert.user, "username": r["username"],
                    "organization": r["organization"], "community": r["community"],
                    "course_name": r["course_name"] or cert.course, "days_left": cert.days_left(now),
                    "status": cert.status(now)})
    return out


# --- who is waiting for a practical-skill sign-off -------------------------------------------

QUEUE_LIMIT = 200


@dataclass(frozen=True)
class Waiting:
    """A trainee waiting for an instructor to sign off practical skills of a course."""

    user: str
    username: str
    name: str
    organization: str | None
    community: str | None
    enrolled_at: datetime | None
    final_passed_at: datetime | None   # the final exam passed since their last certificate
    missing: tuple[str, ...]           # required skills without a passing sign-off yet
    signed: tuple[tuple[str, datetime], ...]  # (skill, when) of passing sign-offs that count

    @property
    def ready(self) -> bool:
        """Only the sign-off stands between them and the certificate."""
        return self.final_passed_at is not None


def signoff_queue(store: GraphStore, course: str | CourseDef, *, now: datetime, query: str = "",
                  limit: int = QUEUE_LIMIT) -> list[Waiting]:
    """The trainees of a course waiting for a practical-skill sign-off: enrolled, active, holding
    no current certificate of the course, with a required skill not yet signed off as passed
    (since their last certificate).  Those who have passed the final exam come first (the
    sign-off is all that is left), then by enrolment date.  ``query`` keeps those whose name or
    user name contains it (case-insensitive)."""
    course_def = course if isinstance(course, CourseDef) else load_course(store, course)
    required = required_skills(course_def)
    wanted = (query or "").strip().casefold()
    out = []
    for r in store.run_read("training_signoff_queue", course=course_def.id,
                            final=course_def.final.id if course_def.final else None):
        if r["active"] is False:
            continue
        name = r["display_name"] or r["username"] or r["user"]
        if wanted and wanted not in name.casefold() and wanted not in (r["username"] or "").casefold():
            continue
        certs = sorted((Certificate.from_properties(p.get("id", ""), p) for p in r["certificates"] if p),
                       key=lambda c: c.issued_at, reverse=True)
        latest = certs[0] if certs else None
        if latest is not None and latest.status(now) in ("valid", "expiring"):
            continue
        since = latest.issued_at if latest else None
        passed = [parse(t) for t in r["final_passed"] if t]
        passed = [t for t in passed if since is None or t > since]
        signed: dict[str, datetime] = {}
        for p in sorted((p for p in r["signoffs"] if p), key=lambda p: p.get("recorded_at") or p["assessed_at"]):
            recorded = parse(p.get("recorded_at") or p["assessed_at"])
            if since is not None and recorded <= since:
                continue
            if p.get("result") == "pass":
                signed[p["skill"]] = parse(p["assessed_at"])
            else:
                signed.pop(p["skill"], None)  # a later fail undoes an earlier pass
        missing = tuple(s for s in required if s not in signed)
        if not missing:
            continue
        enrolled = r["enrolment"].get("enrolled_at") if r["enrolment"] else None
        out.append(Waiting(r["user"], r["username"] or "", name, r["organization"], r["community"],
                           parse(enrolled) if enrolled else None, max(passed) if passed else None, missing,
                           tuple((s, signed[s]) for s in required if s in signed)))
    out.sort(key=lambda w: (not w.ready, w.enrolled_at or now, w.name, w.user))
    return out[:limit]
