"""Admin views of the evaluation tables, read-only: every change goes through the services (schemes
freeze when used, submitted scores lock, ratings keep their history), which the pages and API call."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import (
    AssessmentRun,
    AssessmentSchedule,
    Assignment,
    BoundPolicy,
    Cycle,
    FundAllocation,
    RatingChange,
    Scheme,
    SchoolQuality,
    Subject,
)
from org.admin_bases import ReadOnlyAdmin, SuperuserOnlyMixin


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "person_kind", "category", "total", "region", "frozen_at"]
    list_filter = ["person_kind", "category"]


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ["name", "year", "kind", "scheme", "status", "as_of"]
    list_filter = ["status", "kind", "year"]
    list_select_related = ["scheme"]


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "cycle", "school", "total", "original_rating", "final_rating"]
    list_select_related = ["cycle", "school", "staff"]
    list_filter = ["final_rating"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["subject", "rater", "group", "section", "submitted_at"]
    list_select_related = ["subject__school", "subject__staff", "rater", "group", "section"]


@admin.register(RatingChange)
class RatingChangeAdmin(ReadOnlyAdmin):
    list_display = ["subject", "kind", "from_rating", "to_rating", "meeting", "actor", "at"]
    list_select_related = ["subject__school", "subject__staff", "actor"]


@admin.register(SchoolQuality)
class SchoolQualityAdmin(ReadOnlyAdmin):
    list_display = ["school", "year", "quality_score", "student_increase", "staff_exchanged"]
    list_select_related = ["school"]


@admin.register(BoundPolicy)
class BoundPolicyAdmin(SuperuserOnlyMixin, SimpleHistoryAdmin):
    """The bound-rule policy rows (issue 13): the bureau staff edit their region's row on the evaluation policies
    page (evaluation:bound-policy-edit); here super-users keep the default row. A region's row (or the default
    row) changes every region below it that has none of its own."""

    list_display = ["__str__", "improvement_threshold", "weight_own", "weight_quality", "weight_students",
                    "weight_exchange", "deputies"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and obj is not None and obj.region_id is not None  # never the default row


@admin.register(AssessmentRun)
class AssessmentRunAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "cycle", "status", "stage", "done", "total", "started_by", "started_at", "finished_at"]
    list_select_related = ["cycle", "started_by"]
    list_filter = ["status"]


@admin.register(AssessmentSchedule)
class AssessmentScheduleAdmin(SuperuserOnlyMixin, SimpleHistoryAdmin):
    """The regions' yearly assessment dates (evaluation.services_job.assessment_runs_due), super-users here;
    the bureau staff who run a region edit it on /evaluation/policies/<region>/schedule/ (and PATCH
    /api/v1/evaluation/policies/<region>/schedule/), through services_incentives.region_policy_save."""

    list_display = ["__str__", "month", "day", "previous_year", "enabled"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(FundAllocation)
class FundAllocationAdmin(ReadOnlyAdmin):
    """Award fund allocations, read-only: they are computed by services_incentives.fund_allocate."""

    list_display = ["region", "year", "fund_fen", "unallocated_fen", "computed_at"]
    list_select_related = ["region"]
