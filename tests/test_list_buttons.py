"""A list page offers its "new" button only to users who may open the page it leads to (a tester found
principals and supervisors shown buttons that answered 403). For every list with such a button and every
role: the button is shown exactly when the create page opens (200)."""

import pytest
from django.urls import reverse

from org.permissions import may_create_region_rows

pytestmark = pytest.mark.django_db

# Talent-pool create pages every signed-in user opens (tests/talentpool/test_forms_pages.py pins it), where only
# bureau staff managing a region can save: their buttons follow org.permissions.may_create_region_rows.
REGION_ROW_PAGES = {"talentpool:program-create", "talentpool:training-create", "talentpool:studio-create",
                    "talentpool:appointment-create"}

ROLES = ["city_user", "county_user", "principal_user", "supervisor_user", "reviewer_user"]
LISTS = [  # (list page, the page its button opens)
    ("org:user-list", "org:user-create"),
    ("rotation:exemption-list", "rotation:exemption-create"),
    ("rotation:plan-list", "rotation:plan-create"),
    ("rotation:assignment-list", "rotation:assignment-create"),
    ("talentpool:program-list", "talentpool:program-create"),
    ("talentpool:scoring-form-list", "talentpool:scoring-form-create"),
    ("talentpool:training-list", "talentpool:training-create"),
    ("talentpool:studio-list", "talentpool:studio-create"),
    ("talentpool:appointment-list", "talentpool:appointment-create"),
    ("alliances:group-list", "alliances:group-create"),
    ("evaluation:scheme-list", "evaluation:scheme-create"),
    ("evaluation:cycle-list", "evaluation:cycle-create"),
    ("evaluation:quality-list", "evaluation:quality-create"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("list_name", "create_name"), LISTS)
def test_a_list_shows_its_new_button_only_to_users_who_may_open_it(client, request, role, list_name, create_name):
    client.force_login(request.getfixturevalue(role))
    listed = client.get(reverse(list_name))
    if listed.status_code != 200:
        assert listed.status_code in (403, 404)  # the list itself is closed to this role: no button to see
        return
    target = reverse(create_name)
    shown = f'href="{target}"' in listed.content.decode()
    opens = client.get(target).status_code == 200
    usable = opens and (create_name not in REGION_ROW_PAGES or may_create_region_rows(request.getfixturevalue(role)))
    assert shown == usable, f"{role} on {list_name}: button {'shown' if shown else 'hidden'}, page {'usable' if usable else 'not usable'}"


EXPORTS = [  # (list page, its Excel export): issue 14 item 7
    ("org:staff-list", "org:staff-export"),
    ("org:school-list", "org:school-export"),
    ("talentpool:appointment-list", "talentpool:appointment-export"),
    ("evaluation:result-list", "evaluation:result-export"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("list_name", "export_name"), EXPORTS)
def test_a_list_shows_its_export_button_only_to_users_who_may_export(client, request, role, list_name, export_name):
    client.force_login(request.getfixturevalue(role))
    listed = client.get(reverse(list_name))
    if listed.status_code != 200:
        assert listed.status_code in (403, 404)
        return
    target = reverse(export_name)
    shown = f'href="{target}?' in listed.content.decode()
    exports = client.get(target).status_code == 200
    assert shown == exports, f"{role} on {list_name}: button {'shown' if shown else 'hidden'}, export {exports}"
