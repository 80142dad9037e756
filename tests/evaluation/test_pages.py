"""The evaluation pages: building a scheme, running a cycle, scoring on the web and by score sheet,
result pages, scope and rater anonymity."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Assignment, Cycle, Indicator, Scheme, Score, Subject
from tests.evaluation.conftest import FULL

pytestmark = pytest.mark.django_db


def _submit_all(cycle, rater, values=FULL):
    for assignment in Assignment.objects.filter(cycle=cycle, rater=rater):
        services.scores_save(actor=rater, assignment=assignment, values=values, submit=True)


def test_city_clerk_builds_a_scheme_on_the_pages(client, world, city_user):
    client.force_login(city_user)
    response = client.post(reverse("evaluation:scheme-create"), {
        "region": world.city.pk, "name": "幼儿园考核", "person_kind": "school", "category": "kindergarten",
        "total": "10", "excellent_min": "9", "qualified_min": "7", "basic_min": "6", "veto_cap": "basic"})
    scheme = Scheme.objects.get(name="幼儿园考核")
    assert response.status_code == 302
    url = reverse("evaluation:indicator-create", args=[scheme.pk])
    client.post(url, {"code": "A", "name": "保教", "points": "10", "role": "standard", "method": "points", "params": "{}", "order": 0})
    section = Indicator.objects.get(scheme=scheme, code="A")
    client.post(url, {"parent": section.pk, "code": "A1", "name": "保育", "points": "6", "role": "standard",
                      "method": "points", "params": "{}", "order": 0})
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert "6.00" in page and "10.00" in page and 'data-testid="scheme-problems"' in page
    client.post(url, {"parent": section.pk, "code": "A2", "name": "教育", "points": "4", "role": "standard",
                      "method": "threshold", "params": "{}", "order": 1})
    assert 'data-testid="scheme-ok"' in client.get(scheme.get_absolute_url()).content.decode()
    assert scheme.indicators.count() == 3


def test_reviewer_cannot_open_scheme_pages_of_the_bureau(client, world, scheme, reviewer_user):
    client.force_login(reviewer_user)
    assert client.get(scheme.get_absolute_url()).status_code == 404
    assert client.post(reverse("evaluation:scheme-create"), {"region": world.city.pk, "name": "x"}).status_code == 403
    assert not Scheme.objects.filter(name="x").exists()


def test_editing_a_frozen_scheme_makes_a_new_version(client, city_user, scheme, cycle):
    client.force_login(city_user)
    response = client.post(reverse("evaluation:scheme-edit", args=[scheme.pk]), {
        "region": scheme.region_id, "name": "小学办学考核2027", "person_kind": "school", "category": "primary",
        "total": "100", "excellent_min": "85", "qualified_min": "70", "basic_min": "60", "veto_cap": "basic"})
    new = Scheme.objects.get(lineage=scheme.lineage, version=2)
    assert response.url == new.get_absolute_url() and new.excellent_min == D(85)
    assert Scheme.objects.get(pk=scheme.pk).excellent_min == D(90)


def test_cycle_created_on_the_page_with_groups(client, world, city_user, scheme):
    client.force_login(city_user)
    data = {"region": world.city.pk, "name": "2027年度", "year": 2027, "kind": "year_end", "scheme": scheme.pk,
            "as_of": "2027-12-01", "quota_unit": "county", "quota_percent": "20", "rounding": "ceiling", "quota_mode": "enforce",
            "groups-TOTAL_FORMS": 3, "groups-INITIAL_FORMS": 0, "groups-MIN_NUM_FORMS": 1, "groups-MAX_NUM_FORMS": 1000,
            "groups-0-name": "专家组", "groups-0-weight": "60", "groups-0-combine": "trimmed_mean", "groups-0-trim": 1,
            "groups-1-name": "满意度调查", "groups-1-weight": "30", "groups-1-combine": "mean", "groups-1-trim": 1,
            "groups-2-name": "", "groups-2-weight": "", "groups-2-combine": "mean", "groups-2-trim": 1}
    response = client.post(reverse("evaluation:cycle-create"), data)
    assert response.status_code == 200 and "90.00" in response.content.decode()
    assert not Cycle.objects.filter(name="2027年度").exists()
    response = client.post(reverse("evaluation:cycle-create"), {**data, "groups-1-weight": "40"})
    cycle = Cycle.objects.get(name="2027年度")
    assert response.url == cycle.get_absolute_url() and cycle.groups.count() == 2


def test_generate_assign_open_on_the_cycle_page(client, world, city_user, cycle, school_a2, reviewer_user):
    client.force_login(city_user)
    client.post(reverse("evaluation:cycle-generate", args=[cycle.pk]), {"region": world.county_a.pk})
    assert cycle.subjects.count() == 2
    experts = cycle.groups.get(name="专家组")
    client.post(reverse("evaluation:cycle-assign", args=[cycle.pk]), {"raters": [reviewer_user.pk], "group": experts.pk})
    assert Assignment.objects.filter(cycle=cycle, rater=reviewer_user).count() == 2
    client.post(reverse("evaluation:cycle-open", args=[cycle.pk]))
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.OPEN


def test_reviewer_scores_on_the_web_form_and_submission_locks(client, assigned, city_user, reviewer_user):
    services.cycle_open(actor=city_user, cycle=assigned)
    client.force_login(reviewer_user)
    assignment = Assignment.objects.filter(rater=reviewer_user).first()
    url = reverse("evaluation:score", args=[assignment.pk])
    response = client.post(url, {**FULL, "A1a": "16", "submit": "1"})
    assert response.status_code == 200 and "A1a" in response.content.decode()
    assert not Score.objects.filter(assignment=assignment).exists()
    client.post(url, {**FULL, "submit": "1"})
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None and assignment.scores.count() == 5
    page = client.get(url).content.decode()
    assert 'data-testid="locked"' in page
    client.post(url, {**FULL, "B1": "1", "save": "1"})
    assert Score.objects.get(assignment=assignment, indicator__code="B1").value == D(18)


def test_a_rater_sees_only_their_own_assignments(client, assigned, reviewer_user, reviewer2):
    client.force_login(reviewer2)
    mine = client.get(reverse("evaluation:my-assignments")).content.decode()
    assert mine.count('href="/evaluation/assignments/') == 2
    theirs = Assignment.objects.filter(rater=reviewer_user).first()
    assert client.get(reverse("evaluation:score", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("evaluation:subject-detail", args=[theirs.subject_id])).status_code == 404


def _sheet_upload(client, cycle, mutate):
    download = client.get(reverse("evaluation:score-sheet", args=[cycle.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    mutate(sheet, headers)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    stream.name = "sheet.xlsx"
    return client.post(reverse("evaluation:score-sheet-upload", args=[cycle.pk]), {"file": stream})


def _fill(values):
    def mutate(sheet, headers):
        for row in range(2, sheet.max_row + 1):
            for index, header in enumerate(headers):
                code = str(header).split(" ")[0]
                if code in values:
                    sheet.cell(row=row, column=index + 1, value=values[code])
    return mutate


def test_reviewer_uploads_the_score_sheet(client, assigned, city_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    client.force_login(reviewer2)
    response = _sheet_upload(client, assigned, _fill({"A1a": 0, "A1b": 1, "A2": "5", "B1": "８", "C1": 19}))
    assert response.status_code == 302
    values = dict(Score.objects.filter(assignment__rater=reviewer2, assignment__subject__school__code="A001")
                  .values_list("indicator__code", "value"))
    assert values == {"A1a": D(0), "A1b": D(1), "A2": D(5), "B1": D(8), "C1": D(19)}
    assert not Assignment.objects.filter(rater=reviewer2, submitted_at__isnull=False).exists()


def test_every_bad_cell_of_the_score_sheet_is_named_and_nothing_saved(client, assigned, city_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    client.force_login(reviewer2)
    response = _sheet_upload(client, assigned, _fill({"A1a": 16, "A1b": "x", "B1": 8}))
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("<tr><td>评分表</td><td>2</td>") == 2 and page.count("<tr><td>评分表</td><td>3</td>") == 2
    assert "A1a 安全制度" in page and "A1b 安全演练" in page
    assert not Score.objects.filter(assignment__rater=reviewer2).exists()


def test_score_sheet_of_another_raters_task_is_refused(client, assigned, city_user, reviewer_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    theirs = Assignment.objects.filter(rater=reviewer_user).first()
    client.force_login(reviewer2)

    def mutate(sheet, headers):
        sheet.cell(row=2, column=1, value=theirs.pk)
        _fill({"B1": 5})(sheet, headers)

    response = _sheet_upload(client, assigned, mutate)
    assert response.status_code == 400 and "任务编号" in response.content.decode()
    assert not Score.objects.exists()


def test_close_refused_on_the_page_lists_missing(client, assigned, city_user, reviewer_user):
    services.cycle_open(actor=city_user, cycle=assigned)
    _submit_all(assigned, reviewer_user)
    client.force_login(city_user)
    response = client.post(reverse("evaluation:cycle-close", args=[assigned.pk]), follow=True)
    page = response.content.decode()
    assert "reviewer2" in page and 'data-testid="missing-table"' in page
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.OPEN
    export = client.get(reverse("evaluation:cycle-missing-export", args=[assigned.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["reviewer2", "reviewer2"]


def _closed(assigned, city_user, reviewer_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    _submit_all(assigned, reviewer_user)
    _submit_all(assigned, reviewer2, {**FULL, "B1": "8"})
    services.cycle_close(actor=city_user, cycle=assigned)


def test_result_page_shows_tree_contributions_and_rating(client, assigned, city_user, reviewer_user, reviewer2):
    _closed(assigned, city_user, reviewer_user, reviewer2)
    subject = Subject.objects.get(cycle=assigned, school__code="A001")
    client.force_login(city_user)
    page = client.get(subject.get_absolute_url()).content.decode()
    assert "89.00" in page and "64.40" in page and "24.60" in page and "安全演练" in page


def test_principal_sees_the_result_only_after_publication_and_never_the_raters(
        client, world, assigned, city_user, reviewer_user, reviewer2, principal_user):
    _closed(assigned, city_user, reviewer_user, reviewer2)
    subject = Subject.objects.get(cycle=assigned, school=world.school_a)
    client.force_login(principal_user)
    assert client.get(subject.get_absolute_url()).status_code == 404
    services.cycle_publish(actor=city_user, cycle=assigned)
    page = client.get(subject.get_absolute_url()).content.decode()
    assert "89.00" in page and "专家组" in page
    assert "reviewer" not in page.replace('data-testid="current-user">principal_a', "")
    other = Subject.objects.get(cycle=assigned, school__code="A002")
    assert client.get(other.get_absolute_url()).status_code == 404


def test_county_b_sees_nothing_of_county_a(client, world, assigned, city_user, reviewer_user, reviewer2):
    from tests.conftest import _user_with_role

    _closed(assigned, city_user, reviewer_user, reviewer2)
    county_b = _user_with_role("county_b", "county_staff", region=world.county_b)
    client.force_login(county_b)
    subject = Subject.objects.get(cycle=assigned, school=world.school_a)
    assert client.get(subject.get_absolute_url()).status_code == 404
    page = client.get(assigned.get_absolute_url()).content.decode()
    assert "咸安实验小学" not in page
    assert client.post(reverse("evaluation:cycle-publish", args=[assigned.pk])).status_code == 403
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.CLOSED


def test_rating_change_on_the_result_page(client, assigned, city_user, reviewer_user, reviewer2):
    _closed(assigned, city_user, reviewer_user, reviewer2)
    subject = Subject.objects.get(cycle=assigned, school__code="A001")
    client.force_login(city_user)
    client.post(reverse("evaluation:rating-change", args=[subject.pk]),
                {"to_rating": "excellent", "meeting": "2026年第5次局务会", "reason": "集体研究"})
    subject.refresh_from_db()
    assert (subject.original_rating, subject.final_rating) == ("qualified", "excellent")
    page = client.get(subject.get_absolute_url()).content.decode()
    assert "2026年第5次局务会" in page


def test_reopen_needs_a_reason_on_the_page(client, assigned, city_user, reviewer_user, reviewer2):
    _closed(assigned, city_user, reviewer_user, reviewer2)
    client.force_login(city_user)
    client.post(reverse("evaluation:cycle-reopen", args=[assigned.pk]), {"reason": ""})
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.CLOSED
    client.post(reverse("evaluation:cycle-reopen", args=[assigned.pk]), {"reason": "复核"})
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.OPEN


def test_administrator_correction_page(client, assigned, city_user, reviewer_user, reviewer2):
    _closed(assigned, city_user, reviewer_user, reviewer2)
    assignment = Assignment.objects.filter(rater=reviewer2, subject__school__code="A001").get()
    client.force_login(city_user)
    url = reverse("evaluation:score-correct", args=[assignment.pk])
    assert client.get(url).status_code == 200
    client.post(url, {**FULL, "B1": "18", "reason": "核对原始记录"})
    subject = Subject.objects.get(cycle=assigned, school__code="A001")
    assert subject.total == D(92)
    client.force_login(reviewer2)
    assert client.get(url).status_code == 404


def test_list_pages_pin_their_queries(client, assigned, city_user, reviewer_user, reviewer2, django_assert_num_queries):
    _closed(assigned, city_user, reviewer_user, reviewer2)
    client.force_login(city_user)
    # session, user, roles and regions (scope), then the page's own reads
    for name, count in (("evaluation:cycle-list", 7), ("evaluation:scheme-list", 7), ("evaluation:quality-list", 5),
                        ("evaluation:index", 5)):
        with django_assert_num_queries(count):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_num_queries(14):
        assert client.get(assigned.get_absolute_url()).status_code == 200
    client.force_login(reviewer2)
    with django_assert_num_queries(6):
        assert client.get(reverse("evaluation:my-assignments")).status_code == 200


def test_score_sheet_upload_can_submit_and_refuses_incomplete_rows(client, assigned, city_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    client.force_login(reviewer2)

    def first_row_only_partly(sheet, headers):
        _fill(FULL)(sheet, headers)
        sheet.cell(row=2, column=headers.index(next(h for h in headers if str(h).startswith("B1"))) + 1).value = None

    original = client.post

    def post_with_submit(url, data):
        return original(url, {**data, "submit": "on"})

    client.post = post_with_submit
    response = _sheet_upload(client, assigned, first_row_only_partly)
    assert response.status_code == 400 and "特色创新" in response.content.decode()
    assert not Score.objects.exists()
    response = _sheet_upload(client, assigned, _fill(FULL))
    assert response.status_code == 302
    assert Assignment.objects.filter(rater=reviewer2, submitted_at__isnull=False).count() == 2


def test_admin_lists_are_read_only_and_scoped(client, world, assigned, city_user):
    from tests.conftest import _user_with_role

    admin_user = _user_with_role("county_b_admin", "county_staff", region=world.county_b, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for name in ("scheme", "cycle", "subject", "assignment", "ratingchange", "schoolquality"):
        assert client.get(reverse(f"admin:evaluation_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:evaluation_scheme_add")).status_code == 403


def test_a_fresh_score_sheet_uploads_after_one_task_is_submitted(client, assigned, city_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    first = Assignment.objects.filter(rater=reviewer2).order_by("subject__school__code", "id").first()
    services.scores_save(actor=reviewer2, assignment=first, values=FULL, submit=True)
    client.force_login(reviewer2)
    response = _sheet_upload(client, assigned, lambda sheet, headers: None)
    assert response.status_code == 302
    page = client.get(reverse("evaluation:my-assignments")).content.decode()
    assert "1 行已提交任务未改动，已跳过" in page
    assert Score.objects.get(assignment=first, indicator__code="B1").value == D(18)


def test_a_real_change_to_a_submitted_task_in_the_sheet_is_refused_by_name(client, assigned, city_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    first = Assignment.objects.filter(rater=reviewer2).order_by("subject__school__code", "id").first()
    services.scores_save(actor=reviewer2, assignment=first, values=FULL, submit=True)
    client.force_login(reviewer2)

    def mutate(sheet, headers):
        sheet.cell(row=2, column=headers.index(next(h for h in headers if str(h).startswith("B1 "))) + 1, value=7)

    response = _sheet_upload(client, assigned, mutate)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"任务 {first.pk} 已提交" in page
    assert Score.objects.get(assignment=first, indicator__code="B1").value == D(18)


def test_rater_choices_hold_only_the_cycles_bureaus_reviewers(client, world, cycle, city_user, reviewer_user):
    from org.models import Account, Region, UserRole
    from tests.conftest import _user_with_role
    from tests.factories import RegionFactory

    other_city = RegionFactory(code="420100", name="武汉市", level=Region.Level.CITY)
    other_county = RegionFactory(code="420102", name="江岸区", parent=other_city)
    outsider = _user_with_role("outsider_reviewer", UserRole.Role.REVIEWER)
    Account.objects.update_or_create(user=outsider, defaults={"region": other_county})
    client.force_login(city_user)
    page = client.get(reverse("evaluation:cycle-detail", args=[cycle.pk])).content.decode()
    assert "outsider_reviewer" not in page and "reviewer" in page
    experts = cycle.groups.get(name="专家组")
    client.post(reverse("evaluation:cycle-assign", args=[cycle.pk]), {"raters": [outsider.pk], "group": experts.pk})
    assert not Assignment.objects.filter(rater=outsider).exists()


def test_a_school_cycles_subject_table_is_headed_school(client, cycle, city_user):
    client.force_login(city_user)
    page = client.get(cycle.get_absolute_url()).content.decode()
    head = page.split('data-testid="subject-table"')[1].split("</thead>")[0]
    assert "<th>学校</th><th>学校</th>" in head and "任教学科" not in head


def test_cycle_and_scheme_names_are_headed_mingcheng_not_a_persons_name(client, city_user, cycle):
    """"Name" of a cycle, a scheme or a rater group is 名称 (msgctxt "name of a thing"); 姓名 stays for people."""
    client.force_login(city_user)
    for url in (reverse("evaluation:cycle-list"), reverse("evaluation:cycle-create"), reverse("evaluation:scheme-list")):
        body = client.get(url).content.decode()
        assert "<th>名称</th>" in body and "<th>姓名</th>" not in body, url
    assert "<th>姓名</th>" in client.get(reverse("org:staff-list")).content.decode()


def test_the_cycle_record_is_not_shown_to_another_county(client, world, assigned, city_user, reviewer_user, reviewer2):
    """Publication's quota warnings name the schools over quota: the cycle's record is for its administrators,
    not for county B's bureau, which sees the city's cycle but none of county A's schools."""
    from tests.conftest import _user_with_role

    services.cycle_open(actor=city_user, cycle=assigned)
    _submit_all(assigned, reviewer_user)
    _submit_all(assigned, reviewer2)  # 92 from both: 优秀 at each school, whose quota (20 % of 1) is 0
    services.cycle_close(actor=city_user, cycle=assigned)
    warnings = services.cycle_publish(actor=city_user, cycle=assigned)
    assert any("咸安实验小学" in warning for warning in warnings)
    client.force_login(_user_with_role("county_b", "county_staff", region=world.county_b))
    page = client.get(assigned.get_absolute_url()).content.decode()
    assert "咸安实验小学" not in page and 'data-testid="cycle-events"' not in page
    client.force_login(city_user)
    assert "咸安实验小学" in client.get(assigned.get_absolute_url()).content.decode().split('data-testid="cycle-events"')[1]


def test_an_assessment_subject_is_headed_pingjia_duixiang_not_a_teaching_subject(client, assigned, reviewer_user):
    """"Subject" of an assessment is 评价对象 (msgctxt "assessment subject"); 任教学科 is a teacher's subject."""
    client.force_login(reviewer_user)
    page = client.get(reverse("evaluation:my-assignments")).content.decode()
    assert "<th>评价对象</th>" in page and "任教学科" not in page
