from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from kg.accounts import DISPLAY_NAME_MAX, ROLES
from web.auth.forms import LOCALE_CHOICES, new_password_fields, username_field
from web.forms import AtLeastOneChecked, MultiCheckboxField
from web.i18n import _l

ROLE_NAMES = {"trainee": _l("学员"), "community": _l("社区用户"), "reviewer": _l("审核员"), "instructor": _l("培训教员"),
              "admin": _l("管理员")}


def role_field():
    return MultiCheckboxField(_l("角色"), choices=[SelectChoice(r, ROLE_NAMES[r]) for r in ROLES],
                              validators=[AtLeastOneChecked(_l("至少选择一个角色"))])


def community_field():
    return SelectField(_l("所属社区（社区用户必填）"), choices=[], validate_choice=True)


class UserCreateForm(FlaskForm):
    username = username_field()
    display_name = StringField(_l("显示名称"), validators=[Optional(), Length(max=DISPLAY_NAME_MAX)],
                               render_kw={"maxlength": DISPLAY_NAME_MAX})
    password, confirm = new_password_fields()
    roles = role_field()
    community = community_field()
    locale = SelectField(_l("界面语言"), choices=LOCALE_CHOICES)
    submit = SubmitField(_l("创建账户"))


class RolesForm(FlaskForm):
    roles = role_field()
    community = community_field()
    submit = SubmitField(_l("保存角色"))


class ActiveForm(FlaskForm):
    active = BooleanField(_l("账户可用"))
    submit = SubmitField(_l("保存状态"))


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("重置密码"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("操作人（用户 ID）"), validators=[Optional(), Length(max=200)], render_kw={"maxlength": 200})
    action = StringField(_l("操作"), validators=[Optional(), Length(max=64), Regexp(r"^[a-z0-9_.-]*$")],
                         render_kw={"maxlength": 64})
