"""Training pages (thin: validate the form, call the engine in ``curricula``, render).

The engine takes the time from the app's clock (``web.extensions.now``; tests inject a fixed
one).  Engine errors (``TrainingError``, a ``DomainError``) reach the app's one error handler.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from curricula import analytics, certificates, progress, quiz, refreshers
from curricula.attempts import recorded_answer
from curricula.bank import list_courses, load_course, load_questions
from curricula.certificates import Issuer
from curricula.errors import N_, AttemptClosed, NotFound, TimeLimitExceeded, TrainingError
from kg.store.base import ID_RE
from web import audit
from web.errors import error_response
from web.extensions import get_settings, get_store, now
from web.i18n import _
from web.security import public, roles_required
from web.shell import int_arg
from web.training import bp
from web.training.forms import ActionForm, AdminEnrolForm, QueueSearchForm, SignoffForm, VerifyForm, answer_form
from web.training.render import markdown

STAFF = ("instructor", "admin")


def _id(value: str) -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        abort(404)
    return value


def _course_or_404(course_id: str):
    try:
        return load_course(get_store(), _id(course_id))
    except NotFound:
        abort(404)


def _is_staff() -> bool:
    return current_user.has_any_role(*STAFF)


# --- the trainee's pages ------------------------------------------------------------------------

@bp.get("/")
@roles_required()
def home():
    store, moment, user = get_store(), now(), current_user.id
    enrolled: list[dict[str, Any]] = []
    for e in progress.enrolments(store, user):
        p = progress.course_progress(store, user, e.course, now=moment)
        enrolled.append({"enrolment": e, "progress": p, "resume": p.resume()})
    enrolled_ids = {e["enrolment"].course for e in enrolled}
    available = [c for c in list_courses(store) if c["id"] not in enrolled_ids]
    reminders = refreshers.reminders(store, user, now=moment)
    held = certificates.user_certificates(store, user)
    due = refreshers.due_items(store, user, now=moment)
    return render_template("training/home.html", enrolled=enrolled, available=available, reminders=reminders,
                           certificates=held, due=due, next_due=refreshers.next_due(store, user, now=moment),
                           now=moment, form=ActionForm(), status_labels=certificates.STATUS_LABELS)


@bp.post("/courses/<course_id>/enrol")
@roles_required()
def enrol(course_id):
    course = _course_or_404(course_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    progress.enrol(get_store(), current_user.id, course.id, now=now())
    audit.record("training.enrol", course.id)
    flash(_("已报名《%(name)s》。", name=course.name), "success")
    return redirect(url_for("training.course", course_id=course.id))


@bp.get("/courses/<course_id>")
@roles_required()
def course(course_id):
    store, moment = get_store(), now()
    course = _course_or_404(course_id)
    p = progress.course_progress(store, current_user.id, course, now=moment)
    eligibility = certificates.eligibility(store, current_user.id, course, now=moment) if p.enrolled else None
    return render_template("training/course.html", course=course, p=p, eligibility=eligibility, now=moment,
                           form=ActionForm(), resume=p.resume(), status_labels=certificates.STATUS_LABELS,
                           general_skill=certificates.GENERAL_SKILL,
                           renewable=certificates.renewable(store, current_user.id, course, now=moment) if p.enrolled else None)


@bp.get("/courses/<course_id>/modules/<module_id>")
@roles_required()
def module(course_id, module_id):
    store = get_store()
    course = _course_or_404(course_id)
    p = progress.course_progress(store, current_user.id, course, now=now())
    try:
        mp = p.module(_id(module_id))
    except NotFound:
        abort(404)
    return render_template("training/module.html", course=course, p=p, mp=mp, form=ActionForm())


@bp.get("/courses/<course_id>/units/<unit_id>")
@roles_required()
def unit(course_id, unit_id):
    store, moment = get_store(), now()
    course = _course_or_404(course_id)
    p = progress.course_progress(store, current_user.id, course, now=moment)
    mp = p.module_of_unit(_id(unit_id))
    if mp is None:
        abort(404)
    if not p.enrolled:
        flash(_("请先报名参加本课程。"), "info")
        return redirect(url_for("training.course", course_id=course.id))
    if not mp.unlocked:
        flash(_("请先完成前面的模块。"), "info")
        return redirect(url_for("training.course", course_id=course.id))
    node = store.get_node(unit_id)  # reading a page writes nothing: progress is recorded by the POSTs
    if node is None:
        abort(404)
    units = mp.module.units
    index = next(i for i, u in enumerate(units) if u.id == unit_id)
    return render_template("training/unit.html", course=course, mp=mp, unit=node, body=markdown(node["properties"]["body"]),
                           read=unit_id in mp.units_read, previous=units[index - 1] if index else None,
                           next=units[index + 1] if index + 1 < len(units) else None, form=ActionForm())


@bp.post("/courses/<course_id>/units/<unit_id>/read")
@roles_required()
def mark_read(course_id, unit_id):
    course = _course_or_404(course_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    store = get_store()
    progress.mark_read(store, current_user.id, course.id, _id(unit_id), now=now(), course_def=course)
    p = progress.course_progress(store, current_user.id, course, now=now())
    mp = p.module_of_unit(unit_id)
    if mp is None:  # mark_read refused a unit the course does not have
        abort(404)
    following = [u for u in mp.module.units if u.id not in mp.units_read]
    if following:  # resume the course at the next unit to read
        progress.touch(store, current_user.id, course.id, following[0].id, now=now())
        return redirect(url_for("training.unit", course_id=course.id, unit_id=following[0].id))
    progress.touch(store, current_user.id, course.id, mp.module.id, now=now())
    return redirect(url_for("training.module", course_id=course.id, module_id=mp.module.id))


# --- quizzes ------------------------------------------------------------------------------------

@bp.post("/quizzes/<quiz_id>/start")
@roles_required()
def start(quiz_id):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    attempt = quiz.start_attempt(get_store(), current_user.id, _id(quiz_id), now=now(),
                                 course=_id(form.course.data) if form.course.data else None,
                                 issuer=Issuer.of(get_settings()))
    return redirect(url_for("training.attempt", attempt_id=attempt.id))


@bp.post("/practice/start")
@roles_required()
def practice():
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt = refreshers.start_practice(get_store(), current_user.id, now=now())
    return redirect(url_for("training.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<attempt_id>")
@roles_required()
def attempt(attempt_id):
    view = quiz.view_attempt(get_store(), current_user.id, _id(attempt_id), now=now(),
                             issuer=Issuer.of(get_settings()))
    if not view.attempt.is_open:
        if view.attempt.late:
            flash(_("作答时间已到，测验已按超时提交。"), "error")
        return redirect(url_for("training.result", attempt_id=view.attempt.id))
    question = view.next_question
    return render_template("training/attempt.html", view=view, question=question,
                           form=answer_form(question) if question else None, submit_form=ActionForm(),
                           kind_labels=quiz.KIND_LABELS)


@bp.post("/attempts/<attempt_id>/answer")
@roles_required()
def answer(attempt_id):
    store, attempt_id = get_store(), _id(attempt_id)
    question_id = request.form.get("question", "")
    if not isinstance(question_id, str) or not ID_RE.match(question_id):
        return error_response(400, _("这道题不属于本次测验，答案未被接受。"))
    shown = quiz.shown_question(store, current_user.id, attempt_id, question_id)
    form = answer_form(shown, formdata=request.form)
    if recorded_answer(store, attempt_id, question_id) is not None:  # sent again (back button, double click)
        flash(_("本题已作答，以第一次提交的答案为准；这次提交的答案没有记录。"), "info")
        return redirect(url_for("training.feedback", attempt_id=attempt_id, question_id=question_id))
    if not form.validate_on_submit():
        view = quiz.view_attempt(store, current_user.id, attempt_id, now=now(), issuer=Issuer.of(get_settings()))
        if not view.attempt.is_open:
            return redirect(url_for("training.result", attempt_id=attempt_id))
        return render_template("training/attempt.html", view=view, question=shown, form=form,
                               submit_form=ActionForm(), kind_labels=quiz.KIND_LABELS), 400
    choice = form.choice.data if isinstance(form.choice.data, list) else [form.choice.data]
    try:
        fb = quiz.answer_question(store, current_user.id, attempt_id, question_id, choice, now=now(), detail=False,
                                  issuer=Issuer.of(get_settings()))
    except (TimeLimitExceeded, AttemptClosed) as exc:
        flash(exc.translated(), "error")
        return redirect(url_for("training.result", attempt_id=attempt_id))
    if fb.duplicate:  # answered meanwhile by another request: the first answer stands
        flash(_("本题已作答，以第一次提交的答案为准；这次提交的答案没有记录。"), "info")
    return redirect(url_for("training.feedback", attempt_id=attempt_id, question_id=question_id))


@bp.get("/attempts/<attempt_id>/questions/<question_id>/feedback")
@roles_required()
def feedback(attempt_id, question_id):
    fb = quiz.feedback_for(get_store(), current_user.id, _id(attempt_id), _id(question_id))
    return render_template("training/feedback.html", fb=fb, submit_form=ActionForm(), kind_labels=quiz.KIND_LABELS)


@bp.post("/attempts/<attempt_id>/submit")
@roles_required()
def submit(attempt_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = quiz.submit_attempt(get_store(), current_user.id, _id(attempt_id), now=now(),
                                     issuer=Issuer.of(get_settings()))
    except TimeLimitExceeded as exc:
        flash(exc.translated(), "error")
        return redirect(url_for("training.result", attempt_id=attempt_id))
    if result.certificate is not None:
        audit.record("training.certificate", result.certificate.id, f"via {result.certificate.via}")
        flash(_("恭喜！证书已签发。"), "success")
    return redirect(url_for("training.result", attempt_id=attempt_id))


@bp.get("/attempts/<attempt_id>/result")
@roles_required()
def result(attempt_id):
    store = get_store()
    res = quiz.review(store, current_user.id, _id(attempt_id), staff=_is_staff())
    if res.attempt.is_open:
        return redirect(url_for("training.attempt", attempt_id=res.attempt.id))
    course = load_course(store, res.attempt.course) if res.attempt.course else None
    mine = res.attempt.user == current_user.id
    again = quiz.retake(store, current_user.id, res.attempt, now=now()) if mine else None
    p = progress.course_progress(store, current_user.id, course, now=now()) if course and mine else None
    return render_template("training/result.html", res=res, course=course, kind_labels=quiz.KIND_LABELS,
                           form=ActionForm(), retake=again, p=p)


# --- certificates -------------------------------------------------------------------------------

@bp.get("/certificates/<cert_id>")
@roles_required()
def certificate(cert_id):
    store, moment = get_store(), now()
    cert = certificates.get_certificate(store, _id(cert_id))
    if cert is None or (cert.user != current_user.id and not _is_staff()):
        abort(404)
    shown = certificates.verify(store, cert.code, now=moment)
    course = load_course(store, cert.course)
    verify_url = url_for("training.verify_code", code=cert.code, _external=True)
    return render_template("training/certificate.html", cert=cert, shown=shown, course=course, verify_url=verify_url,
                           status_labels=certificates.STATUS_LABELS, issuer=_issuer_of(cert))


def _issuer_of(cert) -> certificates.Issuer:
    """Who issued a certificate: as written on it when issued, else the current settings."""
    current = Issuer.of(get_settings())
    return Issuer(cert.issuer or current.organization, cert.signatory or current.signatory)


@bp.get("/verify")
@public
def verify():
    form = VerifyForm(request.args)
    if request.args.get("code") is not None and form.validate():
        code = certificates.normalise_code(form.code.data)
        if code:
            return redirect(url_for("training.verify_code", code=code))
        form.code.errors.append(_("验证码格式不正确（应为 XXXX-XXXX-XXXX）"))
    return render_template("training/verify.html", form=form, shown=None, searched=False), \
        (400 if form.code.errors else 200)


@bp.get("/verify/<code>")
@public
def verify_code(code):
    shown = certificates.verify(get_store(), code, now=now())
    return render_template("training/verify.html", form=VerifyForm(formdata=None, code=code), shown=shown,
                           searched=True, status_labels=certificates.STATUS_LABELS,
                           issuer=_issuer_of(shown["certificate"]) if shown else None), (200 if shown else 404)


# --- staff --------------------------------------------------------------------------------------

def _skill_label(skill: str) -> str:
    """A practical skill's name: course content as is, the general skill translated."""
    return _(skill) if skill == certificates.GENERAL_SKILL else skill


