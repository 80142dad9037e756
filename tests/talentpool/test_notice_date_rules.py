"""talentpool.rules: an objection received inside its notice and resolved after it was received; a decision
meeting after the notice closed; each on the day before, on and after (pure: no database)."""

from datetime import date

import pytest

from talentpool import rules

NOTICE = (date(2027, 5, 10), date(2027, 5, 16))


def text(errors, field):
    return " ".join(str(message) for message in errors[field])


@pytest.mark.parametrize(("received", "refused"), [
    (date(2027, 5, 9), True), (date(2027, 5, 10), False), (date(2027, 5, 11), False),
    (date(2027, 5, 15), False), (date(2027, 5, 16), False), (date(2027, 5, 17), True),
])
def test_objection_received_inside_the_notice(received, refused):
    errors = rules.objection_received_refusals(received=received, notice_start=NOTICE[0], notice_end=NOTICE[1])
    assert bool(errors) is refused
    if refused:
        assert received.isoformat() in text(errors, "received") and "2027-05-16" in text(errors, "received")


@pytest.mark.parametrize(("resolved", "refused"), [
    (date(2027, 5, 11), True), (date(2027, 5, 12), False), (date(2027, 5, 13), False),
])
def test_objection_resolved_on_or_after_receipt(resolved, refused):
    errors = rules.objection_resolved_refusals(resolved=resolved, received=date(2027, 5, 12))
    assert bool(errors) is refused
    if refused:
        assert "2027-05-11" in text(errors, "resolution") and "2027-05-12" in text(errors, "resolution")


@pytest.mark.parametrize(("meeting", "refused"), [
    (date(2027, 5, 15), True), (date(2027, 5, 16), True), (date(2027, 5, 17), False),
])
def test_decision_meeting_after_the_notice_closed(meeting, refused):
    errors = rules.decision_meeting_refusals(meeting_date=meeting, notice_end=NOTICE[1])
    assert bool(errors) is refused
    if refused:
        assert meeting.isoformat() in text(errors, "meeting_date") and "2027-05-16" in text(errors, "meeting_date")


def test_decision_without_a_notice_is_not_checked():
    assert rules.decision_meeting_refusals(meeting_date=date(2000, 1, 1), notice_end=None) == {}
