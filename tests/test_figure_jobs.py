"""The stored-figure jobs share one store (org.services.figures.replace_figures: one transaction under the job's
advisory lock), an as-of date asked for is checked before a nightly cost is taken on, and a committed import
refreshes the home page's staff count (tests/org/test_job_liveness.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from alliances.services.coverage import coverage_figures_compute
from evaluation.services_figures import title_ratio_figures_compute
from org.models import StaffFigure
from org.services import figures as org_figures
from org.services.figures import staff_figures_compute
from rotation import selectors
from rotation.models import EligibilityFigure
from rotation.services.figures import eligibility_figures_compute, eligibility_figures_request, latest_as_of

pytestmark = pytest.mark.django_db


def test_every_figure_job_replaces_its_rows_under_its_own_lock(world, monkeypatch):
    taken = []
    monkeypatch.setattr(org_figures, "job_lock", taken.append)
    on = selectors.default_as_of(timezone.localdate())
    staff_figures_compute()
    coverage_figures_compute()
    title_ratio_figures_compute()
    eligibility_figures_compute(on=on)
    assert taken == ["org.staff_figures", "alliances.coverage_figures", "evaluation.title_ratio_figures",
                     f"rotation.eligibility_figures.{on.isoformat()}"]
    staff_figures_compute()  # a second run replaces the first: one row per school, never two
    assert StaffFigure.objects.count() == 2 and EligibilityFigure.objects.filter(as_of=on).exists()


def test_an_as_of_date_up_to_a_year_after_the_coming_term_is_queued_and_a_later_one_refused(
        world, city_user, django_capture_on_commit_callbacks):
    last = latest_as_of(timezone.localdate())
    assert last == selectors.default_as_of(timezone.localdate()) + timedelta(days=366)
    with django_capture_on_commit_callbacks() as queued:
        eligibility_figures_request(actor=city_user, on=last)
        eligibility_figures_request(actor=city_user, on=last - timedelta(days=5 * 366))  # computed once, dropped at night
        with pytest.raises(ValidationError, match=last.isoformat()):
            eligibility_figures_request(actor=city_user, on=last + timedelta(days=1))
    assert len(queued) == 2


def test_the_split_page_and_api_refuse_a_date_too_far_ahead_in_chinese(client, world, city_user):
    late = (latest_as_of(timezone.localdate()) + timedelta(days=1)).isoformat()
    client.force_login(city_user)
    response = client.post("/rotation/split/", {"target": 9, "as_of": late}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert late in " ".join(response.context["form"].errors["as_of"])
    api = APIClient()
    api.force_authenticate(city_user)
    response = api.post("/api/v1/rotation/split/compute/", {"target": 9, "as_of": late}, format="json")
    assert response.status_code == 400 and late in str(response.json())
    response = client.post("/rotation/eligibility/", {"as_of": late, "query": "status=MUST_ROTATE"})
    assert response.status_code == 302
    assert not EligibilityFigure.objects.exists()

