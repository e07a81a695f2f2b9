"""Driving the training pages with Flask's test client (used by the web tests, the BDD journeys
and the benchmark)."""

from __future__ import annotations

import re

from curricula.attempts import get_attempt
from kg import accounts
from tests.training.factory import right_choice, wrong_choice
from tests.web.platform_fixtures import PASSWORD, csrf_token, login, make_app

ATTEMPT_RE = re.compile(r"/training/attempts/([^/?#]+)")
QUESTION_RE = re.compile(r'name="question" type="hidden" value="([^"]+)"')


def create_account(store, username: str, roles=("trainee",), display_name: str | None = None, **extra) -> str:
    return accounts.create_user(store, username, PASSWORD, roles=roles, display_name=display_name or username,
                                **extra).id


class Browser:
    """A signed-in test client with the training steps a person takes."""

    def __init__(self, app, store, username: str):
        self.app, self.store, self.username = app, store, username
        self.client = app.test_client()
        self.sign_in()

    def sign_in(self) -> None:
        response = login(self.client, self.username)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        self.token = csrf_token(self.client, "/account")

    def _again_if_signed_out(self, send):
        """A person whose sign-in ended (months passed in the journey) signs in again."""
        response = send()
        if response.status_code == 302 and response.headers.get("Location", "").startswith("/login"):
            self.sign_in()
            response = send()
        return response

    def get(self, url: str, **kw):
        return self._again_if_signed_out(lambda: self.client.get(url, **kw))

    def post(self, url: str, data: dict | None = None, **kw):
        return self._again_if_signed_out(
            lambda: self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kw))

    def start(self, quiz: str, course: str = "") -> str:
        response = self.post(f"/training/quizzes/{quiz}/start", {"course": course})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return ATTEMPT_RE.search(response.headers["Location"]).group(1)

    def current_question(self, attempt: str) -> str | None:
        page = self.get(f"/training/attempts/{attempt}")
        if page.status_code != 200:
            return None
        match = QUESTION_RE.search(page.get_data(as_text=True))
        return match.group(1) if match else None

    def answer(self, attempt: str, question: str, right: bool = True):
        a = get_attempt(self.store, attempt)
        choice = right_choice(self.store, a, question) if right else wrong_choice(self.store, a, question)
        return self.post(f"/training/attempts/{attempt}/answer", {"question": question, "choice": choice})

    def submit(self, attempt: str):
        return self.post(f"/training/attempts/{attempt}/submit")


def training_app(store, **config):
    return make_app(store, **config)
