"""The search form (GET: the results page is a shareable link, so it carries no CSRF token —
it changes nothing)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from web.i18n import _l


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("检索内容"), validators=[DataRequired(), Length(max=500)])
    label = SelectMultipleField(_l("类别"), choices=[], validate_choice=True)
    phase = SelectField(_l("阶段"), choices=[], validators=[Optional()])
    hazard = SelectField(_l("灾害风险"), choices=[], validators=[Optional()])
    organization = SelectField(_l("组织或角色"), choices=[], validators=[Optional()])
    year = IntegerField(_l("事件年份"), validators=[Optional(), NumberRange(1900, 2100)])
    method = SelectField(_l("检索方式"), choices=[SelectChoice("hybrid", _l("混合（推荐）")),
                                                  SelectChoice("dense", _l("语义")),
                                                  SelectChoice("keyword", _l("关键词"))], default="hybrid")
