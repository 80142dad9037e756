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
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from org import scope
from org.api import ExportJobSerializer
from org.api_fields import UserNamesMixin, user_display_name
from org.downloads import DOCX, XLSX, file_schema
from org.exporting import export_response
from org.models import School, Staff
from org.versioning import VersionedSerializerMixin, VersionedViewSetMixin
from talentpool import downloads, permissions, selectors, services
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
    ScoringForm,
    ScoringItem,
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
    """A ModelSerializer of these fields; each user-account field gets its `<field>_name` (org.api_fields)."""
    meta = type("Meta", (), {"model": model_class, "fields": field_names})
    return type(f"{model_class.__name__}Serializer", (UserNamesMixin, serializers.ModelSerializer), {"Meta": meta})


class SavedThroughServiceMixin:
    """POST creates and PATCH changes a row through the app's `*_save(actor=, <instance_kwarg>=row)` service,
    as the create and edit pages do (their related choices scoped, the service checks the actor: 403, a
    refused value 400); DELETE, where `delete_service` is set, through that service."""

    save_service = None
    delete_service = None
    instance_kwarg = ""

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = type(self).save_service(actor=request.user, **{self.instance_kwarg: self.model(**body.validated_data)})
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data, status=http_status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        row = self.get_object()
        body = self.get_serializer(row, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        for name, value in body.validated_data.items():
            setattr(row, name, value)
        type(self).save_service(actor=request.user, **{self.instance_kwarg: row})
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)

    def destroy(self, request, *args, **kwargs):
        type(self).delete_service(actor=request.user, **{self.instance_kwarg: self.get_object()})
        return Response(status=http_status.HTTP_204_NO_CONTENT)


def _writable(viewset, service, instance_kwarg, *, delete_service=None, name=None):
    """`viewset` (scoped, read-only) with POST and PATCH (and DELETE) through the services."""
    methods = ["get", "post", "patch", "head", "options", *(["delete"] if delete_service else [])]
    attrs = {"save_service": staticmethod(service), "instance_kwarg": instance_kwarg, "http_method_names": methods,
             "delete_service": staticmethod(delete_service) if delete_service else None}
    bases = (SavedThroughServiceMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
             *([mixins.DestroyModelMixin] if delete_service else []), viewset)
    return type(name or viewset.__name__, bases, attrs)


def _read_only(model_class, field_names, *, order=("id",), joins=(), **extra):
    """A scoped read-only viewset of `model_class` with these serializer fields, joined and ordered."""

    def narrow(self, queryset):
        return queryset.select_related(*joins).order_by(*order) if joins else queryset.order_by(*order)

    attrs = {"model": model_class, "narrow": narrow, "serializer_class": _model_serializer(model_class, field_names), **extra}
    return type(f"{model_class.__name__}ViewSet", (scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet), attrs)


_ProgramRead = _read_only(Program, ["id", "name", "level", "region", "start_year", "years", "notice_working_days",
                                     "review_interval_years", "description"],
                            joins=("region",), order=("-start_year", "id"))
_TrackRead = _read_only(Track, ["id", "program", "name", "pool_type", "annual_quota", "scoring_form"],
                          filterset_fields=["program", "pool_type"])
_EligibilityRuleRead = _read_only(EligibilityRule, ["id", "track", "kind", "number", "choices"],
                                    filterset_fields=["track"])
ProgramViewSet = _writable(_ProgramRead, services.program_save, "program")
TrackViewSet = _writable(_TrackRead, services.track_save, "track")
EligibilityRuleViewSet = _writable(_EligibilityRuleRead, services.eligibility_rule_save, "rule",
                                   delete_service=services.eligibility_rule_delete)
TransitionViewSet = _read_only(Transition, ["id", "nomination", "from_status", "to_status", "actor", "at", "comment"],
                               joins=("actor",), filterset_fields=["nomination"])
ObjectionViewSet = _read_only(Objection, ["id", "nomination", "received", "raised_by", "content", "resolution",
                                          "resolved_at", "resolved_by"],
                              joins=("resolved_by",), filterset_fields=["nomination"])
TierMoveViewSet = _read_only(TierMove, ["id", "member", "from_tier", "to_tier", "moved_on", "actor", "reason"],
                             joins=("actor",), filterset_fields=["member"])
MentoringPairViewSet = _read_only(MentoringPair, ["id", "mentor", "mentee", "start", "end", "goals"],
                                  filterset_fields=["mentee", "mentor"])
_TrainingBatchRead = _read_only(TrainingBatch, ["id", "name", "kind", "region", "base_school", "start", "end", "hours"],
                                  order=("-start", "id"), filterset_fields=["kind"])
TrainingAttendanceViewSet = _read_only(TrainingAttendance, ["id", "batch", "member", "attended", "hours"],
                                       filterset_fields=["batch", "member"])
_StudioRead = _read_only(Studio, ["id", "name", "kind", "host", "school", "founded"],
                           filterset_fields=["kind", "school"])
