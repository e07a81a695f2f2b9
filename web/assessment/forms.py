"""Forms of the assessment pages (Flask-WTF: CSRF on every form).  Answers to criteria are
read from the posted form by the route and checked by the engine, so that a tampered or
unknown criterion id is reported rather than silently dropped."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from assessments.evidence import KINDS
from web.i18n import _l


class VersionForm(FlaskForm):
    """Carries the assessment version the user loaded (the concurrent-edit check)."""

    version = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}$")])


class AnswersForm(VersionForm):
    section = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,3}$")])
    #: the section to open after saving (the section tabs and "save and continue" are buttons of
    #: this form, so moving on saves what was typed)
    goto = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,3}$")])


class SubmitForm(VersionForm):
    pass


class OpenForm(FlaskForm):
    standard = SelectField(_l("评估标准"), choices=[], validators=[DataRequired()])


class EvidenceForm(FlaskForm):
    criterion = HiddenField(validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("材料类型"), choices=[SelectChoice(k, _l(v)) for k, v in KINDS.items()], validators=[DataRequired()])
    text = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])
    date_done = StringField(_l("日期"), validators=[Optional(), Length(max=10)],
                            render_kw={"type": "date"})
    reference = StringField(_l("文件名称、文号或存放位置"), validators=[Optional(), Length(max=300)])
    file = FileField(_l("文件"))
    section = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,3}$")])


class DeleteEvidenceForm(FlaskForm):
    section = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,3}$")])


class CommentForm(FlaskForm):
    criterion = HiddenField(validators=[Optional(), Length(max=200)])
    text = TextAreaField(_l("评语"), validators=[DataRequired(), Length(max=2000)])


class AdjustForm(VersionForm):
    criterion = HiddenField(validators=[DataRequired(), Length(max=200)])
    points = StringField(_l("调整后的分值"), validators=[Optional(), Length(max=20)])
    held = SelectField(_l("基本条件"), choices=[SelectChoice("", "—"), SelectChoice("met", _l("符合")), SelectChoice("not_met", _l("不符合"))],
                       validators=[Optional()])
    reason = TextAreaField(_l("调整理由"), validators=[DataRequired(), Length(max=2000)])


class DecisionForm(VersionForm):
    comment = TextAreaField(_l("意见"), validators=[Optional(), Length(max=2000)])


class CommunityForm(FlaskForm):
    community_id = StringField(_l("社区编号"), validators=[DataRequired(), Length(max=90)],
                               render_kw={"placeholder": "community.xinhua-nanlu"})
    name = StringField(_l("社区名称"), validators=[DataRequired(), Length(max=100)])
    area = SelectField(_l("所属街道/乡镇（审核单位）"), choices=[], validators=[Optional()])
    first_responder_target = IntegerField(_l("应急第一响应人目标人数"), validators=[Optional(), NumberRange(0, 1_000_000)])
    population = IntegerField(_l("常住人口"), validators=[Optional(), NumberRange(0, 10_000_000)])
    households = IntegerField(_l("户数"), validators=[Optional(), NumberRange(0, 10_000_000)])


class TrackActionForm(FlaskForm):
    """Assign and track one gap-plan action (owner, person, due date, status, evidence)."""

    key = HiddenField(validators=[DataRequired(), Length(max=220)])
    version = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,9}$")])
    owner = SelectField(_l("负责单位"), choices=[], validators=[Optional()], validate_choice=True)
    assignee = StringField(_l("具体负责人"), validators=[Optional(), Length(max=100)], render_kw={"maxlength": 100})
    due = StringField(_l("完成期限"), validators=[Optional(), Length(max=10)], render_kw={"type": "date"})
    status = SelectField(_l("进展"), choices=[], validate_choice=True)
    evidence = TextAreaField(_l("完成情况和证据"), validators=[Optional(), Length(max=2000)],
                             render_kw={"maxlength": 2000, "rows": 3})
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000)], render_kw={"maxlength": 2000, "rows": 2})
