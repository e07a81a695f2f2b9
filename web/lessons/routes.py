"""Reviewer pages: thin — validate the form, call kg.lessons.workspace, render."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from kg.lessons.workspace import (
    STATUS_NAMES,
    LessonError,
    add_action,
    add_lesson,
    check_lesson,
    lesson_record,
    overdue_actions,
    overview,
    set_action_status,
)
from kg.search.assist import near_duplicates, similar_lessons
from web import audit
from web.extensions import get_store
from web.graph.names import localize_names
from web.i18n import _, content_lang, display_name
from web.lessons import bp
from web.lessons.forms import ActionForm, LessonForm, StatusForm
from web.search.routes import engine
from web.security import roles_required


def _choices(label: str, *, blank: str | None = None, where=None) -> list[SelectChoice]:
    """The nodes of a label as choices, by their name in the request's language (an option
    shown in Chinese on an English page says so with ``lang``)."""
    nodes = get_store().nodes_by_label(label, limit=5000)
    if where:
        nodes = [n for n in nodes if where(n)]
    out = []
    for n in nodes:
        lang = content_lang(n)
        out.append(SelectChoice(n["id"], display_name(n), render_kw={"lang": lang} if lang else None))
    return ([SelectChoice("", blank)] if blank is not None else []) + out


def _fill(form: LessonForm) -> LessonForm:
    form.act_by.choices = _choices("Organization")
    form.phase.choices = _choices("Phase", blank=_("请选择"))
    form.hazards.choices = _choices("Hazard", where=lambda n: n["properties"].get("level") != "family")
    form.incident.choices = _choices("Incident", blank=_("无（日常工作或演练中发现）"))
    form.source.choices = _choices("Source", blank=_("请选择"))
    return form


def _fields(form: LessonForm) -> dict:
    return {name: getattr(form, name).data for name in ("name", "observation", "discussion", "lesson",
                                                        "recommendation", "act_by", "phase", "hazards",
                                                        "incident", "source", "locator")}


@bp.get("/")
@roles_required("reviewer")
def index():
    rows = overview(get_store())
    localize_names(get_store(), rows)
    overdue = overdue_actions(get_store())
    return render_template("lessons/index.html", rows=rows, overdue_count=len(overdue))


@bp.route("/new", methods=["GET", "POST"])
@roles_required("reviewer")
def new():
    form = _fill(LessonForm())
    duplicates = []
    if form.validate_on_submit():
        fields = _fields(form)
        problems = check_lesson(fields)
        for name, messages in problems.items():
            getattr(form, name).errors = [*getattr(form, name).errors, *(m.translated() for m in messages)]
        if not problems:
            duplicates = near_duplicates(engine(), fields)
            localize_names(get_store(), duplicates)
            if duplicates and not form.confirm_new.data:
                flash(_("这条经验教训与已有记录非常相似，请先查看；确认是新记录后勾选确认框再保存。"), "warning")
            else:
                try:
                    added = add_lesson(get_store(), engine(), fields, actor=current_user.id)
                except LessonError as exc:
                    flash(exc.translated(), "error")
                else:
                    audit.record("lesson.create", added.id, fields["name"])
                    if added.recurrence_of:
                        flash(_("复发警示：这条经验教训与一条整改已完成的旧记录高度相似——问题再次出现。"), "warning")
                    flash(_("经验教训已保存。"), "success")
                    return redirect(url_for("lessons.lesson", lesson_id=added.id))
    return render_template("lessons/new.html", form=form, duplicates=duplicates), (400 if form.errors else 200)


@bp.get("/<lesson_id>")
@roles_required("reviewer")
def lesson(lesson_id):
    record = lesson_record(get_store(), lesson_id)
    if record is None:
        abort(404)
    action_form = ActionForm()
    action_form.owner.choices = _choices("Organization", blank=_("请选择负责组织"))
    try:
        similar = similar_lessons(engine(), lesson_id, k=3)
    except Exception as exc:  # noqa: BLE001 - the page still works without the model
        current_app.logger.warning("similar lessons unavailable: %s", exc)
        similar = []
    for a in record["actions"]:
        a["owner_ref"] = {"id": a["owner"], "name": a["owner_name"]}
    localize_names(get_store(), record["context"], record["repeats"], record["repeated_by"],
                   [a["owner_ref"] for a in record["actions"]], similar)
    return render_template("lessons/lesson.html", record=record, action_form=action_form, status_form=StatusForm(),
                           similar=similar)


@bp.post("/<lesson_id>/actions")
@roles_required("reviewer")
def add_action_view(lesson_id):
    form = ActionForm()
    form.owner.choices = _choices("Organization", blank=_("请选择负责组织"))
    if not form.validate_on_submit():
        problems = "; ".join(f"{getattr(form, k).label.text}: {' '.join(map(str, v))}" for k, v in form.errors.items())
        flash(_("整改措施未保存：%(problems)s", problems=problems), "error")
        return redirect(url_for("lessons.lesson", lesson_id=lesson_id)), 303
    try:
        action_id = add_action(get_store(), lesson_id, name=form.name.data, owner=form.owner.data,
                               due_date=form.due_date.data.isoformat(), status=form.status.data, actor=current_user.id)
    except LessonError as exc:
        flash(exc.translated(), "error")
    else:
        audit.record("lesson.action.create", action_id, lesson_id)
        flash(_("整改措施已添加。"), "success")
    return redirect(url_for("lessons.lesson", lesson_id=lesson_id)), 303


@bp.post("/actions/<action_id>/status")
@roles_required("reviewer")
def action_status(action_id):
    form = StatusForm()
    node = get_store().get_node(action_id)
    if node is None or node["label"] != "CorrectiveAction":
        abort(404)
    lesson_id = next((r["end"] for n in get_store().neighbours(action_id, rel_types=["ACTION_FOR"])
                      for r in n["path"]), None)
    if form.validate_on_submit():
        set_action_status(get_store(), action_id, form.status.data, actor=current_user.id)
        audit.record("lesson.action.status", action_id, form.status.data)
        flash(_("状态已更新。"), "success")
    else:
        flash(_("状态未更新：请选择有效的状态。"), "error")
    return redirect(url_for("lessons.lesson", lesson_id=lesson_id) if lesson_id else url_for("lessons.index")), 303


@bp.get("/overdue")
@roles_required("reviewer")
def overdue():
    rows = [dict(a, lesson_ref={"id": a["lesson"], "name": a["lesson_name"]},
                 owner_ref={"id": a["owner"], "name": a["owner_name"]}) for a in overdue_actions(get_store())]
    localize_names(get_store(), [(a["lesson_ref"], a["owner_ref"]) for a in rows])
    return render_template("lessons/overdue.html", rows=rows, status_names={k: _(v) for k, v in STATUS_NAMES.items()})
