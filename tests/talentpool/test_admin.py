"""The admin never adds nominations or pool members, nor moves their workflow fields (the services do)."""

import pytest
from django.urls import reverse

from talentpool.models import Nomination, PoolMember
from tests.talentpool.factories import NominationFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status


def admin_login(client, user):
    client.force_login(user)


@pytest.mark.parametrize("name", ["admin:talentpool_nomination_add", "admin:talentpool_poolmember_add"])
def test_superusers_cannot_add_in_admin(client, world, admin_user, name):
    admin_login(client, admin_user)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {}).status_code == 403
    assert (Nomination.objects.count(), PoolMember.objects.count()) == (0, 0)


def test_workflow_fields_are_read_only(client, world, intake, admin_user):
    nomination = NominationFactory(intake=intake, staff=world.staff_a, status=S.SUBMITTED)
    member = PoolMemberFactory(staff=world.staff_a, tier="county")
    admin_login(client, admin_user)
    form = client.get(reverse("admin:talentpool_nomination_change", args=[nomination.pk])).context["adminform"].form
    assert not {"intake", "status", "notice_start", "notice_end", "meeting_date", "minutes_ref"} & set(form.fields)
    client.post(reverse("admin:talentpool_nomination_change", args=[nomination.pk]),
                {"status": S.ADMITTED, "reasons": "x", "achievements": "", "minutes_ref": "伪造"})
    assert Nomination.objects.filter(pk=nomination.pk).values_list("status", "minutes_ref").get() == (S.SUBMITTED, "")
    form = client.get(reverse("admin:talentpool_poolmember_change", args=[member.pk])).context["adminform"].form
    assert not {"tier", "status", "review_due"} & set(form.fields)