StudioMembershipViewSet = _read_only(StudioMembership, ["id", "studio", "staff", "joined"],
                                     filterset_fields=["studio"])
StageSummaryViewSet = _read_only(StageSummary, ["id", "member", "year", "content", "submitted_by", "submitted_at"],
                                 joins=("submitted_by",), filterset_fields=["member", "year"])
AnnualReviewViewSet = _read_only(AnnualReview, ["id", "member", "year", "expert", "grade", "comment"],
                                 joins=("expert",), filterset_fields=["member", "year"])
FinalEvaluationViewSet = _read_only(FinalEvaluation, ["id", "member", "ethics", "management_innovation", "leadership",
                                                      "school_practice", "overall", "award_recommended", "evaluated_on",
                                                      "evaluated_by"],
                                    joins=("evaluated_by",), filterset_fields=["member"])


class IntakeSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    admitted = serializers.IntegerField(source="admitted_count", read_only=True)
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = Intake
        fields = ["id", "track", "year", "opens", "closes", "quota", "admitted", "remaining"]

    def get_remaining(self, intake) -> int:
        return max(intake.quota - intake.admitted_count, 0)


class _IntakeRead(VersionedViewSetMixin, scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = Intake

    def narrow(self, queryset):
        return queryset.select_related("track").annotate(
            admitted_count=Count("nominations", filter=Q(nominations__status=S.ADMITTED))).order_by("-year", "id")

    serializer_class = IntakeSerializer
    filterset_fields = ["track", "year"]

    @extend_schema(responses=file_schema(DOCX))
    @action(detail=True, methods=["get"])
    def notice(self, request, pk=None):
        """The intake's public-notice list (公示名单) as .docx: the page's download (talentpool.downloads)."""
        return downloads.notice_download(user=request.user, intake=self.get_object())


IntakeViewSet = _writable(_IntakeRead, services.intake_save, "intake", name="IntakeViewSet")


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


class NominationSerializer(VersionedSerializerMixin, ScopedChoicesMixin, UserNamesMixin, serializers.ModelSerializer):
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


class ResubmitIn(serializers.Serializer):
    reasons = serializers.CharField()
    achievements = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewerOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    assigned = serializers.BooleanField(help_text="already assigned to this nomination")


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
        return queryset.select_related("staff", "staff__school", "nominated_by").order_by("-submitted_at", "-id")

    serializer_class = NominationSerializer
    filterset_class = NominationFilter

    @extend_schema(responses={(200, XLSX): bytes, 202: ExportJobSerializer})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The nomination roster (提名名册) as .xlsx, the list's filters applied: the page's download. Above
        EXPORT_INLINE_MAX_ROWS rows: 202 with an export job (/api/v1/exports/<id>/; its download_url once done)."""
        return export_response(request, "talentpool.nominations", {"via": "api"}, api=True)

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

    @extend_schema(request=ResubmitIn, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        """The school revises a returned nomination (reasons, achievements) and sends it back to county review."""
        return self._step(services.nomination_resubmit, **_valid(ResubmitIn, request))

    @extend_schema(request=None, responses=ReviewerOut(many=True))
    @action(detail=True, methods=["get"])
    def reviewers(self, request, pk=None):
        """The reviewers the caller may assign to this nomination (users holding the reviewer role), for
        the bureau running its program while it is under assessment; 403 for anyone else."""
        nomination = self.get_object()
        if not permissions.may_run(request.user, nomination):
            raise PermissionDenied(services.MSG_MAY_NOT_ACT)
        assigned = set(nomination.assignments.values_list("reviewer_id", flat=True))
        rows = [{"id": user.pk, "username": user.get_username(), "name": user_display_name(user), "assigned": user.pk in assigned}
                for user in selectors.reviewer_users()]
        return Response(ReviewerOut(rows, many=True).data)

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
class AssignmentSerializer(UserNamesMixin, serializers.ModelSerializer):
    scoring_form = serializers.IntegerField(source="nomination.intake.track.scoring_form_id", read_only=True, allow_null=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = ReviewerAssignment
        fields = ["id", "nomination", "reviewer", "assigned_at", "submitted_at", "total", "comment", "scoring_form", "scores"]

    def get_scores(self, assignment) -> dict:
        return {str(score.item_id): str(score.value) for score in assignment.scores.all()}


class ScoresIn(serializers.Serializer):
    values = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2))
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AssignmentViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Reviewers see their own assignments (and bureau staff those in their scope); POST scores."""

    model = ReviewerAssignment

    def narrow(self, queryset):
        return queryset.select_related("reviewer", "nomination__intake__track").prefetch_related("scores").order_by("id")

    serializer_class = AssignmentSerializer
    filterset_fields = ["nomination", "reviewer"]

    @extend_schema(request=ScoresIn, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        """Score every item of the track's scoring form (`values`: {item id: score}); answers the
        assignment with the scores as saved and its weighted total."""
        data = _valid(ScoresIn, request)
        values = {int(key): value for key, value in data["values"].items() if str(key).isdigit()}
        assignment = services.scores_submit(actor=request.user, assignment=self.get_object(), values=values,
                           comment=data["comment"])
        return Response(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)


class ScoringItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringItem
        fields = ["id", "name", "weight", "max_score", "order"]


class ScoringFormSerializer(serializers.ModelSerializer):
    items = ScoringItemSerializer(many=True, read_only=True)

    class Meta:
        model = ScoringForm
        fields = ["id", "name", "items"]


class ScoringFormViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Scoring forms with their items in order (an assignment names its form in `scoring_form`): a
    reviewer's client builds the score sheet from them. Reference data: every signed-in user reads them."""

    model = ScoringForm

    def narrow(self, queryset):
        return queryset.prefetch_related("items").order_by("name", "id")

    serializer_class = ScoringFormSerializer


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


class MemberStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=[PoolMember.Status.WITHDRAWN, PoolMember.Status.EXPIRED])
    reason = serializers.CharField()


class ReviewCompleteIn(serializers.Serializer):
    reviewed_on = serializers.DateField()
    keep = serializers.BooleanField(help_text="true: keep in the pool for another interval; false: let it expire")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MentorIn(ScopedChoicesMixin, serializers.Serializer):
    scoped_fields = {"mentor": Staff}
    mentor = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.filter(status=Staff.Status.ACTIVE))
    start = serializers.DateField()
    goals = serializers.CharField(required=False, allow_blank=True, default="")


