"""Every page and API endpoint reads its rows through the scoped bases of org/scope.py.

The walk covers every URL pattern (router registrations included, since the routers' patterns are
in the URL configuration); a view outside `ScopedQuerysetMixin`/`ScopedViewSetMixin` fails the test
unless it is on ALLOWED below, with the reason it is safe. New endpoints are covered automatically.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.views.generic import DetailView

from org import scope
from org.models import School

# The Django admin is for superusers only (issue 8, item 1); its own checks apply there.
SKIPPED_NAMESPACES = {"admin"}

ALLOWED = {
    # Django and library views: no rows of ours.
    "django.contrib.auth.views.LogoutView": "logout",
    "django.views.i18n.set_language": "language switch",
    "rest_framework.routers.APIRootView": "the API's index of links",
    # Accounts (org.account_views): one's own credentials, or a new row whose choices come from org.accounts.
    "org.account_views.LoginView": "login",
    "org.api.TokenView": "a token for one's own credentials; DELETE revokes one's own",
    "org.account_views.PasswordChangeView": "one's own password",
    "org.account_views.UserCreateView": "create form; roles, regions and schools from org.accounts (the bureau's own)",
    "org.account_views.InitialPasswordsView": "acts on org.accounts.managed_users(actor) only",
    "talentpool.views_reference.HolidayAddView": "create form (city bureau only, checked by the service)",
    "drf_spectacular.views.SpectacularAPIView": "the schema (static document)",
    "drf_spectacular.views.SpectacularSwaggerSplitView": "the API docs page (static document and its script)",
    # Accounts of the users a bureau manages: org.accounts.managed_users(actor) (roles in the
    # regions the actor manages; a user outside answers 404).
    "org.api.UserTokenRevokeView": "org.accounts.managed_users(actor) via services.accounts._managed_user (404 outside)",
    # Landing pages and menus: counts and links read through scoped selectors, no row by its id.
    "org.views.HomeView": "home page",
    "org.views.DashboardSectionView": "a home-page section: the app's dashboard selectors over visible_to(user, ...)",
    "talentpool.views.IndexView": "landing page",
    "rotation.views.IndexView": "landing page",
    "alliances.views.IndexView": "landing page",
    "evaluation.views.IndexView": "landing page",
    "talentpool.views.InboxView": "selectors.inbox (scoped)",
    "talentpool.api.InboxView": "selectors.inbox (scoped)",
    "talentpool.api.PromotionReportView": "selectors.promotion_report (scoped)",
    "rotation.views.PolicyListView": "selectors.policy rows of visible regions",
    # Computations over scoped selectors, no row by its id.
    "rotation.views.SplitView": "selectors.counties_under(user=...) (scoped)",
    "rotation.api.SplitViewSet": "selectors.counties_under(user=...) (scoped)",
    "rotation.api.EligibilityViewSet": "selectors.eligibility over visible staff",
    "rotation.views.FiguresComputeView": "POST, bureau staff only: queues the figures job (whole province, read scoped)",
    # Downloads built from scoped selectors (bureau staff only).
    "org.import_views.ImportIndexView": "upload form; jobs are the user's own (ImportJob scoper)",
    "org.import_views.TemplateDownloadView": "an empty workbook",
    "org.import_views.ExportView": "exporters read visible_to(user, ...)",
    "rotation.views.EligibilityExportView": "selectors over visible staff",
    "rotation.views.AssignmentExportView": "selectors.assignment_list(user=...) through AssignmentFilter (scoped)",
    "alliances.exports.ExportView": "alliances.exports' writers and selectors read visible_to(user, ...)",
    "alliances.views.CoverageView": "selectors.coverage_rows / groups_* over visible_to(user, ...)",
    "alliances.views.RequirementListView": "selectors.requirement_list(user=...) (scoped)",
    "alliances.api.CoverageViewSet": "selectors.coverage_rows over visible schools",
    "talentpool.views_docs.NominationExportView": "selectors.nomination_list(user=...)",
    "talentpool.views_docs.MemberExportView": "selectors.pool_member_list(user=...)",
    "talentpool.views_docs.AppointmentExportView": "selectors.appointment_list(user=...) through AppointmentFilter",
    "org.views.StaffExportView": "selectors.staff_list(user=...) through StaffFilter (scoped choices)",
    "org.views.SchoolExportView": "selectors.school_list(user=...) through SchoolFilter (scoped choices)",
    "evaluation.views_results.ResultExportView": "selectors.subject_list(user=...) through ResultFilter (scoped choices)",
    "config.urls.FaviconView": "a redirect to a static file",
    # Create forms: the form's choices are scoped and the service checks the actor; a parent row named
    # in the URL is read with scope.get_visible_or_404.
    "talentpool.views.ProgramCreateView": "create form",
    "talentpool.views.TrackCreateView": "create form; program via get_visible_or_404",
    "talentpool.views.RuleCreateView": "create form; track via get_visible_or_404",
    "talentpool.views.IntakeCreateView": "create form; track via get_visible_or_404",
    "talentpool.views.NominationCreateView": "create form; intake via get_visible_or_404",
    "talentpool.views_pool.TrainingCreateView": "create form",
    "talentpool.views_pool.StudioCreateView": "create form",
    "talentpool.views_pool.AppointmentCreateView": "create form",
    "rotation.views.ExemptionApplyView": "create form",
    "rotation.views.PlanCreateView": "create form",
    "rotation.views.AssignmentCreateView": "create form",
    "alliances.views.GroupCreateView": "create form; the service checks regions and schools",
    # Not yet on org.web.ActionView (issue 9, item 6): each reads its row with scope.get_visible_or_404.
    "talentpool.views.RuleDeleteView": "rule via get_visible_or_404",
    "talentpool.views_docs.NoticePrintView": "intake via get_visible_or_404",
    "talentpool.views_docs.NoticeDocxView": "intake via get_visible_or_404",
    "rotation.views.PolicyEditView": "region via get_visible_or_404",
    "rotation.views.ExemptionDecideView": "exemption via get_visible_or_404",
    "rotation.views.ProgressRecomputeView": "plan via get_visible_or_404",
    "rotation.views.SuggestionDecideView": "suggestion via get_visible_or_404",
    "rotation.views.InspectionCreateView": "assignment via get_visible_or_404",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _name(view) -> str:
    return f"{view.__module__}.{view.__qualname__}"


def unscoped_views(patterns) -> dict[str, str]:
    """{view name: route} of every view that neither uses the scoped bases nor is on ALLOWED."""
    found = {}
    for route, callback in _walk(patterns):
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view is not None and issubclass(view, scope._ScopedBase):
            if view.model is None:
                found[_name(view)] = f"{route} (no model declared)"
            continue
        name = _name(view or callback)
        if name not in ALLOWED:
            found[name] = route
    return found


def test_every_page_and_endpoint_goes_through_the_scoped_bases():
    assert unscoped_views(get_resolver().url_patterns) == {}


def test_the_allow_list_names_only_views_that_exist():
    names = {_name(getattr(cb, "view_class", None) or getattr(cb, "cls", None) or cb)
             for _route, cb in _walk(get_resolver().url_patterns)}
    assert set(ALLOWED) - names == set()


class StartsFromObjects(DetailView):
    """What the walk must catch: a page that reads School.objects, not the user's scope."""

    model = School
    queryset = School.objects.all()


@pytest.mark.parametrize("view", [StartsFromObjects])
def test_the_walk_fails_on_a_view_that_starts_from_model_objects(view):
    patterns = [*get_resolver().url_patterns, path("schools/<int:pk>/", view.as_view())]
    assert unscoped_views(patterns) == {f"{__name__}.StartsFromObjects": "schools/<int:pk>/"}
