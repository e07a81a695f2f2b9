"""Demonstration-community self-assessment engine (全国综合减灾示范社区 checklist and the UNDRR
scorecard): checklists, scoring, the self-assessment workflow, evidence, review, gap plans,
reminders, reports and the readiness view.  Plain functions over a ``GraphStore``; the web pages
(web/assessment) and the CLI (``cem assessment``, ``cem checklist``) are thin layers on top.

Rules and choices are documented in assessments/README.md.
"""

from assessments.checklist import (
                                   DEFAULT_STANDARD,
                                   Checklist,
                                   Criterion,
                                   Element,
                                   build_checklist,
                                   checklist_from_content,
                                   list_standards,
                                   load_checklist,
)
from assessments.errors import (
                                   AnswerInvalid,
                                   AssessmentError,
                                   ChecklistInvalid,
                                   EvidenceRejected,
                                   InvalidState,
                                   NotAllowed,
                                   NotFound,
                                   VersionConflict,
)
from assessments.scoring import Adjustment, Answer, Result, parse_answer, parse_answers, score

__all__ = [
                                   "DEFAULT_STANDARD",
                                   "Adjustment",
                                   "Answer",
                                   "AnswerInvalid",
                                   "AssessmentError",
                                   "Checklist",
                                   "ChecklistInvalid",
                                   "Criterion",
                                   "Element",
                                   "EvidenceRejected",
                                   "InvalidState",
                                   "NotAllowed",
                                   "NotFound",
                                   "Result",
                                   "VersionConflict",
                                   "build_checklist",
                                   "checklist_from_content",
                                   "list_standards",
                                   "load_checklist",
                                   "parse_answer",
                                   "parse_answers",
                                   "score",
]
