from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from org import account_views
from org.views import HomeView

api_v1 = [
    path("", include("org.api_urls")),
    path("talentpool/", include("talentpool.api_urls")),
    path("rotation/", include("rotation.api_urls")),
    path("alliances/", include("alliances.api_urls")),
    path("evaluation/", include("evaluation.api_urls")),
    path("auth/token/", account_views.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
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
