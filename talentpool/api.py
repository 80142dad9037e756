"""REST API of the talent pool under /api/v1/talentpool/: every list scoped (org.scope), writes
through the same services as the pages (refusals answer 400 with the Chinese message, 403 when
not allowed, 404 when out of scope)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework import status as http_status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from org import scope
from org.models import School, Staff
from org.versioning import VersionedSerializerMixin, VersionedViewSetMixin
from talentpool import selectors, services
from talentpool.filters import AppointmentFilter, NominationFilter, PoolMemberFilter
from talentpool.models import (
    AnnualReview,
    Appointment,
    EligibilityRule,
    FinalEvaluation,
    Grade,
    Intake,
    MentoringPair,
    Nomination,
    Objection,
    PoolMember,
    Program,
    ReviewerAssignment,
    StageSummary,
    Studio,
    StudioMembership,
    TierMove,
    Track,
    TrainingAttendance,
    TrainingBatch,
    Transition,
)

S = Nomination.Status


def _model_serializer(model_class, field_names):
    meta = type("Meta", (), {"model": model_class, "fields": field_names})
    return type(f"{model_class.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


def _read_only(model_class, field_names, *, order=("id",), joins=(), **extra):
    """A scoped read-only viewset of `model_class` with these serializer fields, joined and ordered."""

    def narrow(self, queryset):
        return queryset.select_related(*joins).order_by(*order) if joins else queryset.order_by(*order)

    attrs = {"model": model_class, "narrow": narrow, "serializer_class": _model_serializer(model_class, field_names), **extra}
    return type(f"{model_class.__name__}ViewSet", (scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet), attrs)


ProgramViewSet = _read_only(Program, ["id", "name", "level", "region", "start_year", "years", "notice_working_days",
                                     "review_interval_years", "description"],
                            joins=("region",), order=("-start_year", "id"))
TrackViewSet = _read_only(Track, ["id", "program", "name", "pool_type", "annual_quota", "scoring_form"],
                          filterset_fields=["program", "pool_type"])
EligibilityRuleViewSet = _read_only(EligibilityRule, ["id", "track", "kind", "number", "choices"],
                                    filterset_fields=["track"])
TransitionViewSet = _read_only(Transition, ["id", "nomination", "from_status", "to_status", "actor", "at", "comment"],
                               filterset_fields=["nomination"])
ObjectionViewSet = _read_only(Objection, ["id", "nomination", "received", "raised_by", "content", "resolution",
                                          "resolved_at", "resolved_by"],
                              filterset_fields=["nomination"])
TierMoveViewSet = _read_only(TierMove, ["id", "member", "from_tier", "to_tier", "moved_on", "actor", "reason"],
                             filterset_fields=["member"])
MentoringPairViewSet = _read_only(MentoringPair, ["id", "mentor", "mentee", "start", "end", "goals"],
                                  filterset_fields=["mentee", "mentor"])
TrainingBatchViewSet = _read_only(TrainingBatch, ["id", "name", "kind", "region", "base_school", "start", "end", "hours"],
                                  order=("-start", "id"), filterset_fields=["kind"])
TrainingAttendanceViewSet = _read_only(TrainingAttendance, ["id", "batch", "member", "attended", "hours"],
                                       filterset_fields=["batch", "member"])
StudioViewSet = _read_only(Studio, ["id", "name", "kind", "host", "school", "founded"],
                           filterset_fields=["kind", "school"])
StudioMembershipViewSet = _read_only(StudioMembership, ["id", "studio", "staff", "joined"],
                                     filterset_fields=["studio"])
StageSummaryViewSet = _read_only(StageSummary, ["id", "member", "year", "content", "submitted_by", "submitted_at"],
                                 filterset_fields=["member", "year"])
AnnualReviewViewSet = _read_only(AnnualReview, ["id", "member", "year", "expert", "grade", "comment"],
                                 filterset_fields=["member", "year"])
FinalEvaluationViewSet = _read_only(FinalEvaluation, ["id", "member", "ethics", "management_innovation", "leadership",
                                                      "school_practice", "overall", "award_recommended", "evaluated_on",
                                                      "evaluated_by"],
                                    filterset_fields=["member"])


class IntakeSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    admitted = serializers.IntegerField(source="admitted_count", read_only=True)
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = Intake
        fields = ["id", "track", "year", "opens", "closes", "quota", "admitted", "remaining"]

    def get_remaining(self, intake) -> int:
        return max(intake.quota - intake.admitted_count, 0)


class IntakeViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = Intake

    def narrow(self, queryset):
        return queryset.select_related("track").annotate(
            admitted_count=Count("nominations", filter=Q(nominations__status=S.ADMITTED))).order_by("-year", "id")

    serializer_class = IntakeSerializer
    filterset_fields = ["track", "year"]


# --- nominations and their workflow ----------------------------------------------------------------


class ScopedChoicesMixin:
    """Related choices limited to the caller's scope: out of scope reads exactly like missing."""

    scoped_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        for name, model_class in self.scoped_fields.items():
            if request is not None and name in self.fields:
                self.fields[name].queryset = scope.visible_to(request.user, model_class)


