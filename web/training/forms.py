"""Training forms (Flask-WTF, CSRF on)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from web.forms import AtLeastOneChecked, MultiCheckboxField
from web.i18n import _l


class ActionForm(FlaskForm):
    """A button that posts (enrol, mark as read, start, submit, start practice)."""

    course = HiddenField()
    submit = SubmitField(_l("确定"))


class SingleAnswerForm(FlaskForm):
    question = HiddenField(validators=[DataRequired()])
    choice = RadioField(_l("你的答案"), choices=[], coerce=int, validators=[InputRequired(_l("请选择答案"))],
                        validate_choice=True)
    submit = SubmitField(_l("提交本题"))


class MultipleAnswerForm(FlaskForm):
    question = HiddenField(validators=[DataRequired()])
    choice = MultiCheckboxField(_l("你的答案（可多选）"), choices=[], coerce=int,
                                validators=[AtLeastOneChecked(_l("请至少选择一项"))])
    submit = SubmitField(_l("提交本题"))


def answer_form(question, formdata=None):
    """The answer form for a question as shown (options in the attempt's order)."""
    cls = MultipleAnswerForm if question.multiple else SingleAnswerForm
    form = cls(formdata=formdata) if formdata is not None else cls()
    form.choice.choices = [SelectChoice(i, text) for i, text in enumerate(question.options)]
    if formdata is None:
        form.question.data = question.id
    return form


RESULT_CHOICES = [SelectChoice("pass", _l("合格")), SelectChoice("fail", _l("不合格"))]


class SignoffForm(FlaskForm):
    """One trainee's practical-skill assessment (the trainee is chosen from the queue; the time
    is entered in the app's time zone, ``CEM_TIMEZONE``)."""

    skill = SelectField(_l("实操项目"), choices=[], validate_choice=True)
    result = RadioField(_l("考核结果"), choices=RESULT_CHOICES, validators=[DataRequired(_l("请选择考核结果"))])
    assessed_at = DateTimeLocalField(_l("考核时间（留空为现在）"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=1000)], render_kw={"maxlength": 1000, "rows": 3})
    submit = SubmitField(_l("记录考核结果"))


class QueueSearchForm(FlaskForm):
    """The sign-off queue's filter (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    course = SelectField(_l("课程"), choices=[], validate_choice=True)
    q = StringField(_l("姓名或用户名"), validators=[Optional(), Length(max=40)],
                    render_kw={"maxlength": 40, "autocapitalize": "none", "type": "search"})
    submit = SubmitField(_l("查找"))


class AdminEnrolForm(FlaskForm):
    username = StringField(_l("学员用户名"), validators=[DataRequired(_l("请填写学员用户名")), Length(max=40)],
                           render_kw={"autocapitalize": "none", "maxlength": 40})
    course = SelectField(_l("课程"), choices=[], validate_choice=True)
    submit = SubmitField(_l("为其报名"))


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form that changes nothing

    code = StringField(_l("证书验证码"), validators=[DataRequired(_l("请填写验证码")), Length(max=40),
                                                    Regexp(r"^[A-Za-z0-9\s-]+$", message=_l("验证码只含字母、数字和连字符"))],
                       render_kw={"maxlength": 40, "autocapitalize": "characters", "placeholder": "XXXX-XXXX-XXXX"})
    submit = SubmitField(_l("验证"))
