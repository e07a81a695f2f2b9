"""The training pages in English (``?lang=en``): headings, buttons and the engine's messages are
translated; course content (names, unit bodies, question stems and options) stays as written."""

from __future__ import annotations

import html
import re

import pytest

from curricula.clock import FixedClock
from tests.training.factory import COURSE, FINAL, check_id, load_training_content, unit_id
from tests.training.webflow import Browser, create_account, training_app

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
MAIN = re.compile(r'<main id="main"[^>]*>(.*)</main>', re.S)


@pytest.fixture
def alice(store, tmp_path):
    load_training_content(store, tmp_path / "content")
    app = training_app(store, clock=FixedClock("2025-03-01T08:00:00Z"))
    create_account(store, "alice", display_name="李爱丽")
    browser = Browser(app, store, "alice")
    assert browser.get("/training/?lang=en").status_code == 200  # the choice is kept in the session
    return browser


def content_strings(store) -> list[str]:
    """Every text the content and accounts put in the store (longest first)."""
    out = set()
    for record in store.export_records():
        if record["kind"] != "node":
            continue
        for value in record["properties"].values():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and CJK.search(v):
                    out.add(v)
    return sorted(out, key=len, reverse=True)


def ui_text(page: str, store) -> str:
    """The page's main area as text, with the store's content taken out."""
    match = MAIN.search(page)
    assert match, page[:500]
    text = html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))
    for s in content_strings(store):
        text = text.replace(s, " ")
    return text


def assert_english(page: str, store, *expected: str) -> None:
    for phrase in expected:
        assert phrase in page, phrase
    left = CJK.findall(ui_text(page, store))
    assert not left, f"untranslated UI text: {''.join(left)!r}\n{ui_text(page, store)}"


def test_trainee_home_and_quiz_pages_in_english(alice):
    store = alice.store
    home = alice.get("/training/").get_data(as_text=True)
    assert '<html lang="en">' in home
    assert_english(home, store, "My training", "My courses", "You have not enrolled in any course yet.",
                   "Practice on missed questions", "My certificates", "Courses open for enrolment", ">Enrol<")
    assert alice.post(f"/training/courses/{COURSE}/enrol").status_code == 302
    course = alice.get(f"/training/courses/{COURSE}").get_data(as_text=True)
    assert_english(course, store, "Enrolled in “", "Modules", "Locked", "Final exam", "Pass mark")
    assert alice.post(f"/training/courses/{COURSE}/units/{unit_id(1)}/read").status_code == 302
    home = alice.get("/training/").get_data(as_text=True)
    assert_english(home, store, "My courses", "Continue", "No missed questions to review at the moment.",
                   "No certificates yet")

    attempt = alice.start(check_id(1), COURSE)
    quiz = alice.get(f"/training/attempts/{attempt}").get_data(as_text=True)
    assert_english(quiz, store, "0 of ", "questions answered", "Question 1", "Submit answer")
    question = alice.current_question(attempt)
    wrong = alice.answer(attempt, question, right=False)
    feedback = alice.get(wrong.headers["Location"]).get_data(as_text=True)
    assert_english(feedback, store, "Question 1: ", "Incorrect", "Explanation", "Correct answer", "Your choice")


def test_engine_messages_reach_the_page_in_english(alice):
    assert alice.post(f"/training/courses/{COURSE}/enrol").status_code == 302
    refused = alice.post(f"/training/quizzes/{FINAL}/start", {"course": COURSE})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "The final exam opens once every module is complete" in body and "结业考试" not in body
    nothing = alice.post("/training/practice/start")
    assert nothing.status_code == 409
    assert "There are no missed questions to practise now" in nothing.get_data(as_text=True)
    # the same message in Chinese for a Chinese session
    alice.get("/training/?lang=zh")
    again = alice.post("/training/practice/start").get_data(as_text=True)
    assert "现在没有需要练习的错题" in again and "There are no missed questions" not in again
