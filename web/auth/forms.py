from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from kg.accounts import DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME_RE
from kg.accounts.tokens import LIFETIMES, NAME_MAX
from web.i18n import _l

LOCALE_CHOICES = [SelectChoice("", _l("跟随浏览器")), SelectChoice("zh_Hans_CN", "简体中文", {"lang": "zh-CN"}),
                  SelectChoice("en", "English", {"lang": "en"})]
USERNAME_MESSAGE = _l("用户名须为 2–40 个小写字母、数字或 . _ -，以字母或数字开头")


def username_field(label=None):
    return StringField(label or _l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(max=40),
                                                         Regexp(USERNAME_RE, message=USERNAME_MESSAGE)],
                       render_kw={"autocomplete": "username", "maxlength": 40, "autocapitalize": "none"})


def new_password_fields():
    password = PasswordField(_l("新密码"), validators=[
        DataRequired(_l("请填写密码")),
        Length(min=PASSWORD_MIN, max=PASSWORD_MAX, message=_l("密码长度须为 8–128 个字符"))],
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX})
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(_l("请再次输入密码")), EqualTo("password", message=_l("两次输入的密码不一致"))],
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX})
    return password, confirm


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(max=40)],
                           render_kw={"autocomplete": "username", "maxlength": 40, "autocapitalize": "none"})
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码")), Length(max=PASSWORD_MAX)],
                             render_kw={"autocomplete": "current-password", "maxlength": PASSWORD_MAX})
    next = HiddenField()
    submit = SubmitField(_l("登录"))


class RegisterForm(FlaskForm):
    username = username_field()
    display_name = StringField(_l("显示名称"), validators=[Optional(), Length(max=DISPLAY_NAME_MAX)],
                               render_kw={"autocomplete": "name", "maxlength": DISPLAY_NAME_MAX})
    password, confirm = new_password_fields()
    submit = SubmitField(_l("注册"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请填写当前密码")), Length(max=PASSWORD_MAX)],
                            render_kw={"autocomplete": "current-password", "maxlength": PASSWORD_MAX})
    password, confirm = new_password_fields()
    submit = SubmitField(_l("修改密码"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("显示名称"), validators=[DataRequired(_l("请填写显示名称")),
                                                       Length(max=DISPLAY_NAME_MAX)],
                               render_kw={"autocomplete": "name", "maxlength": DISPLAY_NAME_MAX})
    locale = SelectField(_l("界面语言"), choices=LOCALE_CHOICES, validate_choice=True)
    submit = SubmitField(_l("保存"))


class TokenForm(FlaskForm):
    name = StringField(_l("令牌名称"), validators=[DataRequired(_l("请为令牌起个名字，例如所用的程序")),
                                               Length(max=NAME_MAX)], render_kw={"maxlength": NAME_MAX})
    days = SelectField(_l("有效期"), choices=[SelectChoice(str(d), _l("%(n)s 天", n=d)) for d in LIFETIMES],
                       default=str(LIFETIMES[0]), validate_choice=True)
    submit = SubmitField(_l("生成新的 API 令牌"))


class RevokeTokenForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("撤销"))


class RevokeTokensForm(FlaskForm):
    submit = SubmitField(_l("撤销全部 API 令牌"))
