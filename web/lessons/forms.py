"""Forms of the lessons workspace (Flask-WTF, CSRF on).  The record-shape rules themselves live
in kg.lessons.workspace.check_lesson, shared with any other way of adding a lesson."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from kg.lessons.workspace import FIELD_LIMITS, STATUS_NAMES, STATUSES
from web.forms import MultiCheckboxField
from web.i18n import _l


class LessonForm(FlaskForm):
    name = StringField(_l("标题（一个问题）"), validators=[DataRequired(), Length(max=FIELD_LIMITS["name"])])
    observation = TextAreaField(_l("观察：发生了什么"), validators=[DataRequired(), Length(max=FIELD_LIMITS["observation"])])
    discussion = TextAreaField(_l("分析：为什么会这样"), validators=[Optional(), Length(max=FIELD_LIMITS["discussion"])])
    lesson = TextAreaField(_l("教训"), validators=[DataRequired(), Length(max=FIELD_LIMITS["lesson"])])
    recommendation = TextAreaField(_l("建议：谁、做什么"), validators=[DataRequired(),
                                                                 Length(max=FIELD_LIMITS["recommendation"])])
    act_by = MultiCheckboxField(_l("应由谁落实建议"), choices=[], validate_choice=True)
    phase = SelectField(_l("阶段"), choices=[], validators=[DataRequired()])
    hazards = MultiCheckboxField(_l("灾害风险"), choices=[], validate_choice=True)
    incident = SelectField(_l("来源事件"), choices=[], validators=[Optional()])
    source = SelectField(_l("出处（文件）"), choices=[], validators=[DataRequired()])
    locator = StringField(_l("出处位置（章节、页码）"), validators=[DataRequired(), Length(max=300)])
    confirm_new = BooleanField(_l("我已查看相似的经验教训，确认这是一条新的记录"))
    submit = SubmitField(_l("保存"))


class ActionForm(FlaskForm):
    name = StringField(_l("措施内容"), validators=[DataRequired(), Length(max=200)])
    owner = SelectField(_l("负责组织"), choices=[], validators=[DataRequired()])
    due_date = DateField(_l("完成期限"), validators=[DataRequired()])
    status = SelectField(_l("状态"), choices=[SelectChoice(s, _l(STATUS_NAMES[s])) for s in STATUSES], default="open")
    submit = SubmitField(_l("添加措施"))


class StatusForm(FlaskForm):
    status = SelectField(_l("状态"), choices=[SelectChoice(s, _l(STATUS_NAMES[s])) for s in STATUSES])
    submit = SubmitField(_l("更新"))
