"""Forms of the application pages (Flask-WTF: CSRF on every form)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp


class VersionForm(FlaskForm):
    """Carries the assessment version the user loaded (the concurrent-edit check)."""

    version = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}$")])


class DecisionForm(VersionForm):
    answer = StringField(validators=[Optional(), Length(max=40)])
    reason = TextAreaField(validators=[Optional(), Length(max=1000)])


class LevelForm(VersionForm):
    text = TextAreaField(validators=[Optional(), Length(max=2000)])
    criterion = HiddenField(validators=[Optional(), Length(max=200)])
    points = StringField(validators=[Optional(), Length(max=20)])
    held = StringField(validators=[Optional(), Length(max=20)])
    to = StringField(validators=[Optional(), Length(max=20)])
