"""Shared set-up for the platform's tests: a small graph, one account per role, a signed-in
test client.  Used by tests/web, tests/features/web and tests/browser."""

from __future__ import annotations

import re

from argon2 import PasswordHasher

from web import accounts, create_app

PASSWORD = "correct-horse-9"
SECRET_KEY = "test-secret-key-" + "0" * 32
#: username -> (roles, community)
USERS = {
    "admin": (("admin",), None),
    "trainee": (("trainee",), None),
    "reviewer": (("reviewer",), None),
    "instructor": (("instructor",), None),
    "comm-a": (("community",), "community.a"),
    "comm-b": (("community",), "community.b"),
}
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def fast_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def seed_graph(store) -> None:
    """Two sources, hazards, a duty held by an organization, a plan, a lesson, a quiz question
    (staff only), two communities."""
    store.upsert_nodes("Source", [
        {"id": "src.law", "properties": {"name": "中华人民共和国突发事件应对法", "name_en": "Emergency Response Law"}},
        {"id": "src.plan", "properties": {"name": "国家突发公共事件总体应急预案"}}])
    store.upsert_nodes("Hazard", [
        {"id": "hazard.family.weather", "properties": {"name": "气象灾害", "name_en": "Meteorological hazards",
                                                       "category": "natural"}},
        {"id": "hazard.rainstorm", "properties": {"name": "暴雨", "name_en": "Rainstorm", "category": "natural",
                                                  "description": "短时强降水<b>可能</b>引发内涝。"}},
        {"id": "hazard.fire", "properties": {"name": "火灾", "name_en": "Fire", "category": "accident"}}])
    store.upsert_nodes("Organization", [{"id": "org.committee", "properties": {
        "name": "社区居民委员会", "name_en": "Residents' committee", "kind": "body"}}])
    store.upsert_nodes("Duty", [{"id": "duty.warn", "properties": {"name": "转发预警信息", "name_en": "Relay warnings"}}])
    store.upsert_nodes("Plan", [{"id": "plan.flood", "properties": {"name": "社区防汛应急预案", "name_en": "Community flood plan"}}])
    store.upsert_nodes("Incident", [{"id": "incident.zz", "properties": {"name": "某市特大暴雨灾害", "date": "2021-07-20",
                                                                      "place": "某市"}}])
    store.upsert_nodes("LessonLearned", [{"id": "lesson.zz-1", "properties": {
        "name": "预警未转化为行动", "observation": "o", "lesson": "l", "recommendation": "r"}}])
    store.upsert_nodes("Question", [{"id": "question.q1", "properties": {
        "name": "暴雨红色预警时应当？", "kind": "single", "options": ["a", "b"], "answer": ["a"], "explanation": "e"}}])
    store.upsert_nodes("Community", [{"id": "community.a", "properties": {"name": "甲社区", "name_en": "Community A"}},
                                     {"id": "community.b", "properties": {"name": "乙社区", "name_en": "Community B"}}])
    store.upsert_relationships([
        {"type": "CITES", "start": "hazard.rainstorm", "end": "src.law", "properties": {"locator": "第十条"}},
        {"type": "CITES", "start": "duty.warn", "end": "src.plan", "properties": {"locator": "3.2"}},
        {"type": "SUBTYPE_OF", "start": "hazard.rainstorm", "end": "hazard.family.weather"},
        {"type": "ADDRESSES", "start": "duty.warn", "end": "hazard.rainstorm",
         "properties": {"source": "src.plan", "locator": "3.2"}},
        {"type": "HAS_DUTY", "start": "org.committee", "end": "duty.warn"},
        {"type": "COVERS", "start": "plan.flood", "end": "hazard.rainstorm"},
        {"type": "INVOLVED", "start": "incident.zz", "end": "hazard.rainstorm"},
        {"type": "FROM_INCIDENT", "start": "lesson.zz-1", "end": "incident.zz"},
        {"type": "ABOUT", "start": "lesson.zz-1", "end": "hazard.rainstorm"},
        {"type": "TESTS", "start": "question.q1", "end": "hazard.rainstorm"},
    ])


def seed_users(store) -> None:
    for username, (roles, community) in USERS.items():
        accounts.create_user(store, username, PASSWORD, roles=roles, community=community,
                             display_name=f"{username} 用户")


def make_app(store, **config):
    settings = {"STORE": store, "TESTING": True, "SECRET_KEY": SECRET_KEY}
    settings.update(config)
    return create_app(settings)


def csrf_token(client, url: str = "/login") -> str:
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password})
