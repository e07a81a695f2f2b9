"""Checkbox groups must be answerable in a browser: no ``required`` on each box (the browser
would refuse to submit until every box is ticked), and the server still asks for one."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from web.admin.forms import RolesForm
from web.training.forms import MultipleAnswerForm, SingleAnswerForm


@pytest.fixture
def app(tmp_path):
    from kg.store.embedded import EmbeddedStore
    from tests.web.platform_fixtures import make_app

    store = EmbeddedStore(tmp_path / "forms.kgl")
    yield make_app(store, WTF_CSRF_ENABLED=False)
    store.close()


def _inputs(html: str, kind: str) -> list[str]:
    return re.findall(rf'<input[^>]*type="{kind}"[^>]*>', html)


def test_multiple_answer_boxes_are_not_each_required(app):
    with app.test_request_context():
        form = MultipleAnswerForm(formdata=None)
        form.choice.choices = [(0, "a"), (1, "b"), (2, "c")]
        boxes = _inputs(str(form.choice()), "checkbox")
        assert len(boxes) == 3
        assert not any("required" in box for box in boxes), boxes


def test_single_answer_radios_stay_required(app):
    with app.test_request_context():
        form = SingleAnswerForm(formdata=None)
        form.choice.choices = [(0, "a"), (1, "b")]
        radios = _inputs(str(form.choice()), "radio")
        assert radios and all("required" in r for r in radios)


@pytest.mark.parametrize("ticked, ok", [([], False), (["1"], True), (["0", "2"], True)])
def test_the_server_asks_for_at_least_one_box(app, ticked, ok):
    with app.test_request_context(method="POST"):
        form = MultipleAnswerForm(formdata=MultiDict([("question", "q.1")] + [("choice", t) for t in ticked]))
        form.choice.choices = [(0, "a"), (1, "b"), (2, "c")]
        assert form.validate() is ok
        if not ok:
            assert form.choice.errors == ["请至少选择一项"]


def test_role_boxes_are_not_each_required(app):
    with app.test_request_context():
        form = RolesForm(formdata=None)
        boxes = _inputs(str(form.roles()), "checkbox")
        assert len(boxes) >= 5 and not any("required" in b for b in boxes)
