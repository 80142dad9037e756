"""REST API of alliances under /api/v1/alliances/: every list and action scoped to the user.

Services raise Django's refusals; org/api_errors.py answers them in the API's one error shape."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, exceptions, mixins, serializers, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from alliances import permissions, rules, selectors, services
from alliances.filters import ActivityFilter, GroupFilter
from alliances.models import (
    Activity,
    Compliance,
    ComplianceItem,
    CourseNeed,
    DispatchDetail,
    DispatchRequirement,
    Group,
    GroupPost,
    ItinerantSlot,
    Membership,
)
from org import scope
from org.models import Region, School, Staff
from rotation.models import Assignment


def _term(request) -> rules.Term:
    try:
        return rules.parse_term(request.query_params.get("term", ""))
    except ValueError:
        return rules.term_of(timezone.localdate())


class _ScopedFields:
    """Serializer mixin: related-field choices limited to what the requesting user sees."""

    scoped = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        for name, model in self.scoped.items():
            if request is not None and name in self.fields:
                field = self.fields[name]
                target = field.child_relation if hasattr(field, "child_relation") else field
                target.queryset = scope.visible_to(request.user, model)


class MembershipSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "group", "school", "school_code", "school_name", "role", "joined_on", "left_on"]


class GroupSerializer(_ScopedFields, serializers.ModelSerializer):
    scoped = {"lead_school": School, "members": School}
    members = serializers.PrimaryKeyRelatedField(queryset=School.objects.none(), many=True, write_only=True)
    lead_school_name = serializers.CharField(source="lead_school.name", read_only=True)
    school_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Group
        fields = ["id", "name", "type", "tier", "region", "lead_school", "lead_school_name", "founded_on", "dissolved_on",
                  "dissolution_reason", "school_count", "members"]
        read_only_fields = ["dissolved_on", "dissolution_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["region"].queryset = scope.visible_to(request.user, Region)


class MemberAddSerializer(_ScopedFields, serializers.Serializer):
    scoped = {"school": School}
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.none())
    joined_on = serializers.DateField()


class MemberEndSerializer(serializers.Serializer):
    membership = serializers.IntegerField()
    left_on = serializers.DateField()


class DissolveSerializer(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestSerializer(serializers.Serializer):
    plan = serializers.IntegerField()


class GroupViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Education groups; POST founds one (checked against every per-type constraint)."""

    model = Group
    serializer_class = GroupSerializer
    filterset_class = GroupFilter

    def narrow(self, queryset):
        return selectors.group_columns(queryset)

    def perform_create(self, serializer):
        serializer.instance = services.group_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance.school_count = serializer.instance.memberships.count()

    @extend_schema(request=MemberAddSerializer, responses=MembershipSerializer)
    @decorators.action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        body = MemberAddSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        row = services.membership_add(actor=request.user, group=self.get_object(), **body.validated_data)
        return Response(MembershipSerializer(row).data, status=201)

    @extend_schema(request=MemberEndSerializer, responses=MembershipSerializer)
    @decorators.action(detail=True, methods=["post"], url_path="end-membership")
    def end_membership(self, request, pk=None):
        body = MemberEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        group = self.get_object()
        row = scope.get_visible_or_404(request.user, Membership.objects.filter(group=group), pk=body.validated_data["membership"])
        row = services.membership_end(actor=request.user, membership=row, left_on=body.validated_data["left_on"])
        return Response(MembershipSerializer(row).data)

    @extend_schema(request=DissolveSerializer, responses=GroupSerializer)
    @decorators.action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        body = DissolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        group = services.group_dissolve(actor=request.user, group=self.get_object(), **body.validated_data)
        return Response(GroupSerializer(selectors.group_list(user=request.user).get(pk=group.pk), context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=None)
    @decorators.action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """Recompute this group's compliance for ?term= (default: the current term) now."""
        group = self.get_object()
        if not permissions.may_manage_group(request.user, group):
            raise exceptions.PermissionDenied(str(services.MSG_GROUP_FORBIDDEN))
        services.compliance_compute(term=_term(request), group_ids=[group.pk])
        return Response(ComplianceSerializer(selectors.compliance_latest(group, _term(request))).data)

    @extend_schema(request=SuggestSerializer, responses=None)
    @decorators.action(detail=True, methods=["post"])
    def suggest(self, request, pk=None):
        """Pass the group's gap pairs into rotation's suggestions for a plan; answers the suggestion ids."""
        from rotation.models import Plan

        body = SuggestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = scope.get_visible_or_404(request.user, Plan, pk=body.validated_data["plan"])
        rows = services.gap_suggestions_generate(actor=request.user, group=self.get_object(), plan=plan, term=_term(request))
        return Response({"suggestions": [row.pk for row in rows]})


class MembershipViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = Membership
    serializer_class = MembershipSerializer
    filterset_fields = ["group", "school", "role"]

    def narrow(self, queryset):
        return queryset.select_related("school").order_by("group_id", "role", "school__code")


class PostSerializer(_ScopedFields, serializers.ModelSerializer):
    scoped = {"school": School, "staff": Staff, "group": Group}

    class Meta:
        model = GroupPost
        fields = ["id", "group", "school", "staff", "kind", "start", "end", "document_no"]
        read_only_fields = ["end"]


class PostViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = GroupPost
    serializer_class = PostSerializer
    filterset_fields = ["group", "kind"]

    def narrow(self, queryset):
        return queryset.select_related("staff", "school").order_by("group_id", "kind", "-start")

    def perform_create(self, serializer):
        serializer.instance = services.post_appoint(actor=self.request.user, **serializer.validated_data)


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = DispatchRequirement
        fields = ["id", "group_type", "kind", "region", "minimum", "maximum", "subjects", "key_honour", "active"]


class RequirementSaveSerializer(serializers.Serializer):
    group_type = serializers.ChoiceField(choices=DispatchRequirement._meta.get_field("group_type").choices)
    kind = serializers.ChoiceField(choices=DispatchRequirement.Kind.choices)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), allow_null=True)
    minimum = serializers.IntegerField(min_value=0, max_value=1000)
    maximum = serializers.IntegerField(min_value=0, max_value=1000, required=False, allow_null=True, default=None)
    subjects = serializers.CharField(required=False, allow_blank=True, default="")
    key_honour = serializers.ChoiceField(choices=Staff.Honour.choices, required=False, default=rules.KEY_HONOUR)
    active = serializers.BooleanField(required=False, default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["region"].queryset = scope.visible_to(request.user, Region)


class RequirementViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Requirement rows (defaults have no region); POST sets a region's row overriding the default."""

    model = DispatchRequirement
    serializer_class = RequirementSerializer
    filterset_fields = ["group_type", "kind", "region"]

    def narrow(self, queryset):
        return queryset.select_related("region").order_by("group_type", "kind", "region__code")

    @extend_schema(request=RequirementSaveSerializer, responses=RequirementSerializer)
    def create(self, request, *args, **kwargs):
        body = RequirementSaveSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        row = services.requirement_save(actor=request.user, **body.validated_data)
        return Response(RequirementSerializer(row).data, status=201)


class ComplianceItemSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)

    class Meta:
        model = ComplianceItem
        fields = ["id", "kind", "school", "met", "count", "needed", "code", "params", "text", "assignment_ids"]


