"""Records for the evidence-rule tests: accounts with certificates and sign-offs, survey sheets."""

from __future__ import annotations

from datetime import timedelta

from kg import accounts
from kg.survey import survey as sv


def trained_user(store, username: str, community: str, now, *, roles=("trainee",), certified=True, expired=False,
                 signoff=False):
    account = accounts.create_user(store, username, "correct-horse-9", roles=roles, community=community)
    user = f"user.{username}"
    if certified:
        expires = now + (timedelta(days=-1) if expired else timedelta(days=900))
        cert = f"certificate.{username}"
        store.upsert_nodes("Certificate", [{"id": cert, "properties": {
            "course": "course.first-responder", "user": user, "issued_at": (now - timedelta(days=30)).isoformat(),
            "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "code": f"T-{username}"}}])
        store.upsert_relationships([{"type": "HOLDS", "start": user, "end": cert},
                                    {"type": "CERTIFIES", "start": cert, "end": "course.first-responder"}])
    if signoff:
        s = f"signoff.{username}"
        store.upsert_nodes("SkillSignoff", [{"id": s, "properties": {
            "user": user, "course": "course.first-responder", "skill": "cpr", "assessor": "user.boss",
            "result": "pass", "assessed_at": (now - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}}])
        store.upsert_relationships([{"type": "SIGNED_OFF", "start": user, "end": s}])
    return account


def answer_sheets(store, editor, now, *, passed: int, failed: int, community="community.a"):
    survey = sv.open_survey(store, editor, community, name="问卷", size=5, now=now)
    questions = sv.questions_of(store, survey)
    right = {q.id: sorted(q.answer) for q in questions}
    wrong = {q.id: [next(i for i in range(len(q.options)) if i not in q.answer)] for q in questions}
    for _ in range(passed):
        sv.record_response(store, survey, right, now=now)
    for _ in range(failed):
        sv.record_response(store, survey, wrong, now=now)
    return survey
