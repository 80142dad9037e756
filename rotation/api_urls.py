from rest_framework.routers import DefaultRouter

from rotation import api

router = DefaultRouter()
router.register("policies", api.PolicyViewSet, basename="policy")
router.register("eligibility", api.EligibilityViewSet, basename="eligibility")
router.register("split", api.SplitViewSet, basename="split")
router.register("exemptions", api.ExemptionViewSet, basename="exemption")
router.register("plans", api.PlanViewSet, basename="plan")
router.register("assignments", api.AssignmentViewSet, basename="assignment")
router.register("inspections", api.InspectionViewSet, basename="inspection")
router.register("warnings", api.WarningViewSet, basename="warning")
router.register("notifications", api.NotificationViewSet, basename="notification")
router.register("suggestions", api.SuggestionViewSet, basename="suggestion")
router.register("title-statements", api.TitleStatementViewSet, basename="title-statement")
urlpatterns = router.urls