class ComplianceSerializer(serializers.ModelSerializer):
    items = ComplianceItemSerializer(many=True, read_only=True)

    class Meta:
        model = Compliance
        fields = ["id", "group", "term", "computed_on", "computed_at", "met", "gap_count", "items"]


class ComplianceViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Stored compliance rows (one per group, term and day), with their items; filter by ?group=&term=&met=."""

    model = Compliance
    serializer_class = ComplianceSerializer
    filterset_fields = ["group", "term", "computed_on", "met"]

    def narrow(self, queryset):
        return queryset.prefetch_related("items").order_by("group_id", "-term", "-computed_on")


class ActivitySerializer(_ScopedFields, serializers.ModelSerializer):
    scoped = {"schools": School, "participants": Staff, "group": Group}
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "group", "kind", "held_on", "title", "summary", "schools", "participants", "attachments"]

    def get_attachments(self, activity) -> list:
        return [{"id": a.pk, "name": a.original_name, "size": a.size, "url": a.get_absolute_url()} for a in activity.attachments.all()]


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ActivityViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def narrow(self, queryset):
        return queryset.prefetch_related("schools", "participants", "attachments").order_by("-held_on", "id")

    def perform_create(self, serializer):
        serializer.instance = services.activity_create(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=AttachmentUploadSerializer, responses=ActivitySerializer)
    @decorators.action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        activity = self.get_object()
        services.attachment_add(actor=request.user, activity=activity, upload=body.validated_data["file"])
        return Response(ActivitySerializer(Activity.objects.get(pk=activity.pk), context=self.get_serializer_context()).data, status=201)


class SlotSerializer(_ScopedFields, serializers.ModelSerializer):
    scoped = {"school": School, "staff": Staff, "group": Group}

    class Meta:
        model = ItinerantSlot
        fields = ["id", "group", "school", "staff", "subject", "weekday", "starts_at", "ends_at", "valid_from", "valid_to"]


class SlotViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Weekly 走教 lessons; POST schedules one (a teacher booked elsewhere at that time is refused)."""

    model = ItinerantSlot
    serializer_class = SlotSerializer
    filterset_fields = ["group", "school", "staff", "weekday"]

    def narrow(self, queryset):
        return queryset.order_by("group_id", "school_id", "weekday", "starts_at")

    def perform_create(self, serializer):
        serializer.instance = services.slot_create(actor=self.request.user, **serializer.validated_data)


