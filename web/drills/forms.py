"""Forms of the drill pages (Flask-WTF: CSRF on every form).  The review's findings are read from
the posted form by the route (a variable number of rows) and checked by ``kg.drills``."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from kg.drills.drills import KINDS
from web.forms import AtLeastOneChecked, MultiCheckboxField
from web.i18n import _l


class DrillForm(FlaskForm):
    name = StringField(_l("演练名称"), validators=[DataRequired(), Length(max=60)])
    kind = SelectField(_l("演练形式"), choices=[SelectChoice(k, _l(v)) for k, v in KINDS.items()],
                       validators=[DataRequired()])
    held_on = DateField(_l("演练日期"), validators=[DataRequired()])
    hazards = MultiCheckboxField(_l("情景灾害"), choices=[], validate_choice=True, validators=[AtLeastOneChecked()])
    scenario = TextAreaField(_l("情景描述"), validators=[Optional(), Length(max=1000)])
    scenario_time = StringField(_l("情景时间"), validators=[Optional(), Length(max=60)])
    place = StringField(_l("演练地点"), validators=[Optional(), Length(max=100)])
    objectives = TextAreaField(_l("演练目标（每行一个）"), validators=[DataRequired(), Length(max=2100)])
    residents = IntegerField(_l("参加居民人数"), default=0, validators=[Optional(), NumberRange(0, 100000)])
    volunteers = IntegerField(_l("参加志愿者人数"), default=0, validators=[Optional(), NumberRange(0, 100000)])
    units = IntegerField(_l("参加单位数"), default=0, validators=[Optional(), NumberRange(0, 100000)])
    people = TextAreaField(_l("参加人员（每行一人）"), validators=[Optional(), Length(max=8000)])
    unit_names = TextAreaField(_l("参加单位（每行一个）"), validators=[Optional(), Length(max=8000)])


class ReviewForm(FlaskForm):
    summary = TextAreaField(_l("评估小结"), validators=[Optional(), Length(max=1000)])
