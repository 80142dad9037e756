"""The admin is for superusers only; even they cannot move a workflow or write computed rows there."""


import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def admin_paths(world):
    staff = world.staff_b
    return [
        "/admin/",
        reverse("admin:org_staff_changelist"),
        reverse("admin:org_staff_change", args=[staff.pk]),
        reverse("admin:org_staff_history", args=[staff.pk]),
        reverse("admin:org_userrole_add"),
        reverse("admin:rotation_notification_add"),
        reverse("admin:login"),
    ]


@pytest.mark.parametrize("who", ["city_user", "county_user", "principal_user", "supervisor_user", "reviewer_user"])
def test_bureau_users_reach_no_admin_path(client, world, who, request):
    user = request.getfixturevalue(who)
    user.is_staff = True  # even a staff flag left over from before does not open it
    user.save()
    client.force_login(user)
    for path in admin_paths(world):
        response = client.get(path)
        assert response.status_code == 404, path
        assert world.staff_b.id_number not in response.content.decode()
        assert client.post(path, {}).status_code == 404, path


def test_anonymous_users_get_the_login(client, world):
    response = client.get(reverse("admin:org_staff_history", args=[world.staff_b.pk]))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_superusers_use_the_admin(client, world, admin_user):
    client.force_login(admin_user)
    for path in admin_paths(world):
        assert client.get(path).status_code in {200, 302, 403}, path  # 302: the login; 403: a computed row's add
    assert client.get(reverse("admin:org_staff_history", args=[world.staff_b.pk])).status_code == 200


def test_the_navigation_links_the_admin_for_superusers_only(client, world, county_user, admin_user):
    client.force_login(county_user)
    assert reverse("admin:index") not in client.get("/").content.decode()
    client.force_login(admin_user)
    assert reverse("admin:index") in client.get("/").content.decode()


def test_a_superuser_cannot_move_an_assignment_state_in_the_admin(client, world, admin_user):
    from rotation.models import Assignment
    from tests.rotation.factories import AssignmentFactory

    assignment = AssignmentFactory(staff=world.staff_a, from_school=world.school_a, to_school=world.school_b)
    client.force_login(admin_user)
    url = reverse("admin:rotation_assignment_change", args=[assignment.pk])
    form = client.get(url).context["adminform"].form
    assert not {"state", "arrived_on", "confirmed_by", "rating", "staff", "to_school"} & set(form.fields)
    client.post(url, {"state": Assignment.State.IN_PLACE, "arrived_on": "2027-09-01", "post_at_destination": "x",
                      "subsidy_yuan": "0", "inspections-TOTAL_FORMS": 0, "inspections-INITIAL_FORMS": 0})
    assert Assignment.objects.filter(pk=assignment.pk).values_list("state", "arrived_on").get() == (assignment.state, None)


@pytest.mark.parametrize("name", [
    "rotation_assignment", "rotation_exemption", "rotation_suggestion", "rotation_inspection", "rotation_progress",
    "rotation_progresswarning", "rotation_notification", "talentpool_nomination", "talentpool_poolmember",
])
def test_no_workflow_or_computed_row_is_added_in_the_admin(client, world, admin_user, name):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403
    assert client.post(reverse(f"admin:{name}_add"), {}).status_code == 403


def test_computed_rows_are_view_only(client, world, admin_user):
    from rotation.models import Notification

    note = Notification.objects.create(user=UserFactory(), text="原文", url="/rotation/")
    client.force_login(admin_user)
    url = reverse("admin:rotation_notification_change", args=[note.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"text": "javascript:alert(1)", "url": "javascript:alert(1)", "user": note.user_id})
    assert Notification.objects.filter(pk=note.pk).values_list("text", "url").get() == ("原文", "/rotation/")


def test_a_county_user_cannot_move_an_assignment_state_from_the_admin(client, world, county_user):
    from rotation.models import Assignment
    from tests.rotation.factories import AssignmentFactory

    assignment = AssignmentFactory(staff=world.staff_a, from_school=world.school_a, to_school=world.school_b,
                                   state=Assignment.State.PLANNED)
    county_user.is_staff = True
    county_user.save()
    client.force_login(county_user)
    url = reverse("admin:rotation_assignment_change", args=[assignment.pk])
    assert client.post(url, {"state": Assignment.State.IN_PLACE, "arrived_on": "2027-09-01"}).status_code == 404
    assert Assignment.objects.get(pk=assignment.pk).state == Assignment.State.PLANNED
