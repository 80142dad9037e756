"""REST API of rotation under /api/v1/rotation/: every list and action scoped to the user."""


from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, exceptions, serializers, viewsets
from rest_framework.response import Response

from org import scope
from org.api import ExportJobSerializer
from org.api_fields import UserNamesMixin
from org.attachments import AttachmentField
from org.downloads import HTML, file_download, file_schema
from org.exporting import export_response
from org.models import Region, School, Staff
from org.pagination import EstimatedPageNumberPagination
from org.versioning import VersionedSerializerMixin, VersionedViewSetMixin
from rotation import selectors, services
from rotation.filters import (
    AssignmentFilter,
    EligibilityFilter,
    ExemptionFilter,
    SuggestionFilter,
    WarningFilter,
)
from rotation.forms import applicable_staff
from rotation.models import (
    Assignment,
    Exemption,
    Inspection,
    Notification,
    Plan,
    Policy,
    ProgressWarning,
    Quota,
    Rating,
    Suggestion,
)


class PolicySerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Policy
        fields = ["id", "region", "region_code", *Policy.NUMBER_FIELDS]
        read_only_fields = ["region"]


class PolicySaveSerializer(serializers.ModelSerializer):
    region = serializers.IntegerField(help_text="the region whose own policy row is created or changed")

    class Meta:
        model = Policy
        fields = ["region", *Policy.NUMBER_FIELDS]


class PolicyViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The policy rows of visible regions; POST creates or changes a region's own row (city bureau staff),
    as the policy edit page does."""

    model = Policy

    def narrow(self, queryset):
        return queryset.select_related("region").order_by("region__code")

    serializer_class = PolicySerializer

    @extend_schema(request=PolicySaveSerializer, responses=PolicySerializer)
    def create(self, request, *args, **kwargs):
        body = PolicySaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        region = scope.get_visible_or_404(request.user, Region, pk=data.pop("region"))
        policy = services.policy_save(actor=request.user, region=region, data=data)
        return Response(PolicySerializer(self.get_queryset().get(pk=policy.pk)).data)


class EligibilitySerializer(serializers.Serializer):
    staff = serializers.IntegerField(source="staff_id")
    name = serializers.CharField()
    school_code = serializers.CharField()
    school_name = serializers.CharField()
    status = serializers.CharField(source="decision.status")
    reason_codes = serializers.ListField(source="decision.codes", child=serializers.CharField())
    explanation = serializers.CharField(source="decision.explanation")


MSG_NO_DECISIONS = _("Filtering this many staff by status or reason needs the eligibility decisions stored for this "
                     "date, and none are stored; POST compute/ with the same as_of queues them.")


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField()


class EligibilityViewSet(viewsets.ViewSet):
    """Eligibility of the visible active staff at ?as_of= (default: the next 1 September); ?status= and ?reason=
    filter by the decisions stored for the date (the response's computed_at says when), else decide a small scope
    live, else answer 409 (POST compute/ queues them)."""

    pagination_class = EstimatedPageNumberPagination  # no exact COUNT(*) over a city's 500,000 staff
    serializer_class = EligibilitySerializer  # for the schema (a ViewSet has no get_serializer)

    def list(self, request):
        filterset = EligibilityFilter(request.query_params, queryset=selectors.eligibility_staff(user=request.user), request=request)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        data = filterset.form.cleaned_data
        on = data.get("as_of") or selectors.default_as_of_for(today=timezone.localdate(), user=request.user)
        paginator = self.pagination_class()
        status, reason = data.get("status"), data.get("reason")
        if not status and not reason:  # paginate the staff first, decide only the page (like the list)
            staff = paginator.paginate_queryset(filterset.qs.only("pk"), request, view=self)
            return paginator.get_paginated_response(EligibilitySerializer(selectors.evaluate_page(staff, on), many=True).data)
        computed_at = selectors.stored_decisions_at(on)
        if computed_at:  # the decisions stored for the date, joined through the scoped staff (like the list)
            rows = paginator.paginate_queryset(selectors.stored_matching(filterset.qs, on, status=status, reason=reason),
                                               request, view=self)
            response = paginator.get_paginated_response(
                EligibilitySerializer([selectors.stored_row(row) for row in rows], many=True).data)
            response.data["computed_at"] = serializers.DateTimeField().to_representation(computed_at)
            return response
        if not selectors.decide_live(filterset.qs):
            return Response({"detail": MSG_NO_DECISIONS}, status=409)
        rows = list(selectors.evaluate_matching(filterset.qs, on, status=status, reason=reason))
        return paginator.get_paginated_response(
            EligibilitySerializer(paginator.paginate_queryset(rows, request, view=self), many=True).data)

    @extend_schema(request=AsOfSerializer, responses={202: None})
    @decorators.action(detail=False, methods=["post"])
    def compute(self, request):
        """Queue the stored decisions (with the figures) of `as_of`, which ?status= and ?reason= over more than
        selectors.LIVE_MAX_STAFF staff need (bureau staff; 403 otherwise)."""
        query = AsOfSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        try:
            services.eligibility_figures_request(actor=request.user, on=query.validated_data["as_of"])
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error.args[0])) from error
        return Response({"as_of": query.validated_data["as_of"].isoformat()}, status=202)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes,
                              202: ExportJobSerializer})
    @decorators.action(detail=False, methods=["get"])
    def export(self, request):
        """The eligibility roster (交流资格名册) as xlsx, same filters as the list (?as_of=, ?region=, ...).

        Above EXPORT_INLINE_MAX_ROWS staff: 202 with an export job (/api/v1/exports/<id>/; its download_url once done)."""
        return export_response(request, "rotation.eligibility", {"via": "api"}, api=True)


MSG_NO_FIGURES = _("No eligibility figures are stored for this date; POST compute/ with the same parameters queues them.")


class SplitQuerySerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=0)
    as_of = serializers.DateField()
    region = serializers.CharField(required=False)


class SplitRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    base = serializers.IntegerField()
    share = serializers.IntegerField()
    computed_at = serializers.DateTimeField()


class SplitViewSet(viewsets.ViewSet):
    """?target=N&as_of=YYYY-MM-DD[&region=CODE]: one row per visible county (code, name, base, share, computed_at),
    from the eligibility figures stored for that date (computed_at: when); 409 when none are stored, which
    POST compute/ (same parameters, bureau staff) queues (202)."""

    serializer_class = SplitRowSerializer  # for the schema

    def _query(self, data):
        query = SplitQuerySerializer(data=data)
        query.is_valid(raise_exception=True)
        region = None
        if query.validated_data.get("region"):
            region = scope.get_visible_or_404(self.request.user, Region, code=query.validated_data["region"])
        return {**query.validated_data, "region": region}

    def list(self, request):
        split = selectors.split_for_user(user=request.user, **self._query(request.query_params))
        if split is None:
            return Response({"detail": MSG_NO_FIGURES}, status=409)
        return Response([{"code": s.code, "name": s.name, "base": s.base, "share": s.share,
                          "computed_at": serializers.DateTimeField().to_representation(split.computed_at)}
                         for s in split.shares])

    @extend_schema(request=SplitQuerySerializer, responses={202: None})
    @decorators.action(detail=False, methods=["post"])
    def compute(self, request):
        """Queue the eligibility figures of `as_of` (bureau staff; 403 otherwise)."""
        query = self._query(request.data)
        try:
            services.eligibility_figures_request(actor=request.user, on=query["as_of"])
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error.args[0])) from error
        return Response({"as_of": query["as_of"].isoformat()}, status=202)


class ExemptionSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    attachment = AttachmentField(view_name="rotation:exemption-attachment")

    class Meta:
        model = Exemption
        fields = [
            "id", "staff", "staff_name", "kind", "start", "end", "state", "grounds", "document_no", "decision_reason",
            "attachment", "decided_at",
        ]
        read_only_fields = ["state", "decision_reason", "decided_at", "document_no"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["staff"].queryset = applicable_staff(request.user)


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField()
    document_no = serializers.CharField(required=False, allow_blank=True, default="")


class ExemptionViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, viewsets.ModelViewSet):
    model = Exemption

    def narrow(self, queryset):
        return queryset.select_related("staff").order_by("-start", "id")

    serializer_class = ExemptionSerializer
    filterset_class = ExemptionFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.exemption_apply(actor=self.request.user, **serializer.validated_data)

    @decorators.action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        exemption = services.exemption_decide(actor=request.user, exemption=self.get_object(), **decision.validated_data)
        return Response(ExemptionSerializer(exemption, context=self.get_serializer_context()).data)


# --- plans, the roster, inspections, progress -------------------------------------------------


class QuotaSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = Quota
        fields = ["county", "county_code", "county_name", "base", "share"]


class PlanSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    quotas = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = ["id", "region", "name", "term_start", "opens_on", "deadline", "target", "quotas"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # an out-of-scope region answers like a missing one
            self.fields["region"].queryset = scope.visible_to(request.user, Region)

    def get_quotas(self, plan) -> list:
        quotas = [quota for quota in plan.quotas.all() if quota.county_id in self.context["visible_counties"]]
        return QuotaSerializer(quotas, many=True).data


MSG_SHARES_KEYS = _("Shares are keyed by county id (a whole number); %(key)s is not one.")


class SharesSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=0, required=False)
    shares = serializers.DictField(child=serializers.IntegerField(min_value=0), help_text="county id → share")

    def validate_shares(self, value: dict) -> dict[int, int]:
        converted = {}
        for key, share in value.items():
            text = str(key).strip()
            if not text.isascii() or not text.isdigit():
                raise serializers.ValidationError(MSG_SHARES_KEYS % {"key": key})
            converted[int(text)] = share
        return converted


class PlanViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, viewsets.ModelViewSet):
    model = Plan

    def narrow(self, queryset):
        return queryset.prefetch_related("quotas__county").order_by("-term_start", "id")

    serializer_class = PlanSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_context(self):
        visible = set(scope.visible_to(self.request.user, Region).values_list("id", flat=True))
        return {**super().get_serializer_context(), "visible_counties": visible}

    def perform_create(self, serializer):
        serializer.instance = services.plan_create(actor=self.request.user, **serializer.validated_data)

    @decorators.action(detail=True, methods=["post"])
    def shares(self, request, pk=None):
        body = SharesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_set_shares(actor=request.user, plan=self.get_object(), shares=body.validated_data["shares"],
                     target=body.validated_data.get("target"))
        return Response(PlanSerializer(Plan.objects.get(pk=plan.pk), context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={202: None})
    @decorators.action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """Queue the plan's progress computation now (bureau staff), as the progress page's button does."""
        services.progress_recompute(actor=request.user, plan=self.get_object())
        return Response(status=202)

    @decorators.action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(selectors.chart_data(selectors.progress_series(user=request.user, plan=self.get_object())))


class AssignmentSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id", "plan", "staff", "staff_name", "from_school", "to_school", "form", "start", "planned_end",
            "post_at_destination", "relation_moves", "subsidy_yuan", "subsidy_note", "filed_on", "state",
            "exemption_override", "arrived_on", "ended_on", "end_reason", "rating", "is_key_teacher",
        ]
        read_only_fields = ["from_school", "filed_on", "state", "arrived_on", "ended_on", "end_reason", "rating",
                            "is_key_teacher"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["staff"].queryset = scope.visible_to(request.user, Staff)
            self.fields["to_school"].queryset = scope.visible_to(request.user, School)
            self.fields["plan"].queryset = scope.visible_to(request.user, Plan)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(services.TRANSITIONS))
    rating = serializers.ChoiceField(choices=[("", ""), *Rating.choices], required=False, default="")
    reason = serializers.CharField(required=False, default="", allow_blank=True)
    on = serializers.DateField(required=False, default=None, allow_null=True)


class AssignmentViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, viewsets.ModelViewSet):
    model = Assignment

    def narrow(self, queryset):
        return queryset.select_related("staff").order_by("-start", "id")

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.assignment_create(actor=self.request.user, **serializer.validated_data)

    @decorators.action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = self.get_object()
        services.assignment_transition(actor=request.user, assignment=assignment, **body.validated_data)
        return Response(AssignmentSerializer(Assignment.objects.get(pk=assignment.pk), context=self.get_serializer_context()).data)


class InspectionSerializer(UserNamesMixin, serializers.ModelSerializer):
    attachment = AttachmentField(view_name="rotation:inspection-attachment")

    class Meta:
        model = Inspection
        fields = ["id", "assignment", "visited_on", "lesson_observation", "interviews", "ledger_review", "findings",
                  "rating", "attachment", "inspector"]
        read_only_fields = ["inspector"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assignment"].queryset = scope.visible_to(request.user, Assignment)


class InspectionViewSet(scope.ScopedViewSetMixin, viewsets.ModelViewSet):
    model = Inspection

    def narrow(self, queryset):
        return queryset.select_related("inspector").order_by("-visited_on", "id")

    serializer_class = InspectionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.inspection_record(actor=self.request.user, **serializer.validated_data)


class WarningSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = ProgressWarning
        fields = ["id", "plan", "county", "county_code", "level", "raised_on", "cleared_on", "counted", "expected"]


class WarningViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = ProgressWarning

    def narrow(self, queryset):
        return queryset.select_related("county").order_by("-raised_on", "id")

    serializer_class = WarningSerializer
    filterset_class = WarningFilter


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "text", "url", "created_at", "read_at"]


class NotificationViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = Notification

    def narrow(self, queryset):
        return queryset.order_by("-created_at", "-id")

    serializer_class = NotificationSerializer


class SuggestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suggestion
        fields = ["id", "plan", "staff", "from_school", "to_school", "score", "explanation", "state", "assignment"]


class SuggestRequestSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    partners = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2), required=False, default=list,
        help_text="pairs of partner school codes (from alliances)",
    )


class AcceptSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=Assignment.Form.choices)
    start = serializers.DateField()
    planned_end = serializers.DateField()
    to_school = serializers.IntegerField(required=False)
    exemption_override = serializers.CharField(required=False, default="", allow_blank=True)


class SuggestionViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List (?plan=), POST /solve/ {plan, partners}, POST /{id}/accept/ and /{id}/discard/."""

    model = Suggestion

    def narrow(self, queryset):
        return queryset.order_by("-score", "id")

    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter

    @decorators.action(detail=False, methods=["post"])
    def solve(self, request):
        body = SuggestRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = scope.get_visible_or_404(request.user, Plan, pk=body.validated_data["plan"])
        codes = {code for pair in body.validated_data["partners"] for code in pair}
        ids = dict(scope.visible_to(request.user, School).filter(code__in=codes).values_list("code", "id"))
        partners = [(ids[a], ids[b]) for a, b in body.validated_data["partners"] if a in ids and b in ids]
        rows = services.suggestions_generate(actor=request.user, plan=plan, partners=partners)
        return Response(SuggestionSerializer(rows, many=True).data)

    @decorators.action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "to_school" in data:
            data["to_school"] = scope.get_visible_or_404(request.user, School, pk=data["to_school"])
        suggestion = services.suggestion_accept(actor=request.user, suggestion=self.get_object(), **data)
        return Response(SuggestionSerializer(suggestion).data)

    @decorators.action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        suggestion = services.suggestion_discard(actor=request.user, suggestion=self.get_object())
        return Response(SuggestionSerializer(suggestion).data)


class TitleStatementViewSet(scope.ScopedViewSetMixin, viewsets.GenericViewSet):
    """GET /api/v1/rotation/title-statements/<staff id>/: the printable title-prerequisites statement of a
    visible staff member, the very document the page prints (text/html), as a download."""

    model = Staff
    serializer_class = serializers.Serializer  # for the schema; the answer is the document

    def narrow(self, queryset):
        return queryset.select_related("school", "school__region")

    @extend_schema(responses=file_schema(HTML))
    def retrieve(self, request, pk=None):
        staff = self.get_object()
        html = render_to_string("rotation/title_statement.html",
                                selectors.title_statement_context(staff, today=timezone.localdate()), request=request)
        return file_download(lambda stream: stream.write(html.encode()), f"title-statement-{staff.pk}.html", HTML)
