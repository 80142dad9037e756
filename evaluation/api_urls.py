from rest_framework.routers import DefaultRouter

from evaluation import api, api_incentives

router = DefaultRouter()
for prefix, viewset in [
    ("schemes", api.SchemeViewSet), ("indicators", api.IndicatorViewSet), ("cycles", api.CycleViewSet),
    ("subjects", api.SubjectViewSet), ("assignments", api.AssignmentViewSet), ("quality", api.SchoolQualityViewSet),
    ("assessment-runs", api.AssessmentRunViewSet),
    ("fund", api_incentives.FundAllocationViewSet), ("title-ratios", api_incentives.TitleRatioViewSet),
    ("policies", api_incentives.RegionPolicyViewSet),
]:
    router.register(prefix, viewset, basename=f"evaluation-{prefix}")
urlpatterns = router.urls
