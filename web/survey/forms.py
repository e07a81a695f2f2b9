from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from web.i18n import _l


class OpenSurveyForm(FlaskForm):
    name = StringField(_l("问卷名称"), validators=[InputRequired(), Length(max=60)])
    size = IntegerField(_l("题目数"), default=10, validators=[InputRequired(), NumberRange(5, 20)])
    pass_mark = DecimalField(_l("及格线（%）"), default=80, places=0,
                             validators=[InputRequired(), NumberRange(60, 100)])


class AnswerForm(FlaskForm):
    """The public answer sheet: CSRF and the honeypot; the answers are read per question."""

    website = StringField(_l("网址（请留空）"))


class CloseForm(FlaskForm):
    pass
