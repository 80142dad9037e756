"""API twins of the incentives pages (issue 13 item 5) and of the per-region policy edit pages, under
/api/v1/evaluation/: scoped lists (org.scope), writes through the same services (400 with the Chinese
messages on a refusal, 403 when not allowed, 404 out of scope)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from evaluation import rules, selectors_incentives, services_incentives
from evaluation.models import (
    AssessmentSchedule,
    BoundPolicy,
    FundAllocation,
    FundPolicy,
    FundShare,
    TitleRatioPolicy,
)
from org import scope
from org.models import Region, School


class FundShareSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True, default="")
    amount_yuan = serializers.SerializerMethodField()
    rating = serializers.CharField(read_only=True, help_text="the final rating the share rests on (RatingEnum)")

    class Meta:
        model = FundShare
        fields = ["id", "kind", "school", "school_code", "school_name", "staff", "staff_name", "rating", "weight",
                  "amount_fen", "amount_yuan", "basis"]

    def get_amount_yuan(self, share) -> str:
        return rules.yuan(share.amount_fen)


class FundAllocationSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = FundAllocation
        fields = ["id", "region", "region_code", "year", "fund_fen", "staff_percent", "staff_pool_fen", "school_pool_fen",
                  "unallocated_fen", "rule", "cycles", "computed_at"]


class FundComputeSerializer(serializers.Serializer):
    region = serializers.IntegerField(help_text="the region whose fund is allocated")
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class FundAllocationViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Award fund allocations (visible: bureau staff and supervisors of the region or above); POST allocates (again)
    a region's fund of a year; /shares/ lists who gets what with the basis numbers."""

    model = FundAllocation
    serializer_class = FundAllocationSerializer
    filterset_fields = ["region", "year"]

    def narrow(self, queryset):
        return queryset.select_related("region").order_by("-year", "region__code")

    @extend_schema(request=FundComputeSerializer, responses=FundAllocationSerializer)
    def create(self, request, *args, **kwargs):
        body = FundComputeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        region = scope.get_visible_or_404(request.user, Region, pk=body.validated_data["region"])
        allocation = services_incentives.fund_allocate(actor=request.user, region=region, year=body.validated_data["year"])
        return Response(FundAllocationSerializer(self.get_queryset().get(pk=allocation.pk)).data, status=201)

    @extend_schema(responses=FundShareSerializer(many=True))
    @action(detail=True)
    def shares(self, request, pk=None):
        allocation = self.get_object()
        rows = selectors_incentives.share_list(user=request.user, allocation=allocation)
        return Response(FundShareSerializer(rows, many=True).data)


class TitleRatioSerializer(serializers.Serializer):
    school = serializers.IntegerField(source="school.pk")
    school_code = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    region = serializers.CharField(source="school.region.name")
    stage = serializers.CharField(source="school.stage")
    posts = serializers.IntegerField(source="ratio.posts")
    senior = serializers.IntegerField(source="ratio.senior")
    actual_percent = serializers.DecimalField(source="ratio.actual_percent", max_digits=6, decimal_places=2, allow_null=True)
    percent = serializers.DecimalField(source="ratio.percent", max_digits=6, decimal_places=2, allow_null=True)
    ceiling = serializers.IntegerField(source="ratio.ceiling", allow_null=True)
    difference = serializers.IntegerField(source="ratio.difference", allow_null=True)
    status = serializers.CharField(source="ratio.status")
    computed_at = serializers.DateTimeField()


class TitleRatioViewSet(scope.ScopedViewSetMixin, viewsets.GenericViewSet):
    """Senior-title post ratios per visible school, paginated, from the stored checks (computed_at: when; nightly
    and after a ratio policy change); ?region= (and below), ?stage=, ?status= (over, under, at, unset, empty)
    filter."""

    model = School
    serializer_class = TitleRatioSerializer

    @extend_schema(responses=TitleRatioSerializer(many=True))
    def list(self, request):
        params = request.query_params
        region = scope.get_visible_or_404(request.user, Region, pk=params["region"]) if params.get("region", "").isdigit() \
            else None
        rows = selectors_incentives.title_ratio_rows(user=request.user, region=region, stage=params.get("stage", ""),
                                                     status=params.get("status", ""))
        return self.get_paginated_response(TitleRatioSerializer(self.paginate_queryset(rows), many=True).data)