def _course_choices():
    return [SelectChoice(c["id"], c["properties"].get("name", c["id"])) for c in list_courses(get_store())]


@bp.get("/staff")
@roles_required(*STAFF)
def staff():
    store, moment = get_store(), now()
    days = int_arg("days", 90, 1, 3650)
    queues = [(c, len(certificates.signoff_queue(store, c.value, now=moment))) for c in _course_choices()]
    return render_template("training/staff.html", expiring=certificates.expiring(store, now=moment, days=days),
                           expired=certificates.expired_unrenewed(store, now=moment), days=days,
                           windows=refreshers.REPORT_WINDOWS, queues=queues, enrol_form=_enrol_form(),
                           status_labels=certificates.STATUS_LABELS)


def _enrol_form(formdata=None):
    form = AdminEnrolForm(formdata=formdata) if formdata is not None else AdminEnrolForm()
    form.course.choices = _course_choices()
    return form


def _user_id(username: str) -> str:
    from kg import accounts

    account = accounts.get_user(get_store(), (username or "").strip().lower())
    if account is None:
        raise NotFound(N_("没有用户 %(username)s"), params={"username": (username or "")[:40]})
    return account.id


@bp.get("/staff/signoffs")
@roles_required(*STAFF)
def signoff_queue():
    """Trainees waiting for a practical-skill sign-off, per course, with a search by name."""
    store, moment = get_store(), now()
    form = QueueSearchForm(request.args)
    form.course.choices = _course_choices()
    if not form.course.data and form.course.choices:
        form.course.data = form.course.choices[0].value
    if not form.validate():
        return render_template("training/signoff_queue.html", form=form, queue=None, course=None), 400
    course = _course_or_404(form.course.data)
    queue = certificates.signoff_queue(store, course, now=moment, query=form.q.data or "")
    return render_template("training/signoff_queue.html", form=form, queue=queue, course=course,
                           skill_label=_skill_label, limit=certificates.QUEUE_LIMIT)


