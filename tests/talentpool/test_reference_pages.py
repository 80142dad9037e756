"""Scoring forms and the holiday table have pages of their own; only the city bureau changes them (issue 8, point 1)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from talentpool.models import Holiday, Score, ScoringForm, ScoringItem

pytestmark = pytest.mark.django_db


def formset(*rows, prefix="items"):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def test_the_city_creates_a_scoring_form_with_items(client, world, city_user):
    client.force_login(city_user)
    response = client.post(reverse("talentpool:scoring-form-create"), {"name": "校长评分表", **formset(
        {"name": "德", "weight": "0.4", "max_score": 100, "order": 1},
        {"name": "能", "weight": "0.6", "max_score": 100, "order": 2},
    )})
    assert response.status_code == 302
    form = ScoringForm.objects.get(name="校长评分表")
    assert list(form.items.values_list("name", "weight")) == [("德", Decimal("0.40")), ("能", Decimal("0.60"))]
    assert form.history.first().history_user == city_user


@pytest.mark.parametrize("who", ["county_user", "principal_user", "supervisor_user"])
def test_others_read_but_do_not_change(client, world, who, request):
    form = ScoringForm.objects.create(name="表")
    client.force_login(request.getfixturevalue(who))
    assert "表" in client.get(reverse("talentpool:scoring-form-list")).content.decode()
    assert client.get(reverse("talentpool:scoring-form-edit", args=[form.pk])).status_code == 403
    assert client.post(reverse("talentpool:scoring-form-create"), {"name": "伪", **formset(
        {"name": "x", "weight": "1", "max_score": 10, "order": 0})}).status_code == 403
    client.post(reverse("talentpool:holiday-add"), {"date": "2026-10-01", "name": "国庆节"})
    assert not ScoringForm.objects.filter(name="伪").exists() and not Holiday.objects.exists()


def test_a_scored_item_is_not_removed_or_reweighted(client, world, city_user):
    from talentpool.models import ReviewerAssignment
    from tests.talentpool.factories import NominationFactory

    form = ScoringForm.objects.create(name="表")
    item = ScoringItem.objects.create(form=form, name="德", weight=1, max_score=100)
    nomination = NominationFactory(staff=world.staff_a)
    assignment = ReviewerAssignment.objects.create(nomination=nomination, reviewer=city_user, assigned_by=city_user)
    Score.objects.create(assignment=assignment, item=item, value=90)
    client.force_login(city_user)
    response = client.post(reverse("talentpool:scoring-form-edit", args=[form.pk]), {"name": "表", **formset(
        {"id": item.pk, "name": "德", "weight": "2", "max_score": 100, "order": 0})})
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    item.refresh_from_db()
    assert item.weight == 1


def test_the_city_keeps_the_holiday_table(client, world, city_user):
    client.force_login(city_user)
    client.post(reverse("talentpool:holiday-add"), {"date": "2026-10-01", "name": "国庆节"})
    again = client.post(reverse("talentpool:holiday-add"), {"date": "2026-10-01", "name": "重复"}, follow=True)
    assert "已在节假日表中" in again.content.decode() and Holiday.objects.count() == 1
    holiday = Holiday.objects.get()
    assert (holiday.date, holiday.name) == (dt.date(2026, 10, 1), "国庆节")
    client.post(reverse("talentpool:holiday-delete", args=[holiday.pk]))
    assert not Holiday.objects.exists()
    assert Holiday.history.filter(history_type="-").get().history_user == city_user


@pytest.mark.parametrize("rows", [1, 4])
def test_the_reference_lists_take_a_fixed_number_of_queries(client, world, city_user, django_assert_num_queries, rows):
    for n in range(rows):
        form = ScoringForm.objects.create(name=f"表{n}")
        ScoringItem.objects.create(form=form, name="德", weight=1, max_score=100)
        Holiday.objects.create(date=dt.date(2026, 10, 1 + n), name="国庆节")
    client.force_login(city_user)
    with django_assert_num_queries(7):
        client.get(reverse("talentpool:scoring-form-list"))
    with django_assert_num_queries(6):
        client.get(reverse("talentpool:holiday-list"))
