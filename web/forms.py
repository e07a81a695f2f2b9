"""Form pieces shared by the platform's forms."""

from __future__ import annotations

from typing import ClassVar

from wtforms import SelectMultipleField
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from web.i18n import _l


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (one per choice)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AtLeastOneChecked:
    """A checkbox group needs at least one ticked box.

    Unlike ``InputRequired``, it sets no ``required`` flag: rendered on each checkbox, that
    attribute makes the browser refuse to submit until *every* box is ticked."""

    field_flags: ClassVar[dict] = {}

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            field.errors[:] = []
            raise StopValidation(self.message or str(_l("请至少选择一项")))


def safe_next(target: str | None) -> str | None:
    """A local path to return to after signing in, or None (no open redirects)."""
    if not target or not isinstance(target, str) or len(target) > 500:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target
