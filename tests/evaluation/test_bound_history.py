"""The bound rules' rating writes (services_bound._save_ratings, set-based since the speed work of issue 13
item 7) keep the audit simple_history's bulk_update_with_history kept: one "~" history row per changed
subject with the actor, the reason and the new rating, the other fields as stored; none for the others."""

from evaluation.services_bound import bound_rules_apply
from org.ratings import Rating
from tests.evaluation.test_bound_service import bound  # noqa: F401  (the fixture)


def test_each_changed_rating_gets_one_history_row_with_actor_and_reason(bound, city_user):  # noqa: F811
    cycle, subjects, _member = bound
    before = {key: s.history.count() for key, s in subjects.items()}
    bound_rules_apply(actor=city_user, cycle=cycle)
    for key in ("principal", "deputy", "sent"):
        subject = subjects[key]
        subject.refresh_from_db()
        assert subject.history.count() == before[key] + 1
        row = subject.history.first()
        assert (row.history_type, row.history_user, row.history_change_reason) == ("~", city_user, "捆绑评价")
        assert (row.final_rating, row.original_rating, row.staff_id, row.school_id, row.post, row.rotated, row.total) == (
            Rating.EXCELLENT, subject.original_rating, subject.staff_id, subject.school_id, subject.post, subject.rotated,
            subject.total)
        assert row.result == subject.result
    assert subjects["stayed"].history.count() == before["stayed"]
    bound_rules_apply(actor=city_user, cycle=cycle)  # a second run: nothing written, no history
    assert subjects["principal"].history.count() == before["principal"] + 1


def test_the_yearly_job_without_an_actor_writes_history_without_a_user(bound):  # noqa: F811
    cycle, subjects, _member = bound
    bound_rules_apply(actor=None, cycle=cycle)
    row = subjects["principal"].history.first()
    assert (row.history_user, row.final_rating) == (None, Rating.EXCELLENT)
