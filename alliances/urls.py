from django.urls import path

from alliances import exports, views

app_name = "alliances"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("groups/pick/", views.GroupPickerView.as_view(), name="pick-group"),
    path("groups/", views.GroupListView.as_view(), name="group-list"),
    path("groups/new/", views.GroupCreateView.as_view(), name="group-create"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group-detail"),
    path("groups/<int:pk>/members/", views.MemberAddView.as_view(), name="member-add"),
    path("memberships/<int:pk>/end/", views.MemberEndView.as_view(), name="member-end"),
    path("groups/<int:pk>/dissolve/", views.DissolveView.as_view(), name="group-dissolve"),
    path("groups/<int:pk>/posts/", views.PostAppointView.as_view(), name="post-appoint"),
    path("groups/<int:pk>/recompute/", views.RecomputeView.as_view(), name="group-recompute"),
    path("groups/<int:pk>/suggestions/", views.SuggestView.as_view(), name="group-suggest"),
    path("groups/<int:pk>/activities/new/", views.ActivityCreateView.as_view(), name="activity-create"),
    path("groups/<int:pk>/itinerant/", views.ItinerantView.as_view(), name="itinerant"),
    path("compliance/items/<int:pk>/", views.ComplianceItemView.as_view(), name="compliance-item"),
    path("assignments/<int:pk>/detail/", views.DispatchDetailView.as_view(), name="dispatch-detail"),
    path("requirements/", views.RequirementListView.as_view(), name="requirement-list"),
    path("requirements/<int:pk>/", views.RequirementEditView.as_view(), name="requirement-edit"),
    path("activities/", views.ActivityListView.as_view(), name="activity-list"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity-detail"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("exports/<str:kind>.xlsx", exports.ExportView.as_view(), name="export"),
]
