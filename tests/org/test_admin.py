"""The admin is scoped like everything else: rows, foreign-key choices, adds, role grants."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db


def admin_login(client, user, apps=("org",)):
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=apps))
    client.force_login(user)


def test_add_form_offers_only_manageable_schools(client, world, county_user):
    admin_login(client, county_user)
    form = client.get(reverse("admin:org_staff_add")).context["adminform"].form
    assert list(form.fields["school"].queryset) == [world.school_a]


def test_add_refuses_a_school_of_another_county(client, world, county_user):
    from org.models import Staff
    from tests.factories import make_id_number

    admin_login(client, county_user)
    number = make_id_number()
    data = {"name": "外县", "id_number": number, "gender": "M", "birth_date": "1985-05-20", "school": world.school_b.pk,
            "post": "teacher", "honour_level": 0, "status": "active",
            "work_history-TOTAL_FORMS": 0, "work_history-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:org_staff_add"), data)
    assert response.status_code == 200  # the form comes back with an error
    assert not Staff.objects.filter(id_number=number).exists()


def test_supervisors_cannot_add_even_with_model_permissions(client, world, supervisor_user):
    admin_login(client, supervisor_user)
    assert client.get(reverse("admin:org_staff_add")).status_code == 403


def test_only_superusers_grant_roles(client, world, county_user, admin_user):
    admin_login(client, county_user)
    assert client.get(reverse("admin:org_userrole_changelist")).status_code == 403
    assert client.get(reverse("admin:org_userrole_add")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("admin:org_userrole_add")).status_code == 200


def test_work_history_inline_shows_only_scoped_rows(client, world, county_user):
    from tests.factories import WorkHistoryFactory

    WorkHistoryFactory(staff=world.staff_a, school=world.school_a)
    admin_login(client, county_user)
    response = client.get(reverse("admin:org_staff_change", args=[world.staff_a.pk]))
    inline = response.context["inline_admin_formsets"][0].formset
    assert [form.instance.school for form in inline.forms if form.instance.pk] == [world.school_a]
    assert list(inline.forms[0].fields["school"].queryset) == [world.school_a]
