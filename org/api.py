"""REST API for regions, schools, staff and work history (read-only; writes go through forms and imports)."""

from rest_framework import serializers, viewsets

from org import scope
from org.filters import RegionFilter, SchoolFilter, StaffFilter, WorkHistoryFilter
from org.models import Region, School, Staff, WorkHistory


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class SchoolSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = School
        fields = ["id", "code", "name", "region", "region_code", "stage", "location", "is_weak", "enrolment", "class_count"]


class StaffSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    school_code = serializers.CharField(source="school.code", read_only=True)

    class Meta:
        model = Staff
        fields = [
            "id", "name", "id_number", "gender", "birth_date", "school", "school_code", "post", "is_head_teacher",
            "subject", "title", "honour_level", "work_start", "school_start", "post_start", "status",
        ]

    def get_id_number(self, staff) -> str:
        # Lists mask; bureau staff opening one record see the full number (DESIGN.md, personal data).
        view = self.context.get("view")
        request = self.context.get("request")
        if view is not None and view.action == "retrieve" and request and scope.is_bureau_staff(request.user):
            return staff.id_number
        return staff.masked_id_number


class WorkHistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkHistory
        fields = ["id", "staff", "school", "post", "start", "end"]


class RegionViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.select_related("parent").order_by("code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter


class SchoolViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = School.objects.select_related("region").order_by("code")
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter


class StaffViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Staff.objects.select_related("school").order_by("school__code", "name", "id")
    serializer_class = StaffSerializer
    filterset_class = StaffFilter


class WorkHistoryViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = WorkHistory.objects.order_by("staff_id", "start")
    serializer_class = WorkHistorySerializer
    filterset_class = WorkHistoryFilter
