from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from kg.accounts import DISPLAY_NAME_MAX
from web.auth.forms import new_password_fields, username_field
from web.i18n import _l


class FirstAdminForm(FlaskForm):
    username = username_field(_l("管理员用户名"))
    display_name = StringField(_l("显示名称"), validators=[Optional(), Length(max=DISPLAY_NAME_MAX)],
                               render_kw={"maxlength": DISPLAY_NAME_MAX, "autocomplete": "name"})
    password, confirm = new_password_fields()
    submit = SubmitField(_l("创建管理员"))
