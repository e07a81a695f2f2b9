"""Shared set-up for the platform's tests: a small graph, one account per role, a signed-in
test client.  Used by tests/web, tests/features/web and tests/browser."""

from __future__ import annotations

import re
import tempfile

from kg import accounts
from kg.settings import Settings
from tests.conftest import fast_hasher  # noqa: F401 - re-exported for older imports
from web import create_app

PASSWORD = "correct-horse-9"
SECRET_KEY = "test-secret-key-" + "0" * 32
#: username -> (roles, community, organization); the reviewer works for the street office whose
#: area holds both communities
USERS = {
    "admin": (("admin",), None, None),
    "trainee": (("trainee",), None, None),
    "reviewer": (("reviewer",), None, "org.street"),
    "instructor": (("instructor",), None, None),
    "comm-a": (("community",), "community.a", None),
    "comm-b": (("community",), "community.b", None),
}
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


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
    store.upsert_nodes("Organization", [
        {"id": "org.committee", "properties": {"name": "社区居民委员会", "name_en": "Residents' committee",
                                               "kind": "body"}},
        {"id": "org.street", "properties": {"name": "某街道办事处", "name_en": "Street office", "kind": "government"}}])
    store.upsert_nodes("Duty", [{"id": "duty.warn", "properties": {"name": "转发预警信息", "name_en": "Relay warnings"}}])
    store.upsert_nodes("Plan", [{"id": "plan.flood", "properties": {"name": "社区防汛应急预案", "name_en": "Community flood plan"}}])
    store.upsert_nodes("Incident", [{"id": "incident.zz", "properties": {"name": "某市特大暴雨灾害", "date": "2021-07-20",
                                                                      "place": "某市"}}])
    store.upsert_nodes("LessonLearned", [{"id": "lesson.zz-1", "properties": {
        "name": "预警未转化为行动", "observation": "o", "lesson": "l", "recommendation": "r"}}])
    store.upsert_nodes("Question", [{"id": "question.q1", "properties": {
        "name": "暴雨红色预警时应当？", "kind": "single", "options": ["a", "b"], "answer": ["a"], "explanation": "e"}}])
    store.upsert_nodes("Community", [
        {"id": "community.a", "properties": {"name": "甲社区", "name_en": "Community A", "area": "org.street"}},
        {"id": "community.b", "properties": {"name": "乙社区", "name_en": "Community B", "area": "org.street"}}])
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
    for username, (roles, community, organization) in USERS.items():
        accounts.create_user(store, username, PASSWORD, roles=roles, community=community, organization=organization,
                             display_name=f"{username} 用户")


#: Flask configuration keys a test may set (everything else is a setting: ``kg.settings``).
FLASK_KEYS = ("TESTING", "WTF_CSRF_ENABLED", "PROPAGATE_EXCEPTIONS", "SERVER_NAME")


def settings_for_test(**values) -> Settings:
    """Settings for a test app: a fixed secret key and a fresh data folder unless given."""
    values.setdefault("secret_key", SECRET_KEY)
    values.setdefault("data_dir", tempfile.mkdtemp(prefix="cem-test-data-"))
    return Settings.of(**values)


def make_app(store, *, clock=None, **config):
    """The app on ``store`` for tests: ``config`` holds settings (``self_registration=True``,
    ``graph_cache_seconds=0`` …) and Flask keys (``TESTING=False`` …); TESTING is on by default."""
    flask = {"TESTING": True}
    flask.update({k: config.pop(k) for k in list(config) if k in FLASK_KEYS})
    app = create_app(settings_for_test(**config), store=store, clock=clock)
    app.config.update(flask)
    return app


def csrf_token(client, url: str = "/login") -> str:
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password})
