from rest_framework.routers import DefaultRouter

from alliances import api

router = DefaultRouter()
router.register("groups", api.GroupViewSet, basename="group")
router.register("memberships", api.MembershipViewSet, basename="membership")
router.register("posts", api.PostViewSet, basename="post")
router.register("requirements", api.RequirementViewSet, basename="requirement")
router.register("compliance", api.ComplianceViewSet, basename="compliance")
router.register("activities", api.ActivityViewSet, basename="activity")
router.register("itinerant-slots", api.SlotViewSet, basename="itinerant-slot")
router.register("course-needs", api.CourseNeedViewSet, basename="course-need")
router.register("dispatch-details", api.DispatchDetailViewSet, basename="dispatch-detail")
router.register("coverage", api.CoverageViewSet, basename="coverage")
urlpatterns = router.urls
