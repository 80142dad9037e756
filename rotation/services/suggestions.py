"""Suggestions: solve the plan's assignment problem for the actor's scope; accept (possibly edited) or discard."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from org import scope
from org.models import School, Staff
from org.services import save_audited
from rotation import rules, selectors
from rotation.models import Plan, Suggestion
from rotation.services.assignments import assignment_create

MSG_SUGGEST_FORBIDDEN = _("Only bureau staff may ask for suggestions.")
MSG_SUGGESTION_DECIDED = _("This suggestion has already been accepted or discarded.")

TERM_LABELS = {
    "base": _("must rotate, from a strong school to a rural or weak one"),
    "subject_missing": _("the school has no teacher of this subject"),
    "subject_short": _("the school has fewer teachers of this subject than its peers"),
    "same_county": _("same county"),
    "partner": _("partner schools"),
    "rural_and_weak": _("a rural and weak school"),
}


@transaction.atomic
def suggestions_generate(*, actor: User, plan: Plan, partners=(), weights: rules.ScoreWeights | None = None) -> list[Suggestion]:
    """Replace the actor's open suggestions for a plan with the optimal set of moves.

    Candidates: must-rotate staff the actor manages, at most each county's remaining share
    (share minus what it has already approved). Destinations: rural or weak schools the actor
    sees. `partners` is an iterable of (school id, school id) pairs that earn the partner term;
    alliances pass them in, rotation does not read alliances.
    """
    if not scope.is_bureau_staff(actor):
        raise PermissionDenied(MSG_SUGGEST_FORBIDDEN)
    committed = selectors.committed_by_county(plan)
    remaining = {quota.county_id: max(quota.share - committed.get(quota.county_id, 0), 0) for quota in plan.quotas.all()}
    staff = scope.manageable(actor, Staff).filter(status=Staff.Status.ACTIVE)
    candidates = selectors.suggestion_candidates(staff=staff, plan=plan, limit_per_county=remaining)
    slots = selectors.policy_for(plan.region).suggestion_slots_per_school
    destinations = selectors.suggestion_destinations(schools=scope.visible_to(actor, School), slots=slots)
    matches = rules.suggest(candidates, destinations, weights=weights or rules.ScoreWeights(), partners=partners)
    scope.manageable(actor, Suggestion).filter(plan=plan, state=Suggestion.State.PROPOSED).delete()
    rows = [
        Suggestion(plan=plan, staff_id=match.candidate.staff_id, from_school_id=match.candidate.school_id,
                   to_school_id=match.destination.school_id, score=match.score,
                   explanation="；".join(gettext(TERM_LABELS[term]) for term in match.terms)[:300])
        for match in matches
    ]
    return Suggestion.objects.bulk_create(rows)


def _open(actor: User, suggestion: Suggestion) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if not scope.manageable(actor, Suggestion).filter(pk=suggestion.pk).exists():
        raise PermissionDenied(MSG_SUGGEST_FORBIDDEN)
    if suggestion.state != Suggestion.State.PROPOSED:
        raise ValidationError(MSG_SUGGESTION_DECIDED)
    return suggestion


@transaction.atomic
def suggestion_accept(*, actor: User, suggestion: Suggestion, form: str, start: date, planned_end: date,
                      to_school: School | None = None, **details) -> Suggestion:
    """Turn a suggestion into a planned assignment (optionally edited: another school, dates, form)."""
    suggestion = _open(actor, suggestion)
    assignment = assignment_create(
        actor=actor, staff=suggestion.staff, to_school=to_school or suggestion.to_school, form=form, start=start,
        planned_end=planned_end, plan=suggestion.plan, **details,
    )
    suggestion.state, suggestion.assignment = Suggestion.State.ACCEPTED, assignment
    if to_school is not None:
        suggestion.to_school = to_school
    save_audited(suggestion, actor=actor, reason="accepted")
    return suggestion


@transaction.atomic
def suggestion_discard(*, actor: User, suggestion: Suggestion) -> Suggestion:
    suggestion = _open(actor, suggestion)
    suggestion.state = Suggestion.State.DISCARDED
    save_audited(suggestion, actor=actor, reason="discarded")
    return suggestion


__all__ = [
    "MSG_SUGGEST_FORBIDDEN", "MSG_SUGGESTION_DECIDED", "suggestions_generate", "suggestion_accept", "suggestion_discard",
]
