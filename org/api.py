"""REST API for regions, schools, staff and work history; schools and staff change by PATCH through the
same services as their edit pages (visible else 404, manageable else 403); imports upload and commit."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, serializers, viewsets
from rest_framework import status as http_status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from org import scope, services
from org.downloads import XLSX
from org.excel import importer_kinds
from org.exporting import export_response
from org.filters import RegionFilter, SchoolFilter, StaffFilter, WorkHistoryFilter
from org.middleware import MSG_CHANGE_FIRST
from org.models import Account, ExportJob, ImportJob, Region, School, Staff, Unmasking, WorkHistory
from org.selectors import history_of
from org.services import accounts
from org.services.privacy import unmaskings_record
from org.versioning import VersionedSerializerMixin, VersionedViewSetMixin


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class SchoolSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = School
        fields = ["id", "code", "name", "region", "region_code", "stage", "location", "is_weak", "enrolment", "class_count"]


class StaffSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    birth_date = serializers.SerializerMethodField(help_text="only beside a full ID number; null where it is masked")
    birth_year = serializers.IntegerField(source="birth_date.year", read_only=True)
    school_code = serializers.CharField(source="school.code", read_only=True)

    class Meta:
        model = Staff
        fields = [
            "id", "name", "id_number", "gender", "birth_date", "birth_year", "school", "school_code", "post", "is_head_teacher",
            "subject", "title", "honour_level", "work_start", "school_start", "post_start", "status",
        ]

    def _full(self) -> bool:
        # Lists mask; bureau staff opening one record see the full number (DESIGN.md, personal data).
        view = self.context.get("view")
        request = self.context.get("request")
        return bool(view is not None and view.action == "retrieve" and request and scope.is_bureau_staff(request.user))

    def get_id_number(self, staff) -> str:
        return staff.id_number if self._full() else staff.masked_id_number

    def get_birth_date(self, staff) -> dt.date | None:
        return staff.birth_date if self._full() else None


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
class SchoolViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, PatchThroughServiceMixin, mixins.UpdateModelMixin,
                    viewsets.ReadOnlyModelViewSet):
    model = School
    change_serializer, change_service, change_name = SchoolChangeSerializer, services.school_update, "school"

    def narrow(self, queryset):
        return queryset.select_related("region").order_by("code")

    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter

    @extend_schema(responses={(200, XLSX): bytes, 202: OpenApiResponse(description="an export job (/api/v1/exports/<id>/)")})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The schools as filtered on the list (same parameters) as the import's 学校 sheet (xlsx). Above
        EXPORT_INLINE_MAX_ROWS: 202 with an export job (/api/v1/exports/<id>/); refused filters: 400 by field."""
        return export_response(request, "org.schools", {"via": "api"}, api=True)