class PoolMemberViewSet(VersionedViewSetMixin, scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = PoolMember

    def narrow(self, queryset):
        return queryset.select_related("staff").order_by("-joined", "id")

    serializer_class = PoolMemberSerializer
    filterset_class = PoolMemberFilter

    @extend_schema(responses={(200, XLSX): bytes, 202: ExportJobSerializer})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The pool roster (人才库名册) as .xlsx, the list's filters applied: the page's download. Above
        EXPORT_INLINE_MAX_ROWS rows: 202 with an export job (/api/v1/exports/<id>/; its download_url once done)."""
        return export_response(request, "talentpool.members", {"via": "api"}, api=True)

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

    def _change(self, service, serializer_class):
        member = service(actor=self.request.user, member=self.get_object(), **_valid(serializer_class, self.request))
        return Response(PoolMemberSerializer(member).data)

    @extend_schema(request=MemberStatusIn, responses=PoolMemberSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """End an active membership early: withdrawn or expired, with the reason."""
        return self._change(services.member_status_change, MemberStatusIn)

    @extend_schema(request=ReviewCompleteIn, responses=PoolMemberSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The periodic review (每三年充实调整): keep for another interval, or let the membership expire."""
        return self._change(services.member_review_complete, ReviewCompleteIn)

    @extend_schema(request=MentorIn, responses=MentoringPairViewSet.serializer_class)
    @action(detail=True, methods=["post"])
    def mentor(self, request, pk=None):
        """Pair this member (the mentee) with a mentor from the staff in the caller's scope."""
        pair = services.mentoring_pair_create(actor=request.user, mentee=self.get_object(), **_valid(MentorIn, request))
        return Response(MentoringPairViewSet.serializer_class(pair).data, status=http_status.HTTP_201_CREATED)


class AttendanceIn(ScopedChoicesMixin, serializers.Serializer):
    scoped_fields = {"member": PoolMember}
    member = serializers.PrimaryKeyRelatedField(queryset=PoolMember.objects.filter(status=PoolMember.Status.ACTIVE))
    attended = serializers.BooleanField(default=True)
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0)


class TrainingBatchViewSet(_writable(_TrainingBatchRead, services.training_batch_save, "batch")):
    @extend_schema(request=AttendanceIn, responses=TrainingAttendanceViewSet.serializer_class)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record (or correct) one pool member's attendance and hours in this batch."""
        row = services.attendance_record(actor=request.user, batch=self.get_object(), **_valid(AttendanceIn, request))
        return Response(TrainingAttendanceViewSet.serializer_class(row).data, status=http_status.HTTP_201_CREATED)


class StudioMemberIn(ScopedChoicesMixin, serializers.Serializer):
    scoped_fields = {"staff": Staff}
    staff = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.filter(status=Staff.Status.ACTIVE))
    joined = serializers.DateField()


class StudioViewSet(_writable(_StudioRead, services.studio_save, "studio")):
    @extend_schema(request=StudioMemberIn, responses=StudioMembershipViewSet.serializer_class)
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Add a staff member (active, in the caller's scope) to this studio."""
        row = services.studio_member_add(actor=request.user, studio=self.get_object(), **_valid(StudioMemberIn, request))
        return Response(StudioMembershipViewSet.serializer_class(row).data, status=http_status.HTTP_201_CREATED)


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

    @extend_schema(responses={(200, XLSX): bytes, 202: ExportJobSerializer})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The appointments as filtered on the list (same parameters) as xlsx. Above EXPORT_INLINE_MAX_ROWS: 202
        with an export job; refused filters: 400 by field."""
        return export_response(request, "talentpool.appointments", {"via": "api"}, api=True)

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
