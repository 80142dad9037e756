from django.urls import path

from evaluation import views, views_scoring

app_name = "evaluation"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("schemes/", views.SchemeListView.as_view(), name="scheme-list"),
    path("schemes/new/", views.SchemeCreateView.as_view(), name="scheme-create"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme-detail"),
    path("schemes/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme-edit"),
    path("schemes/<int:pk>/new-version/", views.SchemeNewVersionView.as_view(), name="scheme-new-version"),
    path("schemes/<int:scheme_pk>/indicators/new/", views.IndicatorFormView.as_view(), name="indicator-create"),
    path("schemes/<int:scheme_pk>/indicators/<int:pk>/edit/", views.IndicatorFormView.as_view(), name="indicator-edit"),
    path("schemes/<int:scheme_pk>/indicators/<int:pk>/delete/", views.IndicatorDeleteView.as_view(), name="indicator-delete"),
    path("cycles/", views.CycleListView.as_view(), name="cycle-list"),
    path("cycles/new/", views.CycleCreateView.as_view(), name="cycle-create"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle-detail"),
    path("cycles/<int:pk>/subjects/", views.CycleGenerateView.as_view(), name="cycle-generate"),
    path("cycles/<int:pk>/assign/", views.CycleAssignView.as_view(), name="cycle-assign"),
    path("cycles/<int:pk>/open/", views.CycleOpenView.as_view(), name="cycle-open"),
    path("cycles/<int:pk>/close/", views.CycleCloseView.as_view(), name="cycle-close"),
    path("cycles/<int:pk>/reopen/", views.CycleReopenView.as_view(), name="cycle-reopen"),
    path("cycles/<int:pk>/publish/", views.CyclePublishView.as_view(), name="cycle-publish"),
    path("cycles/<int:pk>/results.xlsx", views.CycleResultsExportView.as_view(), name="cycle-results-export"),
    path("cycles/<int:pk>/missing.xlsx", views.CycleMissingExportView.as_view(), name="cycle-missing-export"),
    path("cycles/<int:pk>/score-sheet.xlsx", views_scoring.ScoreSheetDownloadView.as_view(), name="score-sheet"),
    path("cycles/<int:pk>/score-sheet/upload/", views_scoring.ScoreSheetUploadView.as_view(), name="score-sheet-upload"),
    path("my/", views_scoring.MyAssignmentsView.as_view(), name="my-assignments"),
    path("assignments/<int:pk>/score/", views_scoring.ScoreView.as_view(), name="score"),
    path("assignments/<int:pk>/correct/", views_scoring.ScoreCorrectView.as_view(), name="score-correct"),
    path("subjects/<int:pk>/", views_scoring.SubjectDetailView.as_view(), name="subject-detail"),
    path("subjects/<int:pk>/rating/", views_scoring.RatingChangeView.as_view(), name="rating-change"),
    path("quality/", views_scoring.QualityListView.as_view(), name="quality-list"),
    path("quality/new/", views_scoring.QualityFormView.as_view(), name="quality-create"),
    path("quality/<int:pk>/edit/", views_scoring.QualityFormView.as_view(), name="quality-edit"),
    path("quality/export.xlsx", views_scoring.QualityExportView.as_view(), name="quality-export"),
]
