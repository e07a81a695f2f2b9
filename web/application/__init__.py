"""The self-assessment filled from records and the application (申报) that follows it: the
proposed answers with their figures and records (accept, accept all, or override with a reason),
the two-level review (street office, then county office), and the printable application form
(申报表).  The engines are ``assessments.evidence_rules``, ``assessments.proposals`` and
``assessments.review_levels``.

The assessment form (``web/templates/assessment/assessment.html``) shows each criterion's proposal
through the template global ``evidence_proposal(view, criterion_id)`` and the review levels through
``review_levels_of(view)``, both registered here."""

from flask import Blueprint

bp = Blueprint("application", __name__, url_prefix="/application")


def init_app(app):
    from web.application.routes import evidence_proposal, record_url, review_levels_of

    app.jinja_env.globals.update(evidence_proposal=evidence_proposal, review_levels_of=review_levels_of,
                                 evidence_record_url=record_url)


from web.application import routes  # noqa: E402,F401
