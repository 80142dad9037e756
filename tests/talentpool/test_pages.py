"""Pages: scoped lists with pinned query counts, the nomination form, workflow buttons, the inbox."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from talentpool.models import EligibilityRule, Intake, Nomination, Program, Transition
from tests.factories import StaffFactory
from tests.talentpool.factories import IntakeFactory, NominationFactory, ProgramFactory, TrackFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status


@pytest.fixture
def county_b_program(world):
    return ProgramFactory(name="嘉鱼县后备干部计划", level="county", region=world.county_b)


def test_programs_scoped_by_owning_region(client, world, program, county_b_program, county_user, principal_user):
    for user in (county_user, principal_user):
        client.force_login(user)
        body = client.get(reverse("talentpool:program-list")).content.decode()
        assert program.name in body and county_b_program.name not in body
        assert client.get(reverse("talentpool:program-detail", args=[county_b_program.pk])).status_code == 404
        assert client.get(reverse("talentpool:program-detail", args=[program.pk])).status_code == 200


def test_city_staff_create_program_and_rules_county_may_not_edit(client, world, city_user, county_user):
    client.force_login(city_user)
    response = client.post(reverse("talentpool:program-create"), {
        "name": "双培养计划", "level": "city", "region": world.city.pk, "start_year": 2024, "years": 3,
        "notice_working_days": 5, "review_interval_years": 3,
    })
    program = Program.objects.get(name="双培养计划")
    assert response.status_code == 302 and program.history.latest().history_user == city_user
    client.post(reverse("talentpool:track-create", args=[program.pk]), {"name": "校长", "pool_type": "principal_reserve", "annual_quota": 30})
    track = program.tracks.get()
    client.post(reverse("talentpool:rule-create", args=[track.pk]), {"kind": "min_leader_years", "number": 3})
    response = client.post(reverse("talentpool:rule-create", args=[track.pk]), {"kind": "stage_in", "choices": "primary,college"})
    assert "允许值中有无法识别的代码" in response.content.decode()
    assert list(track.rules.values_list("kind", "number")) == [("min_leader_years", 3)]
    client.post(reverse("talentpool:intake-create", args=[track.pk]), {"year": 2026, "opens": "2026-03-01", "closes": "2026-03-31", "quota": 30})
    assert Intake.objects.get(track=track).quota == 30
    client.force_login(county_user)
    assert client.get(reverse("talentpool:program-edit", args=[program.pk])).status_code == 404  # runs only its own programs
    for region in (world.city, world.county_a):  # nor can it take the city's program over into its own region
        response = client.post(reverse("talentpool:program-edit", args=[program.pk]), {
            "name": "改名", "level": "county", "region": region.pk, "start_year": 2024, "years": 3,
            "notice_working_days": 5, "review_interval_years": 3,
        })
        assert response.status_code == 404
    assert Program.objects.filter(pk=program.pk).values_list("name", "region_id").get() == ("双培养计划", world.city.pk)
    rule = track.rules.get()
    assert client.post(reverse("talentpool:rule-delete", args=[rule.pk])).status_code == 403
    assert EligibilityRule.objects.filter(pk=rule.pk).exists()


def test_nomination_form_checks_eligibility_and_shows_quota(client, world, intake, principal_user):
    EligibilityRule.objects.create(track=intake.track, kind="max_age", number=30)
    client.force_login(principal_user)
    url = reverse("talentpool:nomination-create", args=[intake.pk])
    page = client.get(url).content.decode()
    assert "剩余 2" in page or "剩余2" in page
    form = {"staff": world.staff_a.pk, "source": "nomination", "check": "1"}  # no reasons yet: checking still works
    body = client.post(url, form).content.decode()
    assert "不符合资格条件" in body or "不符合" in body
    assert "超过30岁的上限" in body
    assert not Nomination.objects.exists()


def open_now(intake):
    today = timezone.localdate()
    intake.opens, intake.closes = today - dt.timedelta(days=1), today + dt.timedelta(days=30)
    intake.save()


def test_principal_nominates_own_staff_with_attachment(client, world, intake, principal_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    open_now(intake)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(principal_user)
    url = reverse("talentpool:nomination-create", args=[intake.pk])
    form = {"staff": world.staff_a.pk, "source": "nomination", "reasons": "实绩突出", "submit": "1",
            "attachments": [SimpleUploadedFile("业绩.pdf", b"%PDF-1.4")]}
    response = client.post(url, form)
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and nomination.staff == world.staff_a and nomination.nominated_by == principal_user
    assert nomination.attachments.count() == 1
    response = client.post(url, {**form, "staff": world.staff_b.pk, "attachments": []})
    assert response.status_code == 200 and Nomination.objects.count() == 1  # another school's staff is no valid choice


def test_nomination_list_scoped_and_query_count_pinned(client, world, intake, county_user, django_assert_num_queries):
    for _ in range(12):
        NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a))
    other = NominationFactory(intake=intake, staff=world.staff_b)
    client.force_login(county_user)
    with django_assert_num_queries(10):
        response = client.get(reverse("talentpool:nomination-list"))
    assert len(response.context["object_list"]) == 12 and other not in response.context["object_list"]
    assert world.staff_b.name not in response.content.decode()


def test_reviewer_sees_only_assigned_nominations(client, world, intake, city_user, reviewer_user, other_reviewer):
    mine = NominationFactory(intake=intake, staff=world.staff_a, status=S.ASSESSMENT)
    theirs = NominationFactory(intake=intake, staff=world.staff_b, status=S.ASSESSMENT)
    client.force_login(reviewer_user)
    assert client.get(reverse("talentpool:nomination-detail", args=[mine.pk])).status_code == 404
    client.force_login(city_user)
    client.post(reverse("talentpool:nomination-assign", args=[mine.pk]), {"reviewers": [reviewer_user.pk]})
    client.post(reverse("talentpool:nomination-assign", args=[theirs.pk]), {"reviewers": [other_reviewer.pk]})
    client.force_login(reviewer_user)
    listed = client.get(reverse("talentpool:nomination-list")).context["object_list"]
    assert list(listed) == [mine]
    assert client.get(reverse("talentpool:nomination-detail", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("talentpool:nomination-detail", args=[mine.pk]))
    assert 'data-testid="score-form"' in page.content.decode()
    items = list(intake.track.scoring_form.items.all())
    client.post(reverse("talentpool:nomination-score", args=[mine.pk]), {f"item_{items[0].pk}": 80, f"item_{items[1].pk}": 50})
    mine.refresh_from_db()
    assert str(mine.final_score) == "92.00"
    inbox = client.get(reverse("talentpool:inbox")).content.decode()
    assert 'data-testid="inbox-scoring"' in inbox and "county_review" not in inbox


def test_workflow_buttons_and_chinese_refusal(client, world, nomination_a, county_user, city_user, principal_user):
    client.force_login(principal_user)
    assert "通过县级遴选" not in client.get(nomination_a.get_absolute_url()).content.decode()
    assert client.post(reverse("talentpool:nomination-county-pass", args=[nomination_a.pk])).status_code == 403
    client.force_login(county_user)
    response = client.post(reverse("talentpool:nomination-county-pass", args=[nomination_a.pk]), {"comment": "同意"}, follow=True)
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.ASSESSMENT
    assert "同意" in response.content.decode()  # the workflow table shows the comment
    client.force_login(city_user)
    response = client.post(reverse("talentpool:nomination-decide", args=[nomination_a.pk]),
                           {"admit": "1", "meeting_date": "2026-06-10", "minutes_ref": "纪要"}, follow=True)
    assert "不能转为" in response.content.decode()
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.ASSESSMENT
    response = client.post(reverse("talentpool:nomination-notice", args=[nomination_a.pk]),
                           {"start": "2026-06-01", "end": "2026-06-05"}, follow=True)
    assert "公示前请至少分配一名评审专家" in response.content.decode()


def test_out_of_scope_actions_answer_404(client, world, nomination_b, county_user):
    client.force_login(county_user)
    assert client.post(reverse("talentpool:nomination-county-pass", args=[nomination_b.pk])).status_code == 404
    assert Transition.objects.count() == 0


def test_return_shows_in_principal_inbox_and_resubmit(client, world, nomination_a, county_user, principal_user):
    client.force_login(county_user)
    client.post(reverse("talentpool:nomination-return", args=[nomination_a.pk]), {"reason": "补充材料"})
    client.force_login(principal_user)
    assert nomination_a.staff.name in client.get(reverse("talentpool:inbox")).content.decode()
    client.post(reverse("talentpool:nomination-resubmit", args=[nomination_a.pk]), {"reasons": "已补充", "achievements": ""})
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.SUBMITTED


def test_notice_objection_and_decision_through_pages(client, world, intake, city_user):
    nomination = NominationFactory(intake=intake, staff=world.staff_a, status=S.NOTICE,
                                   notice_start=dt.date(2026, 6, 1), notice_end=dt.date(2026, 6, 5))
    client.force_login(city_user)
    client.post(reverse("talentpool:nomination-objection", args=[nomination.pk]), {"received": "2026-06-02", "content": "材料存疑"})
    objection = nomination.objections.get()
    client.post(reverse("talentpool:objection-resolve", args=[nomination.pk, objection.pk]), {"resolution": "已核实"})
    client.post(reverse("talentpool:nomination-notice-close", args=[nomination.pk]))
    client.post(reverse("talentpool:nomination-decide", args=[nomination.pk]),
                {"admit": "1", "meeting_date": "2026-06-10", "minutes_ref": "纪要3号"})
    nomination.refresh_from_db()
    assert (nomination.status, nomination.minutes_ref) == (S.ADMITTED, "纪要3号")
    assert nomination.pool_members.count() == 1


QUERIES = {"talentpool:intake-list": 9, "talentpool:program-list": 8}


@pytest.mark.parametrize("name", ["talentpool:intake-list", "talentpool:program-list"])
def test_small_lists_query_count(client, world, city_user, django_assert_num_queries, name):
    for year in range(2020, 2030):
        IntakeFactory(track=TrackFactory(program=ProgramFactory(region=world.city)), year=year)
    client.force_login(city_user)
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(reverse(name)).status_code == 200


def test_pages_render(client, world, nomination_a, city_user):
    client.force_login(city_user)
    for url in [reverse("talentpool:index"), reverse("talentpool:inbox"), nomination_a.get_absolute_url(),
                nomination_a.intake.get_absolute_url(), nomination_a.intake.track.program.get_absolute_url()]:
        assert client.get(url).status_code == 200, url


def test_supervisor_reads_but_changes_nothing(client, world, nomination_a, supervisor_user):
    client.force_login(supervisor_user)
    assert client.get(nomination_a.get_absolute_url()).status_code == 200
    for name, data in (("nomination-county-pass", {}), ("nomination-reject", {"reason": "x"}), ("nomination-withdraw", {"reason": "x"})):
        assert client.post(reverse(f"talentpool:{name}", args=[nomination_a.pk]), data).status_code == 403
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.SUBMITTED


def test_principal_sees_only_own_schools_nominations(client, world, nomination_a, nomination_b, principal_user):
    client.force_login(principal_user)
    assert list(client.get(reverse("talentpool:nomination-list")).context["object_list"]) == [nomination_a]
    assert client.get(nomination_b.get_absolute_url()).status_code == 404
