"""Form pieces shared by the platform's forms."""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (one per choice)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def safe_next(target: str | None) -> str | None:
    """A local path to return to after signing in, or None (no open redirects)."""
    if not target or not isinstance(target, str) or len(target) > 500:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target
