from django.urls import path

from talentpool import views

app_name = "talentpool"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("programs/", views.ProgramListView.as_view(), name="program-list"),
    path("programs/new/", views.ProgramCreateView.as_view(), name="program-create"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("programs/<int:pk>/edit/", views.ProgramUpdateView.as_view(), name="program-edit"),
    path("programs/<int:program>/tracks/new/", views.TrackCreateView.as_view(), name="track-create"),
    path("tracks/<int:pk>/edit/", views.TrackUpdateView.as_view(), name="track-edit"),
    path("tracks/<int:track>/rules/new/", views.RuleCreateView.as_view(), name="rule-create"),
    path("rules/<int:pk>/edit/", views.RuleUpdateView.as_view(), name="rule-edit"),
    path("rules/<int:pk>/delete/", views.RuleDeleteView.as_view(), name="rule-delete"),
    path("tracks/<int:track>/intakes/new/", views.IntakeCreateView.as_view(), name="intake-create"),
    path("intakes/", views.IntakeListView.as_view(), name="intake-list"),
    path("intakes/<int:pk>/", views.IntakeDetailView.as_view(), name="intake-detail"),
    path("intakes/<int:pk>/edit/", views.IntakeUpdateView.as_view(), name="intake-edit"),
    path("intakes/<int:intake>/nominate/", views.NominationCreateView.as_view(), name="nomination-create"),
    path("nominations/", views.NominationListView.as_view(), name="nomination-list"),
    path("nominations/<int:pk>/", views.NominationDetailView.as_view(), name="nomination-detail"),
    path("nominations/<int:pk>/county-pass/", views.CountyPassView.as_view(), name="nomination-county-pass"),
    path("nominations/<int:pk>/return/", views.ReturnView.as_view(), name="nomination-return"),
    path("nominations/<int:pk>/reject/", views.RejectView.as_view(), name="nomination-reject"),
    path("nominations/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="nomination-withdraw"),
    path("nominations/<int:pk>/resubmit/", views.ResubmitView.as_view(), name="nomination-resubmit"),
    path("nominations/<int:pk>/assign/", views.AssignView.as_view(), name="nomination-assign"),
    path("nominations/<int:pk>/score/", views.ScoreView.as_view(), name="nomination-score"),
    path("nominations/<int:pk>/notice/", views.NoticeView.as_view(), name="nomination-notice"),
    path("nominations/<int:pk>/objections/", views.ObjectionView.as_view(), name="nomination-objection"),
    path("nominations/<int:pk>/objections/<int:objection>/resolve/", views.ResolveView.as_view(), name="objection-resolve"),
    path("nominations/<int:pk>/notice-close/", views.NoticeCloseView.as_view(), name="nomination-notice-close"),
    path("nominations/<int:pk>/decide/", views.DecideView.as_view(), name="nomination-decide"),
]
