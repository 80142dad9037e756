"""Races answer 4xx, never 500: a unique constraint hit by requests at the same moment gives the same
Chinese message as the service's own check (org.integrity). The harness here; the races that users
can run (nominations, tracks, intakes) are in tests/talentpool/test_races.py, on PostgreSQL."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client

from org import integrity
from org.models import Region
from tests.factories import RegionFactory

ROUNDS = 3
AT_ONCE = 6


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests racing a unique constraint need PostgreSQL (the CI database)")


def race(user, requests: list) -> list:
    """Send `requests` (functions of a Client) all at once from threads; [(status, body text)]."""
    clients = []
    for _ in requests:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(requests))
    answers = []

    def send(client, request):
        try:
            barrier.wait()
            response = request(client)
            answers.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=pair) for pair in zip(clients, requests, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def assert_one_wins(answers, *, created: int, message: str):
    statuses = sorted(status for status, _body in answers)
    print("race answers:", statuses)
    assert 500 not in statuses, answers
    assert statuses.count(created) == 1, statuses
    for status, body in answers:
        if status != created:  # 4xx, or a form shown again (200) when the winner committed before its check
            assert (400 <= status < 500 or status == 200) and message in body, (status, body[:300])


# --- every unique constraint has a message; constraint names are read from both databases ----------

def test_every_unique_constraint_has_a_chinese_message():
    constraints = integrity.unique_constraints()
    assert {"nomination_one_open_per_intake", "track_name_unique", "staff_id_number_unique"} <= set(constraints)
    for name in constraints:
        message = integrity.message_for(name)
        assert message and any("\u4e00" <= char <= "\u9fff" for char in message), (name, message)


@pytest.mark.django_db
def test_the_constraint_is_named_from_the_database_error():
    RegionFactory(code="429901")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Region.objects.create(code="429901", name="重复", level=Region.Level.COUNTY)
    assert integrity.constraint_name(caught.value) == "region_code_unique"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "content_type"), [("/api/v1/regions/", "application/json"),
                                                    ("/org/schools/", "text/html")])
def test_middleware_answers_a_unique_refusal_with_409_and_the_message(rf, county_user, path, content_type):
    RegionFactory(code="429901")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Region.objects.create(code="429901", name="重复", level=Region.Level.COUNTY)
    request = rf.post(path)
    request.user = county_user
    response = integrity.IntegrityErrorMiddleware(lambda r: None).process_exception(request, caught.value)
    assert response.status_code == 409 and response["Content-Type"].startswith(content_type)
    assert integrity.message_for("region_code_unique") in response.content.decode()


@pytest.mark.django_db
def test_other_integrity_errors_stay_errors(rf):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Region.objects.create(code="429902", name="无上级", level=Region.Level.COUNTY, parent_id=999999)
        connection.check_constraints()
    assert integrity.IntegrityErrorMiddleware(lambda r: None).process_exception(rf.get("/"), caught.value) is None
