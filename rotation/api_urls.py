from rest_framework.routers import DefaultRouter

from rotation import api

router = DefaultRouter()
router.register("policies", api.PolicyViewSet, basename="policy")
router.register("eligibility", api.EligibilityViewSet, basename="eligibility")
router.register("split", api.SplitViewSet, basename="split")
router.register("exemptions", api.ExemptionViewSet, basename="exemption")
urlpatterns = router.urls
