"""Links that users or data supply go to the app's own pages only (issue 8 point 1, issue 16 point 1)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from org.links import app_path, validate_link

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/rotation/plans/1/", "/org/staff/?q=a"])
def test_own_paths_are_links(url):
    assert app_path(url) == url
    validate_link(url)


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "//evil.example/x",
    "/\\evil.example", "https://evil.example/", "http:/evil", "vbscript:x", "/\tjavascript:x",
])
def test_anything_else_is_no_link(url):
    assert app_path(url) is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.example/", "http:/evil"])
def test_stored_links_refuse_scripts_and_odd_schemes(url):
    with pytest.raises(ValidationError):
        validate_link(url)


def test_outside_addresses_are_stored_but_shown_as_text(client, world, county_user):
    from rotation.models import Notification

    Notification.objects.create(user=county_user, text="外部", url="https://evil.example/")
    Notification.objects.create(user=county_user, text="脚本", url="javascript:alert(1)")  # bypassing validation
    Notification.objects.create(user=county_user, text="本站", url="/rotation/")
    client.force_login(county_user)
    body = client.get(reverse("rotation:notification-list")).content.decode()
    assert 'href="/rotation/"' in body and "本站" in body
    assert "evil.example" not in body.split("外部")[0][-80:] and 'href="javascript' not in body
    assert 'href="https://evil.example/"' not in body
