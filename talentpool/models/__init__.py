"""Talent pool: programs and their tracks, yearly intakes, nominations and their workflow, the pool
and its members' development, and promotions out of the pool.

One module per section: `programs` (programs, tracks, eligibility rows, scoring forms, holidays),
`nominations` (intakes, nominations and their workflow rows), `pool` (members, tier moves),
`development` (mentoring, training, studios, summaries, reviews), `promotions` (appointments).
Import from `talentpool.models`; the names below are its public surface.

Scoping: rows tied to a person follow the person's school (`scope_school_path`); programs,
intakes, training batches and scoring forms are scoped by the region that owns them
(scopers in talentpool/scopes.py); nominations add the reviewer's assignments.
"""

from talentpool.models.development import (
    AnnualReview,
    FinalEvaluation,
    Grade,
    MentoringPair,
    StageSummary,
    Studio,
    StudioMembership,
    TrainingAttendance,
    TrainingBatch,
)
from talentpool.models.nominations import (
    Intake,
    Nomination,
    NominationAttachment,
    Objection,
    ReviewerAssignment,
    Score,
    Transition,
    attachment_path,
)
from talentpool.models.pool import (
    PoolMember,
    TierMove,
)
from talentpool.models.programs import (
    MSG_NOTICE_DAYS_MIN,
    MSG_RULE_NEEDS_CHOICES,
    MSG_RULE_NEEDS_NUMBER,
    MSG_RULE_UNKNOWN_CHOICE,
    NOTICE_MIN_WORKING_DAYS,
    EligibilityRule,
    Holiday,
    Level,
    PoolType,
    Program,
    ScoringForm,
    ScoringItem,
    Track,
)
from talentpool.models.promotions import (
    Appointment,
    PromotionTarget,
)

__all__ = [
    "PromotionTarget",
    "AnnualReview",
    "Appointment",
    "attachment_path",
    "EligibilityRule",
    "FinalEvaluation",
    "Grade",
    "Holiday",
    "Intake",
    "Level",
    "MentoringPair",
    "MSG_NOTICE_DAYS_MIN",
    "MSG_RULE_NEEDS_CHOICES",
    "MSG_RULE_NEEDS_NUMBER",
    "MSG_RULE_UNKNOWN_CHOICE",
    "Nomination",
    "NominationAttachment",
    "NOTICE_MIN_WORKING_DAYS",
    "Objection",
    "PoolMember",
    "PoolType",
    "Program",
    "ReviewerAssignment",
    "Score",
    "ScoringForm",
    "ScoringItem",
    "StageSummary",
    "Studio",
    "StudioMembership",
    "TierMove",
    "Track",
    "TrainingAttendance",
    "TrainingBatch",
    "Transition",
]
