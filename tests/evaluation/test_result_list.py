"""The assessment-results list (/evaluation/results/, issue 14 item 7): every figure of the home page's evaluation
section links to it with the same filters, and the figure == the list's rows == its export's rows; scoped (one in,
one out; out-of-scope filters refused with the form's Chinese errors, and by the API by field); query counts pinned
for the page and its API twin."""

import io
from urllib.parse import parse_qsl, urlsplit

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from evaluation import dashboard, services
from evaluation.models import Assignment, RatingChange, Subject
from org.models import ExportJob, UserRole
from org.ratings import Rating
from tests.dashboards.helpers import home_body
from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rated(world, city_user, assigned):
    """Open cycle: county A's two schools and county B's school (and a B junior school); ratings set, one bound-rule
    change per county, reviewer's scores on one A school submitted."""
    services.subjects_generate(actor=city_user, cycle=assigned, region=world.county_b)
    Subject.objects.create(cycle=assigned, school=SchoolFactory(code="B002", name="嘉鱼一中", region=world.county_b,
                                                                stage="junior"))
    services.cycle_open(actor=city_user, cycle=assigned)
    subjects = {s.school.code: s for s in Subject.objects.filter(cycle=assigned).select_related("school")}
    ratings = {"A001": Rating.EXCELLENT, "A002": Rating.QUALIFIED, "B001": Rating.EXCELLENT, "B002": Rating.EXCELLENT}
    for code, rating in ratings.items():
        Subject.objects.filter(pk=subjects[code].pk).update(final_rating=rating, original_rating=rating)
    for code in ("A002", "B001"):
        RatingChange.objects.create(subject=subjects[code], kind=RatingChange.Kind.RULE, from_rating=Rating.EXCELLENT,
                                    to_rating=Rating.QUALIFIED if code == "A002" else Rating.EXCELLENT, reason="规则")
    Assignment.objects.filter(subject=subjects["A001"], group__name="专家组").update(submitted_at="2026-12-05T10:00:00Z")
    return assigned


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _export_rows(client, url) -> int:
    query = urlsplit(url).query
    response = client.get(f"{reverse('evaluation:result-export')}?{query}")
    assert response.status_code == 200
    return len(list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows())) - 1


def _list_rows(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


def _figures(data) -> list[tuple[int, str]]:
    """(figure, link) for every figure of the section."""
    figures = [(data["subjects"], data["subjects_url"]), (data["excellent"], data["excellent_url"])]
    figures += [(n, url) for _name, cells in data["by_county"] + data["by_stage"] for n, url in cells]
    figures += [(n, url) for _label, n, url in data["rule_changes"]]
    figures += [(row["n"], row["url"]) for row in data["missing"]]
    return figures


@pytest.mark.parametrize("role", ["city_user", "county_user"])
def test_every_figure_equals_its_lists_rows_and_its_exports_rows(client, request, rated, role):
    user = request.getfixturevalue(role)
    data = dashboard.evaluation_dashboard(user=user)
    client.force_login(user)
    figures = _figures(data)
    assert len(figures) > 10 and any(n > 1 for n, _url in figures) and any(n == 0 for n, _url in figures)
    for n, url in figures:
        assert _list_rows(client, url) == n == _export_rows(client, url), url


def test_the_figures_are_what_the_city_and_the_county_see(rated, city_user, county_user):
    city, county = (dashboard.evaluation_dashboard(user=user) for user in (city_user, county_user))
    assert (city["subjects"], city["excellent"], county["subjects"], county["excellent"]) == (4, 3, 2, 1)
    assert sorted((str(label), n) for label, n, _url in city["rule_changes"]) == [("优秀", 1), ("合格", 1)]
    assert [(str(label), n) for label, n, _url in county["rule_changes"]] == [("合格", 1)]
    # reviewer: 1 of county A's 2 experts' assignments submitted; reviewer2: none (subjects, not assignments)
    assert sorted(row["n"] for row in county["missing"]) == [1, 2]


def test_the_home_page_links_the_figures_to_the_list(client, rated, county_user):
    client.force_login(county_user)
    body = home_body(client)
    data = dashboard.evaluation_dashboard(user=county_user)
    for _n, url in _figures(data):
        assert f'href="{url.replace("&", "&amp;")}"' in body, url


def test_a_county_user_lists_only_its_own_subjects(client, rated, county_user, world):
    client.force_login(county_user)
    response = client.get(reverse("evaluation:result-list"), {"cycle": rated.pk})
    assert {s.school.code for s in response.context["object_list"]} == {"A001", "A002"}
    assert world.school_b.name not in response.content.decode()


def test_without_a_cycle_the_list_shows_the_home_pages_cycle(client, rated, city_user):
    client.force_login(city_user)
    response = client.get(reverse("evaluation:result-list"))
    assert response.context["paginator"].count == 4
    assert response.context["filter"].form.cleaned_data["cycle"] == rated


@pytest.mark.parametrize("params", [{"region": "county_b"}, {"school": "school_b"}, {"final_rating": "good?"},
                                    {"rule_to": "good"}, {"missing_rater": "x"}, {"cycle": "999999"}])
def test_refused_filters_answer_the_list_page_with_chinese_errors(client, rated, county_user, world, params):
    params = {key: getattr(world, value).pk if hasattr(world, value) else value for key, value in params.items()}
    client.force_login(county_user)
    for name in ("evaluation:result-list", "evaluation:result-export"):
        response = client.get(reverse(name), params)
        body = response.content.decode()
        if name == "evaluation:result-list":
            assert response.status_code == 200 and response.context["paginator"].count == 0
        else:
            assert response.status_code == 400 and "请检查参数" in body
        assert 'data-testid="filter-errors"' in body and world.county_b.name not in body
    assert not ExportJob.objects.exists()


def test_api_twin_filters_the_same_and_refuses_by_field(rated, county_user, world):
    api = APIClient()
    api.force_authenticate(county_user)
    data = api.get("/api/v1/evaluation/subjects/", {"cycle": rated.pk, "final_rating": "excellent"}).json()
    assert [row["school"] for row in data["results"]] == [world.school_a.pk]
    response = api.get("/api/v1/evaluation/subjects/export/", {"cycle": rated.pk, "region": world.county_b.pk})
    assert response.status_code == 400 and "region" in response.json()
    response = api.get("/api/v1/evaluation/subjects/export/", {"cycle": rated.pk, "rule_to": "qualified"})
    assert response.status_code == 200
    assert len(list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows())) == 2


