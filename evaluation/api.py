"""REST API of the evaluation app under /api/v1/evaluation/: every list scoped (org.scope), writes
through the same services as the pages (a refusal answers 400 with the Chinese messages, 403 when
not allowed, 404 when out of scope). Raters reach only their own assignments; a subject's school
never sees who scored it."""

import tempfile
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from evaluation import forms, importers, permissions, rules, selectors, services, services_job
from evaluation.filters import ResultFilter
from evaluation.models import (
    AssessmentRun,
    Assignment,
    Cycle,
    Indicator,
    RaterGroup,
    Scheme,
    SchoolQuality,
    Score,
    Subject,
)
from org import scope
from org.api import ExportJobSerializer
from org.downloads import XLSX, file_download
from org.excel import ExcelFileError, check_xlsx
from org.exporting import export_response
from org.models import Region, School, Staff
from org.ratings import EVALUATION_SCALE

# --- schemes ---------------------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "scheme", "parent", "code", "name", "points", "role", "method", "params", "help_text", "order"]
        read_only_fields = ["scheme"]


class TreeNodeSerializer(serializers.Serializer):
    """One node of a scheme sent whole: sections, indicators, sub-indicators (children nested)."""

    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=128)
    points = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal(0))
    role = serializers.ChoiceField(choices=rules.ROLES, default=rules.STANDARD)
    method = serializers.ChoiceField(choices=rules.METHODS, default=rules.POINTS)
    params = serializers.JSONField(default=dict)
    help_text = serializers.CharField(allow_blank=True, default="")
    children = serializers.ListField(child=serializers.DictField(), default=list)


class SchemeSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)
    tree = TreeNodeSerializer(many=True, write_only=True, required=False,
                              help_text="Create only: the whole indicator tree, checked level by level.")
    problems = serializers.SerializerMethodField()

    class Meta:
        model = Scheme
        fields = ["id", "region", "name", "lineage", "version", "person_kind", "category", "total", "excellent_min",
                  "qualified_min", "basic_min", "veto_cap", "description", "frozen_at", "indicators", "tree", "problems"]
        read_only_fields = ["lineage", "version", "frozen_at"]

    def get_problems(self, scheme) -> list[str]:
        return selectors.scheme_problems(scheme)


class SchemeViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Schemes with their indicators. Creating takes `tree`; changing a frozen scheme answers the new version."""

    model = Scheme
    serializer_class = SchemeSerializer
    filterset_fields = ["person_kind", "category", "lineage"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def narrow(self, queryset):
        return queryset.select_related("region").prefetch_related("indicators").order_by("name", "-version", "id")

    def perform_create(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "tree"}
        serializer.instance = services.scheme_create(actor=self.request.user, data=data,
                                    tree=self.request.data.get("tree"))

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "tree"}
        serializer.instance = services.scheme_update(actor=self.request.user, scheme=serializer.instance, data=data)

    @extend_schema(request=None, responses=SchemeSerializer)
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        scheme = services.scheme_new_version(actor=request.user, scheme=self.get_object())
        return Response(SchemeSerializer(scheme, context=self.get_serializer_context()).data, status=201)


class IndicatorViewSet(scope.ScopedViewSetMixin, viewsets.ModelViewSet):
    """Indicators of unfrozen schemes: add, change, delete (a frozen scheme answers 400)."""

    model = Indicator
    serializer_class = IndicatorSerializer
    filterset_fields = ["scheme", "parent"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def narrow(self, queryset):
        return queryset.select_related("scheme").order_by("scheme", "order", "id")

    def perform_create(self, serializer):
        scheme = scope.get_visible_or_404(self.request.user, Scheme, pk=self.request.data.get("scheme"))
        indicator = Indicator(scheme=scheme, **serializer.validated_data)
        serializer.instance = services.indicator_save(actor=self.request.user, indicator=indicator)

    def perform_update(self, serializer):
        indicator = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(indicator, name, value)
        services.indicator_save(actor=self.request.user, indicator=indicator)

    def perform_destroy(self, instance):
        services.indicator_delete(actor=self.request.user, indicator=instance)


# --- cycles ------------------------------------------------------------------------------------------


class RaterGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = RaterGroup
        fields = ["id", "name", "weight", "combine", "trim", "is_self"]


class CycleSerializer(serializers.ModelSerializer):
    groups = RaterGroupSerializer(many=True)

    class Meta:
        model = Cycle
        fields = ["id", "region", "name", "year", "kind", "scheme", "as_of", "previous", "status", "quota_unit",
                  "quota_percent", "rotated_percent", "rounding", "quota_mode", "groups"]
        read_only_fields = ["status"]


class SubjectFilterSerializer(serializers.Serializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    stage = serializers.ChoiceField(choices=School.Stage.choices, required=False, default="")
    location = serializers.ChoiceField(choices=School.Location.choices, required=False, default="")
    posts = serializers.ListField(child=serializers.ChoiceField(choices=Staff.Post.choices), required=False, default=list)
    rotated_staff = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                         help_text="Staff ids counted against the separate (单列) quota.")


class RaterAssignSerializer(serializers.Serializer):
    raters = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    group = serializers.IntegerField()
    section = serializers.IntegerField(required=False, allow_null=True)
    subjects = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                     help_text="Blank: every subject of the cycle.")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ScoreSheetUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    submit = serializers.BooleanField(default=False)


class ScoreSheetResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    committed = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.DictField())


class MissingSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    rater = serializers.CharField(source="rater.username")
    subject = serializers.IntegerField(source="subject.pk")
    subject_name = serializers.CharField(source="subject")
    group = serializers.CharField(source="group.name")
    blank = serializers.IntegerField()


class AssessmentRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    running = serializers.BooleanField(source="is_running", read_only=True)

    class Meta:
        model = AssessmentRun
        fields = ["id", "cycle", "started_by", "status", "stage", "done", "total", "percent", "running", "summary",
                  "error", "created_at", "started_at", "finished_at", "restarts"]
        read_only_fields = fields


class AssessmentRunViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Runs of the yearly assessment job (bureau staff of the cycle's region and above): status, stage,
    progress (subjects done of total), summary and, when failed, the reason. Start one with
    POST /cycles/{id}/assess/."""

    model = AssessmentRun
    serializer_class = AssessmentRunSerializer
    filterset_fields = ["cycle", "status"]

    def narrow(self, queryset):
        return queryset.order_by("-created_at", "-id")


class CycleViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cycles: create with rater groups, generate subjects, assign raters, open, close (refused with
    the missing list), reopen with a reason, publish (quota warned or enforced)."""

    model = Cycle
    serializer_class = CycleSerializer
    filterset_fields = ["year", "kind", "status", "scheme"]

    def narrow(self, queryset):
        return queryset.select_related("region", "scheme").prefetch_related("groups").order_by("-year", "name", "id")

    def perform_create(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "groups"}
        groups = [dict(g) for g in serializer.validated_data.get("groups", [])]
        serializer.instance = services.cycle_create(actor=self.request.user, data=data, groups=groups)

    def _done(self, cycle, **extra):
        cycle.refresh_from_db()
        return Response({**CycleSerializer(cycle, context=self.get_serializer_context()).data, **extra})

    @extend_schema(request=SubjectFilterSerializer, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        cycle = self.get_object()
        data = SubjectFilterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        region = values.get("region")
        if region is not None and not scope.visible_to(request.user, Region).filter(pk=region.pk).exists():
            raise NotFound(scope.MSG_NOT_FOUND)
        added = services.subjects_generate(actor=request.user, cycle=cycle, region=region, stage=values["stage"],
                      location=values["location"], posts=tuple(values["posts"]), rotated_ids=set(values["rotated_staff"]))
        return self._done(cycle, added=added)

    @extend_schema(request=RaterAssignSerializer, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        cycle = self.get_object()
        data = RaterAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        group = cycle.groups.filter(pk=values["group"]).first()
        section = cycle.scheme.indicators.filter(pk=values.get("section")).first() if values.get("section") else None
        raters = list(forms.rater_choices(cycle).filter(pk__in=values["raters"], is_active=True))
        subjects = selectors.subject_list(user=request.user, cycle=cycle)
        if values["subjects"]:
            subjects = subjects.filter(pk__in=values["subjects"])
        if group is None or len(raters) != len(set(values["raters"])):
            raise ValidationError({"detail": str(services.MSG_RATER_GROUP_CYCLE)})
        added = services.assignments_create(actor=request.user, cycle=cycle, raters=raters, group=group,
                      subjects=list(subjects), section=section)
        return self._done(cycle, added=added)

    @extend_schema(request=None, responses=CycleSerializer)
    @action(detail=True, methods=["post"], url_path="open")
    def open_cycle(self, request, pk=None):
        return self._done(services.cycle_open(actor=request.user, cycle=self.get_object()))

    @extend_schema(request=None, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._done(services.cycle_close(actor=request.user, cycle=self.get_object()))

    @extend_schema(request=ReopenSerializer, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(services.cycle_reopen(actor=request.user, cycle=self.get_object(),
                                reason=data.validated_data["reason"]))

    @extend_schema(request=None, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        cycle = self.get_object()
        warnings = services.cycle_publish(actor=request.user, cycle=cycle)
        return self._done(cycle, warnings=warnings)

    @extend_schema(request=None, responses={202: AssessmentRunSerializer},
                   description="Start the yearly assessment job on a closed cycle (its administrators only); "
                               "follow it at /assessment-runs/{id}/. Refused (400) on a published or unclosed "
                               "cycle and while another run of the cycle is under way.")
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        run = services_job.assessment_run_start(actor=request.user, cycle=self.get_object())
        run.refresh_from_db()
        return Response(AssessmentRunSerializer(run, context=self.get_serializer_context()).data, status=202)

    @extend_schema(responses=MissingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def missing(self, request, pk=None):
        rows = selectors.missing_for_user(user=request.user, cycle=self.get_object())
        return Response(MissingSerializer(rows, many=True).data)

    @extend_schema(request=None, responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=True, methods=["get"], url_path="score-sheet")
    def score_sheet(self, request, pk=None):
        """The requesting rater's own score sheet (one row per assignment, one column per indicator)."""
        cycle = self.get_object()
        return file_download(lambda target: importers.write_score_sheet(target, cycle=cycle, rater=request.user),
                             f"score-sheet-{cycle.pk}.xlsx")

    @extend_schema(request={"multipart/form-data": ScoreSheetUploadSerializer}, responses=ScoreSheetResultSerializer)
    @action(detail=True, methods=["post"], url_path="score-sheet/upload", parser_classes=[MultiPartParser])
    def score_sheet_upload(self, request, pk=None):
        """Upload a filled score sheet: 200 with the rows saved, or 400 with every bad cell (nothing saved)."""
        cycle = self.get_object()
        data = ScoreSheetUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
            for chunk in data.validated_data["file"].chunks():
                copy.write(chunk)
            copy.flush()
            try:
                check_xlsx(copy.name)
            except ExcelFileError as error:
                raise ValidationError({"detail": error.message}) from None
            result = importers.read_score_sheet(copy.name, cycle=cycle, rater=request.user, commit=True,
                                                submit=data.validated_data["submit"])
        body = {"rows": result.rows, "committed": result.committed, "problems": result.problems.as_list(),
                "skipped_submitted": sum(sheet.unchanged for sheet in result.sheets)}
        return Response(body, status=200 if result.ok else 400)

    @action(detail=True, methods=["get"])
    def distribution(self, request, pk=None):
        cycle = self.get_object()
        result = selectors.distribution(user=request.user, cycle=cycle)
        quota = [{"unit": c.unit, "subjects": c.subjects, "excellent": c.excellent, "limit": c.limit,
                  "rotated_subjects": c.rotated_subjects, "rotated_excellent": c.rotated_excellent,
                  "rotated_limit": c.rotated_limit, "over": c.over, "message": selectors.quota_message(c)}
                 for c in selectors.quota_checks(cycle)] if permissions.may_administer(request.user, cycle) else []
        return Response({"ratings": {code: count for code, _label, count in result.ratings},
                         "by_county": dict(result.by_county), "by_stage": dict(result.by_stage), "quota": quota})