def _signoff_form(course, waiting, formdata=None):
    form = SignoffForm(formdata=formdata) if formdata is not None else SignoffForm()
    form.skill.choices = [SelectChoice(s, _skill_label(s)) for s in certificates.required_skills(course)]
    if formdata is None and waiting is not None and waiting.missing:
        form.skill.data = waiting.missing[0]
    return form


def _waiting(course, user_id: str):
    """The trainee's entry in the course's queue (None: not waiting, e.g. already certified)."""
    from curricula.progress import get_user

    account = get_user(get_store(), user_id)
    if account is None:
        abort(404)
    found = [w for w in certificates.signoff_queue(get_store(), course, now=now(), limit=10_000) if w.user == user_id]
    return account, (found[0] if found else None)


@bp.route("/staff/signoffs/<course_id>/<user_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def signoff(course_id, user_id):
    """Record one trainee's practical-skill assessment (chosen from the queue).  The time is
    entered in the app's time zone and stored in UTC."""
    store, moment = get_store(), now()
    course = _course_or_404(course_id)
    account, waiting = _waiting(course, _id(user_id))
    form = _signoff_form(course, waiting, formdata=request.form if request.method == "POST" else None)
    back = url_for("training.signoff_queue", course=course.id, q=request.args.get("q") or None)
    page = {"course": course, "trainee": account, "waiting": waiting, "form": form, "back": back,
            "skill_label": _skill_label, "zone": get_settings().timezone}
    if request.method == "GET":
        return render_template("training/signoff.html", **page)
    if not form.validate_on_submit():
        return render_template("training/signoff.html", **page), 400
    assessed_at = None
    if form.assessed_at.data:
        assessed_at = form.assessed_at.data.replace(tzinfo=get_settings().zone).astimezone(moment.tzinfo)
    try:
        record, cert = certificates.record_signoff(
            store, user=account.id, course=course.id, skill=form.skill.data, assessor=current_user.id,
            result=form.result.data, now=moment, assessed_at=assessed_at, note=form.note.data or None,
            issuer=Issuer.of(get_settings()))
    except TrainingError as exc:
        form.form_errors.append(exc.translated())
        return render_template("training/signoff.html", **page), exc.status
    audit.record("training.signoff", record.id, f"{record.user} {record.skill} {record.result}")
    flash(_("已记录 %(user)s 的“%(skill)s”考核结果。", user=account.display_name, skill=_skill_label(record.skill)),
          "success")
    if cert is not None:
        audit.record("training.certificate", cert.id, "via final")
        flash(_("该学员已满足全部条件，证书已签发（验证码 %(code)s）。", code=cert.code), "success")
    return redirect(back)


@bp.post("/staff/enrol")
@roles_required("admin")
def staff_enrol():
    form = _enrol_form(formdata=request.form)
    if not form.validate_on_submit():
        return render_template("training/enrol_error.html", form=form), 400
    try:
        e = progress.enrol(get_store(), _user_id(form.username.data), form.course.data, now=now(), by=current_user.id)
    except TrainingError as exc:
        flash(exc.translated(), "error")
        return redirect(url_for("training.staff"))
    audit.record("training.enrol", e.course, f"user={e.user} by={current_user.id}")
    flash(_("已为 %(user)s 报名《%(course)s》。", user=form.username.data, course=e.course_name or e.course), "success")
    return redirect(url_for("training.staff"))


@bp.get("/staff/analytics")
@roles_required(*STAFF)
def staff_analytics():
    store, moment = get_store(), now()
    items = analytics.item_analysis(store)
    coverage = analytics.trained_counts(store, now=moment)
    return render_template("training/analytics.html", items=items, coverage=coverage,
                           target=analytics.TARGET_PER_10K, target_source=analytics.TARGET_SOURCE,
                           questions=load_questions(store, [i.question for i in items if i.flagged][:50]))
