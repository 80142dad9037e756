"""The home page's "figures not computed yet" notice: bureau staff start the job from it (a plain form POST with
CSRF inside the fragment), others get 403, and the figures then show."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rotation import selectors
from rotation.models import EligibilityFigure

pytestmark = pytest.mark.django_db

FRAGMENT = {"HTTP_X_DASHBOARD_FRAGMENT": "1"}


def _fragment(client):
    return client.get(reverse("dashboard-section", args=["rotation"]), **FRAGMENT).content.decode()


@pytest.mark.parametrize("role", ["city_user", "county_user"])
def test_bureau_staff_start_the_figures_from_the_notice(client, world, role, request,
                                                        django_capture_on_commit_callbacks):
    client.force_login(request.getfixturevalue(role))
    html = _fragment(client)
    assert 'data-testid="eligibility-missing"' in html and 'data-testid="eligibility-compute"' in html
    assert f'action="{reverse("rotation:figures-compute")}"' in html and 'name="csrfmiddlewaretoken"' in html
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # queued on commit; eager in tests
        response = client.post(reverse("rotation:figures-compute"))
    assert len(callbacks) == 1
    assert response.status_code == 302 and response["Location"] == reverse("home")
    on = selectors.default_as_of(timezone.localdate())
    assert set(EligibilityFigure.objects.values_list("as_of", flat=True)) == {on}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{on.isoformat()} 的交流资格统计正在计算（50 万教职工约需一分钟）；请稍后刷新页面查看。"]
    html = _fragment(client)
    assert 'data-testid="eligibility-computed"' in html and 'data-testid="eligibility-missing"' not in html


@pytest.mark.parametrize("role", ["principal_user", "supervisor_user"])
def test_others_see_no_button_and_are_refused(client, world, role, request, django_capture_on_commit_callbacks):
    client.force_login(request.getfixturevalue(role))
    html = _fragment(client)
    assert 'data-testid="eligibility-missing"' in html and 'data-testid="eligibility-compute"' not in html
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(reverse("rotation:figures-compute")).status_code == 403
    assert not callbacks and not EligibilityFigure.objects.exists()


def test_the_post_needs_the_csrf_token_the_fragment_carries(world, city_user, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city_user)
    assert client.post(reverse("rotation:figures-compute")).status_code == 403  # no token
    assert not EligibilityFigure.objects.exists()
    html = _fragment(client)  # the fragment sets the cookie and carries the token, as on the home page
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rotation:figures-compute"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and EligibilityFigure.objects.exists()


def test_get_is_not_allowed(client, world, city_user):
    client.force_login(city_user)
    assert client.get(reverse("rotation:figures-compute")).status_code == 405
    assert not EligibilityFigure.objects.exists()
