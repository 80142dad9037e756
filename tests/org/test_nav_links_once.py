"""The top menu names each page once (a merge had left 数据导入导出 twice)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["city_user", "county_user"])
def test_each_nav_link_appears_once(who, request, client):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("org:school-list")).content.decode()
    nav = page[page.index('id="mainnav"'):page.index("</ul>", page.index('id="mainnav"'))]
    links = re.findall(r'class="nav-link" href="([^"]+)"', nav)
    assert reverse("org:import-index") in links and reverse("org:transfer-list") in links
    assert len(links) == len(set(links)), links
