"""Forms of the plan pages (Flask-WTF: CSRF on every form).  The edit form's paragraphs and
groups are read from the posted form by the route and checked by ``kg.plans.service``, so that a
tampered key is refused, never ignored."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Regexp

from web.forms import MultiCheckboxField
from web.i18n import _l


class DraftForm(FlaskForm):
    hazards = MultiCheckboxField(_l("本社区面临的灾害"), choices=[], validate_choice=True)
    from_assessment = BooleanField(_l("采用本社区最近一次风险评估列出的灾害"))


class VersionForm(FlaskForm):
    """Carries the version the editor loaded (the save guard)."""

    base = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,6}$")])