POLICY_SERIALIZERS = {}


def _policy_serializer(kind, model, fields):
    meta = type("Meta", (), {"model": model, "fields": ["region", *fields], "read_only_fields": ["region"]})
    serializer = type(f"{model.__name__}EditSerializer", (serializers.ModelSerializer,), {"Meta": meta})
    POLICY_SERIALIZERS[kind] = serializer
    return serializer


_policy_serializer("bound", BoundPolicy, services_incentives.BOUND_FIELDS)
_policy_serializer("fund", FundPolicy, FundPolicy.FIELDS)
_policy_serializer("title", TitleRatioPolicy, TitleRatioPolicy.FIELDS)
_policy_serializer("schedule", AssessmentSchedule, services_incentives.SCHEDULE_FIELDS)


class RegionPolicySerializer(serializers.Serializer):
    region = serializers.IntegerField()
    bound = POLICY_SERIALIZERS["bound"]()
    fund = POLICY_SERIALIZERS["fund"]()
    title = POLICY_SERIALIZERS["title"]()
    schedule = POLICY_SERIALIZERS["schedule"](help_text="the yearly assessment date (month and day null: none set)")


class RegionPolicyViewSet(scope.ScopedViewSetMixin, viewsets.GenericViewSet):
    """The evaluation policies in force in a visible region (bound rules, award fund, senior-title ratios);
    PATCH /{region}/bound/, /fund/, /title/ or /schedule/ (the yearly assessment date: month, day, previous_year,
    enabled; 2月30日 refused with 400) changes the region's own row (bureau staff of the region or above), as the
    edit pages do."""

    model = Region
    serializer_class = RegionPolicySerializer

    def narrow(self, queryset):
        return queryset.select_related("parent__parent").order_by("code")

    def _data(self, region, policies=None):
        policies = policies or services_incentives.PolicyRows()
        return {"region": region.pk, **{kind: POLICY_SERIALIZERS[kind](policies.in_force(kind, region)).data
                                        for kind in POLICY_SERIALIZERS}}

    def list(self, request):
        """One serializer per kind over all the regions (`many=True`): building a ModelSerializer's fields costs
        milliseconds, once per region and kind it cost seconds for a city's hundred counties."""
        policies, regions = services_incentives.PolicyRows(), list(self.get_queryset())
        columns = {kind: serializer([policies.in_force(kind, region) for region in regions], many=True).data
                   for kind, serializer in POLICY_SERIALIZERS.items()}
        return Response([{"region": region.pk, **{kind: rows[i] for kind, rows in columns.items()}}
                         for i, region in enumerate(regions)])

    def retrieve(self, request, pk=None):
        return Response(self._data(self.get_object()))

    def _change(self, request, kind):
        region = self.get_object()
        body = POLICY_SERIALIZERS[kind](services_incentives.policy_in_force(kind, region), data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k != "region"}
        services_incentives.region_policy_save(actor=request.user, kind=kind, region=region, data=data)
        return Response(self._data(region))

    @extend_schema(request=POLICY_SERIALIZERS["bound"], responses=RegionPolicySerializer)
    @action(detail=True, methods=["patch"])
    def bound(self, request, pk=None):
        return self._change(request, "bound")

    @extend_schema(request=POLICY_SERIALIZERS["fund"], responses=RegionPolicySerializer)
    @action(detail=True, methods=["patch"])
    def fund(self, request, pk=None):
        return self._change(request, "fund")

    @extend_schema(request=POLICY_SERIALIZERS["title"], responses=RegionPolicySerializer)
    @action(detail=True, methods=["patch"], url_path="title")
    def title_ratios(self, request, pk=None):
        return self._change(request, "title")

    @extend_schema(request=POLICY_SERIALIZERS["schedule"], responses=RegionPolicySerializer)
    @action(detail=True, methods=["patch"])
    def schedule(self, request, pk=None):
        return self._change(request, "schedule")