class CourseNeedSerializer(_ScopedFields, serializers.ModelSerializer):
    scoped = {"school": School, "group": Group}

    class Meta:
        model = CourseNeed
        fields = ["id", "group", "school", "subject", "weekly_lessons"]


class CourseNeedViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = CourseNeed
    serializer_class = CourseNeedSerializer
    filterset_fields = ["group", "school"]

    def narrow(self, queryset):
        return queryset.order_by("group_id", "school_id", "subject")

    def perform_create(self, serializer):
        serializer.instance = services.course_need_save(actor=self.request.user, **serializer.validated_data)


class DispatchDetailSerializer(_ScopedFields, serializers.ModelSerializer):
    scoped = {"assignment": Assignment}

    class Meta:
        model = DispatchDetail
        fields = ["id", "assignment", "band", "subject", "senior_three"]
        validators = []  # one row per assignment: the service updates the existing one


class DispatchDetailViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """What a dispatched person teaches at the destination (band, subject, senior three); POST sets it."""

    model = DispatchDetail
    serializer_class = DispatchDetailSerializer
    filterset_fields = ["assignment", "band"]

    def narrow(self, queryset):
        return queryset.order_by("assignment_id")

    def perform_create(self, serializer):
        serializer.instance = services.dispatch_detail_save(actor=self.request.user, **serializer.validated_data)


class CoverageSerializer(serializers.Serializer):
    region = serializers.CharField()
    stage = serializers.CharField()
    schools = serializers.IntegerField()
    in_groups = serializers.IntegerField()
    lead = serializers.IntegerField()
    member = serializers.IntegerField()
    percent = serializers.FloatField()


class CoverageViewSet(viewsets.ViewSet):
    """Share of visible schools in an active group, by county and stage (today)."""

    serializer_class = CoverageSerializer

    @extend_schema(responses=CoverageSerializer(many=True))
    def list(self, request):
        rows = selectors.coverage_rows(user=request.user, on=timezone.localdate())
        return Response(CoverageSerializer(rows, many=True).data)

