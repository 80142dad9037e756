from django.urls import path

from org import account_views, export_views, import_views, pickers, views

app_name = "org"
urlpatterns = [
    path("schools/", views.SchoolListView.as_view(), name="school-list"),
    path("schools/export.xlsx", views.SchoolExportView.as_view(), name="school-export"),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school-detail"),
    path("schools/<int:pk>/edit/", views.SchoolUpdateView.as_view(), name="school-edit"),
    path("staff/", views.StaffListView.as_view(), name="staff-list"),
    path("staff/export.xlsx", views.StaffExportView.as_view(), name="staff-export"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff-detail"),
    path("staff/<int:pk>/edit/", views.StaffUpdateView.as_view(), name="staff-edit"),
    path("users/", account_views.UserListView.as_view(), name="user-list"),
    path("users/new/", account_views.UserCreateView.as_view(), name="user-create"),
    path("users/initial-passwords/", account_views.InitialPasswordsView.as_view(), name="user-initial-passwords"),
    path("users/<int:pk>/", account_views.UserDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/<slug:action>/", account_views.UserActionView.as_view(), name="user-action"),
    path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path("transfers/<int:pk>/decide/", views.TransferDecideView.as_view(), name="transfer-decide"),
    path("pick/school/", pickers.SchoolPickerView.as_view(), name="pick-school"),
    path("pick/staff/", pickers.StaffPickerView.as_view(), name="pick-staff"),
    path("pick/user/", pickers.UserPickerView.as_view(), name="pick-user"),
    path("imports/", import_views.ImportIndexView.as_view(), name="import-index"),
    path("imports/template/<slug:kind>/", import_views.TemplateDownloadView.as_view(), name="import-template"),
    path("imports/export/<slug:kind>/", import_views.ExportView.as_view(), name="import-export"),
    path("imports/<int:pk>/", import_views.ImportJobDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/status/", import_views.ImportJobStatusView.as_view(), name="import-status"),
    path("imports/<int:pk>/commit/", import_views.ImportJobCommitView.as_view(), name="import-commit"),
    path("imports/<int:pk>/restart/", import_views.ImportJobRestartView.as_view(), name="import-restart"),
    path("exports/", export_views.ExportJobListView.as_view(), name="export-list"),
    path("exports/<int:pk>/", export_views.ExportJobDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/status/", export_views.ExportJobStatusView.as_view(), name="export-status"),
    path("exports/<int:pk>/download/", export_views.ExportJobDownloadView.as_view(), name="export-download"),
    path("imports/<int:pk>/errors.xlsx", import_views.ImportJobErrorsView.as_view(), name="import-errors"),
]
