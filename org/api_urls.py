from rest_framework.routers import DefaultRouter

from org import api

router = DefaultRouter()
router.register("regions", api.RegionViewSet, basename="region")
router.register("schools", api.SchoolViewSet, basename="school")
router.register("staff", api.StaffViewSet, basename="staff")
router.register("work-history", api.WorkHistoryViewSet, basename="work-history")
router.register("imports", api.ImportJobViewSet, basename="import-job")
router.register("exports", api.ExportJobViewSet, basename="export-job")
urlpatterns = router.urls
