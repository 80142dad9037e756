"""The API's one error shape (org/api_errors.py): a service's refusals, DRF's own, and the schema."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions

from org.api_errors import exception_handler


def answer(exc):
    response = exception_handler(exc, {})
    return response.status_code, response.data


def test_a_service_refusal_is_a_400_with_its_message_as_detail():
    assert answer(ValidationError("名额已满。")) == (400, {"detail": "名额已满。"})
    assert answer(ValidationError(["一", "二"])) == (400, {"detail": "一 二"})


def test_field_refusals_keep_their_field_and_the_rest_goes_to_detail():
    status, data = answer(ValidationError({"end": ["结束早于开始。"], "__all__": ["不能批准。"]}))
    assert status == 400 and data == {"detail": "不能批准。", "end": ["结束早于开始。"]}
    assert answer(exceptions.ValidationError({"non_field_errors": ["x"], "plan": ["y"]}))[1] == {"detail": "x", "plan": ["y"]}
    assert answer(exceptions.ValidationError(["z"]))[1] == {"detail": "z"}


def test_a_permission_refusal_is_a_403_that_keeps_the_services_message():
    assert answer(PermissionDenied("只有县局可以决定。")) == (403, {"detail": "只有县局可以决定。"})


@pytest.mark.django_db
def test_the_schema_documents_the_error_shape_on_every_operation():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "ErrorResponse" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "404" in operation["responses"], f"{method} {path}"


@pytest.mark.django_db
def test_a_failed_csrf_check_answers_in_chinese_not_drfs_english(world, county_user):
    from django.test import Client

    from org.api_errors import MSG_CSRF

    client = Client(enforce_csrf_checks=True)
    client.force_login(county_user)
    response = client.post("/api/v1/rotation/plans/", {}, content_type="application/json")  # a session write, no token
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "CSRF Failed" not in detail and detail == str(MSG_CSRF) and "CSRF" in detail
    assert any("\u4e00" <= char <= "\u9fff" for char in detail)  # the interface language (zh-hans)