# --- subjects and results ----------------------------------------------------------------------------


class AssessedSubjectSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    county = serializers.CharField(source="school.region.name", read_only=True)
    staff_name = serializers.SerializerMethodField()
    contributions = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = ["id", "cycle", "school", "school_name", "county", "staff", "staff_name", "post", "rotated", "total",
                  "original_rating", "final_rating", "contributions", "result"]

    def get_staff_name(self, subject) -> str:
        """The person's name ("" for a school): the list annotates it (SubjectViewSet.narrow), else it is read."""
        if hasattr(subject, "person_name"):
            return subject.person_name or ""
        return subject.staff.name if subject.staff_id else ""

    def get_contributions(self, subject) -> dict:
        """{rater group name: points} (self-assessment apart, in result.self_total)."""
        groups = self.context.setdefault("_groups", {})
        if subject.cycle_id not in groups:
            groups[subject.cycle_id] = {str(g.pk): g.name for g in RaterGroup.objects.filter(cycle_id=subject.cycle_id)}
        names = groups[subject.cycle_id]
        return {names.get(key, key): value for key, value in subject.result.get("by_group", {}).items()}


class RatingChangeSerializer(serializers.Serializer):
    to_rating = serializers.ChoiceField(choices=[(r.value, r.label) for r in EVALUATION_SCALE])
    meeting = serializers.CharField(max_length=128)
    reason = serializers.CharField()


class SubjectViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Subjects with their results, filtered as the results list (/evaluation/results/: ?cycle=, ?region=, ?stage=,
    ?final_rating=, ?rule_to=, ?missing_rater=, ...); `rating` records a collective decision; `export` is the list's
    Excel file."""

    model = Subject
    serializer_class = AssessedSubjectSerializer
    filterset_class = ResultFilter

    def narrow(self, queryset):
        """The person's name by a subquery, not a join: PostgreSQL runs it for the page's rows only, after the sort
        (a left join of the 500,000 staff before the sort cost ~190 ms of the city's page at scale 1.0, issue 14)."""
        name = Subquery(Staff.objects.filter(pk=OuterRef("staff_id")).values("name")[:1])
        return queryset.select_related("school__region").annotate(person_name=name).order_by("cycle", "school__code", "id")

    @extend_schema(responses={(200, XLSX): bytes, 202: ExportJobSerializer})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The results list as filtered (same parameters; without ?cycle= the home page's cycle) as xlsx. Above
        EXPORT_INLINE_MAX_ROWS: 202 with an export job; refused filters: 400 by field."""
        return export_response(request, "evaluation.result_list", {"via": "api"}, api=True)

    @extend_schema(request=RatingChangeSerializer, responses=AssessedSubjectSerializer)
    @action(detail=True, methods=["post"])
    def rating(self, request, pk=None):
        subject = self.get_object()
        data = RatingChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rating_change(actor=request.user, subject=subject, **data.validated_data)
        subject.refresh_from_db()
        return Response(AssessedSubjectSerializer(subject, context=self.get_serializer_context()).data)


# --- assignments and scores --------------------------------------------------------------------------


class RaterAssignmentSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="subject", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    values = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "cycle", "subject", "subject_name", "rater", "group", "group_name", "section", "submitted_at", "values"]

    def get_values(self, assignment) -> dict:
        """{indicator code: value entered}."""
        return {score.indicator.code: str(score.value) for score in assignment.scores.all()}


class ScoreEntrySerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="{indicator code: value}")
    submit = serializers.BooleanField(default=False)


class ScoreCorrectionSerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))
    reason = serializers.CharField()


class AssignmentViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A rater's own assignments (bureau staff: those in scope). `scores` saves or submits; after
    submission only the cycle administrator's `correct` (with a reason) changes them."""

    model = Assignment
    serializer_class = RaterAssignmentSerializer
    filterset_fields = ["cycle", "subject", "group", "rater"]

    def narrow(self, queryset):
        return queryset.select_related("subject__school", "subject__staff", "group").prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("indicator"))).order_by("cycle", "subject", "id")

    @extend_schema(request=ScoreEntrySerializer, responses=RaterAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        assignment = self.get_object()
        data = ScoreEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.scores_save(actor=request.user, assignment=assignment, values=data.validated_data["values"],
              submit=data.validated_data["submit"])
        return Response(RaterAssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(request=ScoreCorrectionSerializer, responses=RaterAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        assignment = self.get_object()
        data = ScoreCorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.score_correct(actor=request.user, assignment=assignment, **data.validated_data)
        return Response(RaterAssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)


# --- quality data ------------------------------------------------------------------------------------


class SchoolQualitySerializer(serializers.ModelSerializer):

    class Meta:
        model = SchoolQuality
        fields = ["id", "school", "year", "quality_score", "student_increase", "staff_exchanged"]


class SchoolQualityViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                           viewsets.ReadOnlyModelViewSet):
    model = SchoolQuality
    serializer_class = SchoolQualitySerializer
    filterset_fields = ["school", "year"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def narrow(self, queryset):
        return queryset.select_related("school").order_by("-year", "school__code")

    def _save(self, serializer, school, year):
        data = {k: serializer.validated_data.get(k, getattr(serializer.instance, k, None))
                for k in ("quality_score", "student_increase", "staff_exchanged")}
        row, _created = services.quality_save(actor=self.request.user, school=school, year=year, data=data)
        serializer.instance = row

    def perform_create(self, serializer):
        self._save(serializer, serializer.validated_data["school"], serializer.validated_data["year"])

    def perform_update(self, serializer):
        row = serializer.instance
        self._save(serializer, row.school, row.year)
