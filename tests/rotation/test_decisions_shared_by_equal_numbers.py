"""rules.evaluate reduces a person to numbers and builds the Decision once per distinct numbers (issue 15):
the memoized answer is the one the rules give without the memo, for every policy, and never another policy's."""

import random
from dataclasses import replace
from datetime import date, timedelta

from rotation import rules
from rotation.models import Policy

POLICY = Policy().as_rules()
D = date(2026, 9, 1)


def _random_facts(rng: random.Random) -> rules.StaffFacts:
    def day(start_year: int, years: int):
        return date(start_year, 1, 1) + timedelta(days=rng.randrange(365 * years))

    leader = rng.random() < 0.3
    history = tuple(
        rules.HistoryRow(rng.choice([1, 2, 3, 4]), rng.random() < 0.5, start := day(1995, 25),
                         None if rng.random() < 0.2 else start + timedelta(days=rng.randrange(365 * 8)))
        for _ in range(rng.choice([0, 0, 1, 2, 3]))
    )
    exemptions = tuple(
        rules.ExemptionRow(rng.choice(rules.EXEMPTION_RECORD_CODES), start := day(2024, 4),
                           None if rng.random() < 0.3 else start + timedelta(days=rng.randrange(800)))
        for _ in range(rng.choice([0, 0, 0, 1, 2]))
    )
    return rules.StaffFacts(
        gender=rng.choice("MF"), birth_date=day(1964, 40), is_leader=leader, school_id=1,
        school_is_urban=rng.random() < 0.5, school_start=None if rng.random() < 0.03 else day(2000, 27),
        post_start=None if rng.random() < 0.05 else day(2005, 22), history=history, exemptions=exemptions,
    )


def _unmemoized(facts, on, policy):
    rules._decision.cache_clear()
    try:
        return rules.evaluate(facts, on, policy)
    finally:
        rules._decision.cache_clear()


def test_memoized_decisions_equal_fresh_ones_for_every_kind_of_person():
    rng = random.Random(15)
    strict = replace(POLICY, eligible_years=2, must_rotate_years=4, experience_schools=1, rural_years=2)
    people = [_random_facts(rng) for _ in range(400)]
    for policy in (POLICY, strict):
        for on in (D, date(2027, 2, 28)):
            memoized = [rules.evaluate(facts, on, policy) for facts in people]
            fresh = [_unmemoized(facts, on, policy) for facts in people]
            assert memoized == fresh
    statuses = {decision.status for decision in memoized}
    assert statuses == set(rules.STATUSES)  # the sample reaches every status


def test_equal_numbers_share_one_decision_and_another_policy_gets_its_own():
    a = rules.StaffFacts("M", date(1985, 5, 20), False, 1, True, date(2018, 3, 1), None)
    b = replace(a, birth_date=date(1985, 6, 1), school_start=date(2018, 4, 2))  # same full years at D
    assert rules.evaluate(a, D, POLICY) is rules.evaluate(b, D, POLICY)
    assert rules.evaluate(a, D, POLICY).status == rules.MUST_ROTATE
    strict = replace(POLICY, must_rotate_years=9)
    assert rules.evaluate(a, D, strict).status == rules.ELIGIBLE
    assert rules.evaluate(a, D, POLICY).status == rules.MUST_ROTATE
