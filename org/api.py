"""REST API for regions, schools, staff and work history; schools and staff change by PATCH through the
same services as their edit pages (visible else 404, manageable else 403); imports upload and commit."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, serializers, viewsets
from rest_framework import status as http_status
from rest_framework.decorators import action
from rest_framework.response import Response

from org import scope, services
from org.excel import importer_kinds
from org.filters import RegionFilter, SchoolFilter, StaffFilter, WorkHistoryFilter
from org.models import ImportJob, Region, School, Staff, WorkHistory


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


class SchoolChangeSerializer(serializers.ModelSerializer):
    """What the school edit page changes (org.forms.SchoolForm's fields)."""

    class Meta:
        model = School
        fields = ["name", "region", "stage", "location", "is_weak", "enrolment", "class_count"]


class StaffChangeSerializer(serializers.ModelSerializer):
    """What the staff edit page changes (org.forms.StaffForm's fields)."""

    class Meta:
        model = Staff
        fields = ["name", "gender", "birth_date", "school", "post", "is_head_teacher", "subject", "title",
                  "honour_level", "work_start", "school_start", "post_start", "status"]


class PatchThroughServiceMixin:
    """PATCH (partial update) through the app's service `change(actor=, <name>=row, data=)`; answers the row."""

    change_serializer = None
    change_service = None
    change_name = ""
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        row = self.get_object()
        body = self.change_serializer(row, data=request.data, partial=True, context=self.get_serializer_context())
        scope.scope_serializer_choices(body, request.user)
        body.is_valid(raise_exception=True)
        type(self).change_service(actor=request.user, **{self.change_name: row}, data=dict(body.validated_data))
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)


class RegionViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = Region

    def narrow(self, queryset):
        return queryset.select_related("parent").order_by("code")

    serializer_class = RegionSerializer
    filterset_class = RegionFilter


@extend_schema_view(partial_update=extend_schema(request=SchoolChangeSerializer, responses=SchoolSerializer))
class SchoolViewSet(scope.ScopedViewSetMixin, PatchThroughServiceMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = School
    change_serializer, change_service, change_name = SchoolChangeSerializer, services.school_update, "school"

    def narrow(self, queryset):
        return queryset.select_related("region").order_by("code")

    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter


@extend_schema_view(partial_update=extend_schema(request=StaffChangeSerializer, responses=StaffSerializer))
class StaffViewSet(scope.ScopedViewSetMixin, PatchThroughServiceMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = Staff
    change_serializer, change_service, change_name = StaffChangeSerializer, services.staff_update, "staff"

    def narrow(self, queryset):
        return queryset.select_related("school").order_by("school__code", "name", "id")

    serializer_class = StaffSerializer
    filterset_class = StaffFilter


class WorkHistoryViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = WorkHistory

    def narrow(self, queryset):
        return queryset.order_by("staff_id", "start")

    serializer_class = WorkHistorySerializer
    filterset_class = WorkHistoryFilter


# --- Excel import jobs: upload, status, preview, errors, commit ------------------------------

class IsBureauStaff(permissions.BasePermission):
    message = services.MSG_IMPORT_FORBIDDEN

    def has_permission(self, request, view):
        return scope.is_bureau_staff(request.user)


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = ["id", "kind", "original_name", "status", "rows_done", "rows_total", "error_count", "created_at",
                  "validated_at", "committed_at"]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    file = serializers.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = importer_kinds()


class ImportJobViewSet(scope.ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Upload (multipart: kind, file), then poll status; read the preview or the problems; commit."""

    model = ImportJob
    serializer_class = ImportJobSerializer
    permission_classes = [permissions.IsAuthenticated, IsBureauStaff]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]
    filterset_class = None

    @extend_schema(request=ImportUploadSerializer, responses=ImportJobSerializer)
    def create(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            job = services.import_job_create(actor=request.user, kind=upload.validated_data["kind"],
                                             upload=upload.validated_data["file"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"file": error.messages}) from None
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=http_status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def status(self, request, pk=None):
        from org.import_views import job_status

        return Response(job_status(self.get_object()))

    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        job = self.get_object()
        return Response({"id": job.pk, "status": job.status, "sheets": job.summary})

    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        job = self.get_object()
        return Response({"id": job.pk, "error_count": job.error_count, "errors": job.errors})

    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        job = self.get_object()
        try:
            services.import_job_commit_request(actor=request.user, job=job)
        except DjangoValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=http_status.HTTP_409_CONFLICT)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=http_status.HTTP_202_ACCEPTED)