def test_export_above_the_threshold_is_a_job_with_the_lists_rows(client, rated, city_user, settings,
                                                                django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    client.force_login(city_user)
    url = dashboard.evaluation_dashboard(user=city_user)["excellent_url"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{reverse('evaluation:result-export')}?{urlsplit(url).query}")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.query == {k: [v] for k, v in parse_qsl(urlsplit(url).query)}
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.rows_total == 3 == _list_rows(client, url)


RESULT_PAGE = 12  # session, user, roles, regions x2, the choice lists (cycles, regions, schools, raters), count, page
RESULT_API = 4  # the cycle filter, count, page, rater groups (the scope is cached on the force-authenticated user)


def test_the_list_page_and_its_api_read_a_fixed_number_of_queries(client, rated, city_user, world,
                                                                  django_assert_num_queries):
    client.force_login(city_user)
    api = APIClient()
    api.force_authenticate(city_user)
    params = {"cycle": rated.pk, "final_rating": "excellent"}
    client.get(reverse("evaluation:result-list"), params)  # warm the session
    api.get("/api/v1/evaluation/subjects/", params)  # the API's scope is then cached on the user object
    with django_assert_num_queries(RESULT_PAGE):
        assert client.get(reverse("evaluation:result-list"), params).context["paginator"].count == 3
    with django_assert_num_queries(RESULT_API):
        assert api.get("/api/v1/evaluation/subjects/", params).json()["count"] == 3
    for code in ("A003", "A004", "A005"):
        Subject.objects.create(cycle=rated, school=SchoolFactory(code=code, region=world.county_a))
    Subject.objects.filter(cycle=rated).update(final_rating=Rating.EXCELLENT)
    with django_assert_num_queries(RESULT_PAGE):
        assert client.get(reverse("evaluation:result-list"), params).context["paginator"].count == 7
    with django_assert_num_queries(RESULT_API):
        assert api.get("/api/v1/evaluation/subjects/", params).json()["count"] == 7


def test_the_missing_rater_filter_names_the_rater_and_offers_only_raters_in_scope(client, rated, city_user, county_user,
                                                                                    reviewer_user, world):
    """The filter shows the rater's name, not a bare id; a county user's choice is among the raters of the assignments
    they see: a rater who only scores county B's subjects is refused with the form's error, and never named."""
    outsider = UserFactory(username="rater_b", first_name="芳", last_name="王")
    UserRole.objects.create(user=outsider, role=UserRole.Role.REVIEWER)
    services.assignments_create(actor=city_user, cycle=rated, raters=[outsider], group=rated.groups.get(name="专家组"),
                                subjects=list(Subject.objects.filter(cycle=rated, school__code="B001")))
    reviewer_user.last_name, reviewer_user.first_name = "李", "明"
    reviewer_user.save(update_fields=["last_name", "first_name"])
    client.force_login(county_user)
    response = client.get(reverse("evaluation:result-list"), {"cycle": rated.pk, "missing_rater": reviewer_user.pk})
    body = response.content.decode()
    assert response.context["paginator"].count == 1
    assert f'<option value="{reviewer_user.pk}" selected>李明（{reviewer_user.username}）</option>' in body
    assert "王芳" not in body
    response = client.get(reverse("evaluation:result-list"), {"cycle": rated.pk, "missing_rater": outsider.pk})
    body = response.content.decode()
    assert response.context["paginator"].count == 0 and 'data-testid="filter-errors"' in body and "王芳" not in body
    client.force_login(city_user)
    response = client.get(reverse("evaluation:result-list"), {"cycle": rated.pk, "missing_rater": outsider.pk})
    assert response.context["paginator"].count == 1 and "王芳（rater_b）" in response.content.decode()