class HistoryEntrySerializer(serializers.Serializer):
    date = serializers.DateTimeField(source="record.history_date")
    type = serializers.CharField(source="record.history_type", help_text="+ created, ~ changed, - deleted")
    user = serializers.SerializerMethodField(help_text="who made the change: shown to bureau staff only")
    changes = serializers.SerializerMethodField(help_text="[field, old, new]; ID numbers masked, birth dates as years")

    def get_user(self, entry) -> str | None:
        user = entry["record"].history_user
        return str(user) if user is not None and scope.is_bureau_staff(self.context["request"].user) else None

    def get_changes(self, entry) -> list[list]:
        return [[field, _plain(old), _plain(new)] for field, old, new in entry["changes"]]


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@extend_schema_view(partial_update=extend_schema(request=StaffChangeSerializer, responses=StaffSerializer))
class StaffViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, PatchThroughServiceMixin, mixins.UpdateModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    model = Staff
    change_serializer, change_service, change_name = StaffChangeSerializer, services.staff_update, "staff"

    def narrow(self, queryset):
        return queryset.select_related("school").order_by("school__code", "name", "id")

    serializer_class = StaffSerializer
    filterset_class = StaffFilter

    @extend_schema(responses={(200, XLSX): bytes, 202: OpenApiResponse(description="an export job (/api/v1/exports/<id>/)")})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The staff as filtered on the list (same parameters) as the import's 教职工 sheet (xlsx; it imports back
        unchanged). Above EXPORT_INLINE_MAX_ROWS: 202 with an export job; refused filters: 400 by field."""
        return export_response(request, "org.staff", {"via": "api"}, api=True)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if scope.is_bureau_staff(request.user):  # the full ID number was shown: record who and when
            unmaskings_record(actor=request.user, staff=[kwargs["pk"]], kind=Unmasking.Kind.RECORD, detail="API")
        return response

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True)
    def history(self, request, pk=None):
        """The record's change history, through the record's own scope (404 outside it) and masking."""
        entries = history_of(self.get_object())
        return Response(HistoryEntrySerializer(entries, many=True, context=self.get_serializer_context()).data)


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
                  "validated_at", "committed_at", "heartbeat_at", "restarts", "stopped"]
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

    @extend_schema(request=None, responses={202: ImportJobSerializer})
    @action(detail=True, methods=["post"])
    def restart(self, request, pk=None):
        """Start a job whose processing stopped (its worker died or it crashed) again from its check."""
        job = self.get_object()
        try:
            services.import_job_restart(actor=request.user, job=job)
        except DjangoValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=http_status.HTTP_409_CONFLICT)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=http_status.HTTP_202_ACCEPTED)


class ExportJobSerializer(serializers.ModelSerializer):
    """An export job: poll `url` until `status` is "done", then GET `download_url` (the owner only)."""

    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "kind", "filename", "status", "rows_done", "rows_total", "error", "created_at", "finished_at",
                  "url", "download_url"]
        read_only_fields = fields

    def _absolute(self, name: str, pk: int) -> str:
        from django.urls import reverse

        path = reverse(name, args=[pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, job) -> str:
        return self._absolute("export-job-detail", job.pk)

    def get_download_url(self, job) -> str | None:
        return self._absolute("export-job-download", job.pk) if job.is_ready else None


class ExportJobViewSet(scope.ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """The user's own export jobs (a large export answers 202 with one of these); `download` once done."""

    model = ExportJob
    serializer_class = ExportJobSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = None

    def narrow(self, queryset):
        return queryset.filter(user_id=self.request.user.pk)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The finished workbook (404 while it is written, after it failed or expired)."""
        from org.export_views import open_ready_file

        return open_ready_file(self.get_object())


# --- API tokens: obtain (expiring), revoke own, revoke a managed user's -----------------------

class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    """POST username and password: {token, expires_at} (a new token once the old one has expired);
    403 while the account must still change its initial password.
    DELETE (authenticated): revoke the caller's own token (204)."""

    throttle_classes = ()
    permission_classes = ()
    serializer_class = AuthTokenSerializer
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)

    @extend_schema(request=AuthTokenSerializer, responses=TokenOut)
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if Account.objects.filter(user=user, must_change_password=True).exists():
            # no token for an account that must first change its initial password (org.middleware)
            return Response({"detail": str(MSG_CHANGE_FIRST)}, status=http_status.HTTP_403_FORBIDDEN)
        token = accounts.token_issue(user=user)
        return Response(TokenOut({"token": token.key, "expires_at": accounts.token_expires_at(token)}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        accounts.token_revoke(actor=request.user, user_id=request.user.pk)
        return Response(status=http_status.HTTP_204_NO_CONTENT)


class UserTokenRevokeView(APIView):
    """DELETE: revoke a managed user's token (bureau staff; 404 outside scope, 403 for others)."""

    permission_classes = (permissions.IsAuthenticated,)

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_revoke_user")
    def delete(self, request, user_id: int):
        accounts.token_revoke(actor=request.user, user_id=user_id)
        return Response(status=http_status.HTTP_204_NO_CONTENT)