class NominationSerializer(VersionedSerializerMixin, ScopedChoicesMixin, serializers.ModelSerializer):
    scoped_fields = {"staff": Staff, "intake": Intake}
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    id_number = serializers.CharField(source="staff.masked_id_number", read_only=True)
    school = serializers.IntegerField(source="staff.school_id", read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "intake", "staff", "staff_name", "id_number", "school", "source", "nominated_by", "reasons",
                  "achievements", "head_teacher_since", "status", "eligibility", "submitted_at", "final_score",
                  "notice_start", "notice_end", "meeting_date", "minutes_ref"]
        read_only_fields = ["nominated_by", "status", "eligibility", "submitted_at", "final_score", "notice_start",
                            "notice_end", "meeting_date", "minutes_ref"]
        # No unique-together validator from the open-nomination constraint: the service checks it and
        # says so in its own words (MSG_ALREADY_NOMINATED), also when two submissions race.
        validators = []


class CommentIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField()


class AssignIn(serializers.Serializer):
    reviewers = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class NoticeIn(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ObjectionIn(serializers.Serializer):
    received = serializers.DateField()
    raised_by = serializers.CharField(required=False, allow_blank=True, default="")
    content = serializers.CharField()


class ResolveIn(serializers.Serializer):
    objection = serializers.IntegerField()
    resolution = serializers.CharField()


class DecisionIn(serializers.Serializer):
    admit = serializers.BooleanField()
    meeting_date = serializers.DateField()
    minutes_ref = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class NominationViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List/retrieve scoped nominations; POST submits one; workflow steps are POST actions."""

    model = Nomination

    def narrow(self, queryset):
        return queryset.select_related("staff", "staff__school").order_by("-submitted_at", "-id")

    serializer_class = NominationSerializer
    filterset_class = NominationFilter

    def create(self, request, *args, **kwargs):
        data = _valid(NominationSerializer, request)
        intake = scope.get_visible_or_404(request.user, Intake, pk=data["intake"].pk)
        staff = scope.get_visible_or_404(request.user, Staff, pk=data["staff"].pk)
        nomination = services.nomination_submit(actor=request.user, intake=intake, staff=staff, reasons=data["reasons"],
                           achievements=data.get("achievements", ""), head_teacher_since=data.get("head_teacher_since"),
                           source=data.get("source", Nomination.Source.NOMINATION))
        return Response(NominationSerializer(nomination).data, status=http_status.HTTP_201_CREATED)

    def _step(self, service, **kwargs):
        nomination = service(actor=self.request.user, nomination=self.get_object(), **kwargs)
        return Response(NominationSerializer(nomination).data)

    @action(detail=True, methods=["post"], url_path="county-pass")
    def county_pass(self, request, pk=None):
        return self._step(services.nomination_county_pass, comment=_valid(CommentIn, request)["comment"])

    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(services.nomination_return, comment=_valid(ReasonIn, request)["reason"])

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(services.nomination_reject, reason=_valid(ReasonIn, request)["reason"])

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(services.nomination_withdraw, reason=_valid(ReasonIn, request)["reason"])

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        ids = set(_valid(AssignIn, request)["reviewers"])
        users = list(get_user_model().objects.filter(pk__in=ids))
        if len(users) != len(ids):
            raise ValidationError({"reviewers": [str(services.MSG_NOT_REVIEWER_ROLE)]})
        services.reviewers_assign(actor=request.user, nomination=self.get_object(), reviewers=users)
        return Response(NominationSerializer(self.get_object()).data)

    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        return self._step(services.notice_publish, **_valid(NoticeIn, request))

    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        objection = services.objection_record(actor=request.user, nomination=self.get_object(), **_valid(ObjectionIn, request))
        return Response({"id": objection.pk}, status=http_status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        data = _valid(ResolveIn, request)
        nomination = self.get_object()
        objection = nomination.objections.filter(pk=data["objection"]).first()
        if objection is None:
            raise ValidationError({"objection": [str(scope.MSG_NOT_FOUND)]})
        services.objection_resolve(actor=request.user, objection=objection, resolution=data["resolution"])
        return Response(NominationSerializer(nomination).data)

    @action(detail=True, methods=["post"], url_path="notice-close")
    def notice_close(self, request, pk=None):
        return self._step(services.notice_close, comment=_valid(CommentIn, request)["comment"])

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._step(services.nomination_decide, **_valid(DecisionIn, request))


@extend_schema_serializer(component_name="ReviewerAssignment")  # rotation has an Assignment too
class AssignmentSerializer(serializers.ModelSerializer):
    scores = serializers.SerializerMethodField()

    class Meta:
        model = ReviewerAssignment
        fields = ["id", "nomination", "reviewer", "assigned_at", "submitted_at", "total", "comment", "scores"]

    def get_scores(self, assignment) -> dict:
        return {str(score.item_id): str(score.value) for score in assignment.scores.all()}


class ScoresIn(serializers.Serializer):
    values = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2))
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AssignmentViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Reviewers see their own assignments (and bureau staff those in their scope); POST scores."""

    model = ReviewerAssignment

    def narrow(self, queryset):
        return queryset.prefetch_related("scores").order_by("id")

    serializer_class = AssignmentSerializer
    filterset_fields = ["nomination", "reviewer"]

    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        data = _valid(ScoresIn, request)
        values = {int(key): value for key, value in data["values"].items() if str(key).isdigit()}
        assignment = services.scores_submit(actor=request.user, assignment=self.get_object(), values=values,
                           comment=data["comment"])
        return Response(AssignmentSerializer(assignment).data)


# --- the pool and promotions ----------------------------------------------------------------------


class PoolMemberSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    id_number = serializers.CharField(source="staff.masked_id_number", read_only=True)

    class Meta:
        model = PoolMember
        fields = ["id", "staff", "staff_name", "id_number", "pool_type", "tier", "joined", "source", "status",
                  "review_interval_years", "review_due", "review_flagged"]


class TierMoveIn(serializers.Serializer):
    to_tier = serializers.ChoiceField(choices=["city", "county"])
    moved_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SummaryIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    content = serializers.CharField()


class AnnualReviewIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    grade = serializers.ChoiceField(choices=Grade.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FinalEvaluationIn(serializers.Serializer):
    ethics = serializers.ChoiceField(choices=Grade.choices)
    management_innovation = serializers.ChoiceField(choices=Grade.choices)
    leadership = serializers.ChoiceField(choices=Grade.choices)
    school_practice = serializers.ChoiceField(choices=Grade.choices)
    overall = serializers.ChoiceField(choices=Grade.choices)
    award_recommended = serializers.BooleanField(default=False)
    evaluated_on = serializers.DateField()


class PoolMemberViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = PoolMember

    def narrow(self, queryset):
        return queryset.select_related("staff").order_by("-joined", "id")

    serializer_class = PoolMemberSerializer
    filterset_class = PoolMemberFilter

    @action(detail=True, methods=["post"], url_path="tier-move")
    def tier_move(self, request, pk=None):
        member = self.get_object()
        services.tier_move(actor=request.user, member=member, **_valid(TierMoveIn, request))
        return Response(PoolMemberSerializer(member).data)

    def _record(self, service, serializer_class):
        row = service(actor=self.request.user, member=self.get_object(), **_valid(serializer_class, self.request))
        return Response({"id": row.pk}, status=http_status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def summaries(self, request, pk=None):
        return self._record(services.stage_summary_submit, SummaryIn)

    @action(detail=True, methods=["post"], url_path="annual-reviews")
    def annual_reviews(self, request, pk=None):
        return self._record(services.annual_review_record, AnnualReviewIn)

    @action(detail=True, methods=["post"], url_path="final-evaluation")
    def final_evaluation(self, request, pk=None):
        return self._record(services.final_evaluation_record, FinalEvaluationIn)


class AppointmentSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    scoped_fields = {"staff": Staff, "school": School}

    class Meta:
        model = Appointment
        fields = ["id", "staff", "to_post", "school", "appointed_on", "from_pool", "outside_pool_warning", "document_ref"]
        read_only_fields = ["from_pool", "outside_pool_warning"]


class AppointmentViewSet(scope.ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = Appointment

    def narrow(self, queryset):
        return queryset.order_by("-appointed_on", "id")

    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter

    def create(self, request, *args, **kwargs):
        data = _valid(AppointmentSerializer, request)
        staff = scope.get_visible_or_404(request.user, Staff, pk=data["staff"].pk)
        school = scope.get_visible_or_404(request.user, School, pk=data["school"].pk)
        appointment = services.appointment_record(actor=request.user, staff=staff, school=school,
                            to_post=data["to_post"], appointed_on=data["appointed_on"], document_ref=data.get("document_ref", ""))
        return Response(AppointmentSerializer(appointment).data, status=http_status.HTTP_201_CREATED)


class PromotionReportView(APIView):
    """Promotions out of the pool per year and post, over the appointments in the user's scope."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({str(year): counts for year, counts in selectors.promotion_report(user=request.user).items()})


class InboxView(APIView):
    """The user's waiting items: nomination ids per kind (assignment ids for scoring)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({key: [row.pk for row in rows] for key, _title, rows, _count in selectors.inbox_page(user=request.user)})
