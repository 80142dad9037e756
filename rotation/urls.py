from django.urls import path

from rotation import views

app_name = "rotation"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("eligibility/", views.EligibilityListView.as_view(), name="eligibility-list"),
    path("eligibility/export/", views.EligibilityExportView.as_view(), name="eligibility-export"),
    path("split/", views.SplitView.as_view(), name="split"),
    path("policies/", views.PolicyListView.as_view(), name="policy-list"),
    path("policies/<int:region>/edit/", views.PolicyEditView.as_view(), name="policy-edit"),
    path("exemptions/", views.ExemptionListView.as_view(), name="exemption-list"),
    path("exemptions/new/", views.ExemptionApplyView.as_view(), name="exemption-create"),
    path("exemptions/<int:pk>/", views.ExemptionDetailView.as_view(), name="exemption-detail"),
    path("exemptions/<int:pk>/decide/", views.ExemptionDecideView.as_view(), name="exemption-decide"),
]
