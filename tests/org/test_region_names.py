"""A region is a 行政区域 (a city or a province too), not a 区县; its level carries 省/市/县（市、区）."""

import pytest
from django.utils import translation

from org.models import Region


def test_the_region_model_is_named_administrative_region_in_chinese():
    with translation.override("zh-hans"):
        assert str(Region._meta.verbose_name) == "行政区域"
        assert str(Region._meta.verbose_name_plural) == "行政区域"
        assert [str(label) for _value, label in Region.Level.choices] == ["省", "市", "县（市、区）"]


@pytest.mark.django_db
def test_the_admin_list_of_regions_is_titled_administrative_region(admin_client):
    page = admin_client.get("/admin/org/region/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "行政区域" in page
