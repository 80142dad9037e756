from django.urls import path

from rotation import views

app_name = "rotation"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("eligibility/", views.EligibilityListView.as_view(), name="eligibility-list"),
    path("eligibility/export/", views.EligibilityExportView.as_view(), name="eligibility-export"),
    path("split/", views.SplitView.as_view(), name="split"),
    path("figures/compute/", views.FiguresComputeView.as_view(), name="figures-compute"),
    path("policies/", views.PolicyListView.as_view(), name="policy-list"),
    path("policies/<int:region>/edit/", views.PolicyEditView.as_view(), name="policy-edit"),
    path("exemptions/", views.ExemptionListView.as_view(), name="exemption-list"),
    path("exemptions/new/", views.ExemptionApplyView.as_view(), name="exemption-create"),
    path("exemptions/<int:pk>/", views.ExemptionDetailView.as_view(), name="exemption-detail"),
    path("exemptions/<int:pk>/attachment/", views.ExemptionAttachmentView.as_view(), name="exemption-attachment"),
    path("inspections/<int:pk>/attachment/", views.InspectionAttachmentView.as_view(), name="inspection-attachment"),
    path("exemptions/<int:pk>/decide/", views.ExemptionDecideView.as_view(), name="exemption-decide"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/shares/", views.PlanSharesView.as_view(), name="plan-shares"),
    path("plans/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("plans/<int:pk>/progress/recompute/", views.ProgressRecomputeView.as_view(), name="progress-recompute"),
    path("plans/<int:pk>/suggestions/", views.SuggestionListView.as_view(), name="suggestion-list"),
    path("suggestions/<int:pk>/decide/", views.SuggestionDecideView.as_view(), name="suggestion-decide"),
    path("staff/<int:pk>/title-statement/", views.TitleStatementView.as_view(), name="title-statement"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment-list"),
    path("assignments/export.xlsx", views.AssignmentExportView.as_view(), name="assignment-export"),
    path("assignments/new/", views.AssignmentCreateView.as_view(), name="assignment-create"),
    path("assignments/batch/", views.AssignmentBatchView.as_view(), name="assignment-batch"),
    path("assignments/<int:pk>/edit/", views.AssignmentEditView.as_view(), name="assignment-edit"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/transition/", views.AssignmentTransitionView.as_view(), name="assignment-transition"),
    path("assignments/<int:pk>/inspect/", views.InspectionCreateView.as_view(), name="inspection-create"),
]
