from django.urls import path
from rest_framework.routers import DefaultRouter

from talentpool import api

router = DefaultRouter()
for prefix, viewset in [
    ("programs", api.ProgramViewSet), ("tracks", api.TrackViewSet), ("eligibility-rules", api.EligibilityRuleViewSet),
    ("intakes", api.IntakeViewSet), ("nominations", api.NominationViewSet), ("transitions", api.TransitionViewSet),
    ("assignments", api.AssignmentViewSet), ("scoring-forms", api.ScoringFormViewSet), ("objections", api.ObjectionViewSet),
    ("members", api.PoolMemberViewSet),
    ("tier-moves", api.TierMoveViewSet), ("mentoring-pairs", api.MentoringPairViewSet),
    ("training-batches", api.TrainingBatchViewSet), ("training-attendance", api.TrainingAttendanceViewSet),
    ("studios", api.StudioViewSet), ("studio-members", api.StudioMembershipViewSet),
    ("stage-summaries", api.StageSummaryViewSet), ("annual-reviews", api.AnnualReviewViewSet),
    ("final-evaluations", api.FinalEvaluationViewSet), ("appointments", api.AppointmentViewSet),
]:
    router.register(prefix, viewset, basename=f"talentpool-{prefix}")
urlpatterns = [
    path("promotion-report/", api.PromotionReportView.as_view(), name="talentpool-promotion-report"),
    path("inbox/", api.InboxView.as_view(), name="talentpool-inbox"),
    *router.urls,
]
