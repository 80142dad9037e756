from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from org import account_views
from org.api import TokenView, UserTokenRevokeView
from org.views import DashboardSectionView, HomeView

api_v1 = [
    path("", include("org.api_urls")),
    path("talentpool/", include("talentpool.api_urls")),
    path("rotation/", include("rotation.api_urls")),
    path("alliances/", include("alliances.api_urls")),
    path("evaluation/", include("evaluation.api_urls")),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/<int:user_id>/", UserTokenRevokeView.as_view(), name="api-token-revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's script is served, not inline; it sets inline styles, allowed on this page only.
    path("docs/", csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
         name="api-docs"),
]

class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for whatever the page's <link rel="icon">: the static file (WhiteNoise serves
    it, cached), resolved per request so a manifest storage's hashed name is used."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("dashboard/<slug:name>/", DashboardSectionView.as_view(), name="dashboard-section"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("org.urls")),
    path("talentpool/", include("talentpool.urls")),
    path("rotation/", include("rotation.urls")),
    path("alliances/", include("alliances.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
# No /media/ route, in DEBUG or not: uploads hold personal data and are served by scoped download
# views (org.attachments.AttachmentDownloadView).
