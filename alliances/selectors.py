"""Scoped reads of alliances shared by pages, the API and exports (each already carrying its joins)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from alliances import rules
from alliances.models import (
    Activity,
    Compliance,
    ComplianceItem,
    CourseNeed,
    CoverageFigure,
    DispatchRequirement,
    Group,
    GroupPost,
    ItinerantSlot,
    Membership,
    active_on_q,
    membership_from_q,
    membership_on_q,
)
from org import scope
from org.models import School, Staff
from rotation import selectors as rotation_selectors
from rotation.models import Assignment


def group_columns(queryset: QuerySet[Group], today: date | None = None) -> QuerySet[Group]:
    """Groups (already scoped) with region, lead school, their current member count (memberships not ended before
    today) and whether they are active today (`active_now`; a dissolution dated ahead keeps them active until then)."""
    today = today or timezone.localdate()
    return (queryset.select_related("region", "lead_school")
            .annotate(school_count=Count("memberships", filter=membership_from_q(today, "memberships__")),
                      active_now=ExpressionWrapper(active_on_q(today), output_field=BooleanField()))
            .order_by("region__code", "name"))


def group_list(*, user) -> QuerySet[Group]:
    """Visible groups with region, lead school and their current member count."""
    return group_columns(scope.visible_to(user, Group))


def group_get(*, user, pk: int) -> Group:
    return scope.get_visible_or_404(user, Group.objects.select_related("region", "lead_school"), pk=pk)


def membership_rows(group: Group) -> QuerySet[Membership]:
    return group.memberships.select_related("school__region").order_by("role", "-left_on", "school__code")


def post_rows(group: Group) -> QuerySet[GroupPost]:
    return group.posts.select_related("school", "staff").order_by("end", "kind", "-start")


def requirement_list(*, user) -> QuerySet[DispatchRequirement]:
    return scope.visible_to(user, DispatchRequirement).select_related("region").order_by("group_type", "kind", "region__code")


def compliance_latest(group: Group, term: rules.Term) -> Compliance | None:
    """The latest stored compliance of a group for a term, with its items and their schools."""
    items = Prefetch("items", queryset=ComplianceItem.objects.select_related("school").order_by("met", "kind", "id"))
    return group.compliance.filter(term=term.code).order_by("-computed_on").prefetch_related(items).first()


def item_assignments(*, user, item: ComplianceItem) -> QuerySet[Assignment]:
    """The roster rows behind a count, as far as the user sees them."""
    return (scope.visible_to(user, Assignment).filter(pk__in=item.assignment_ids)
            .select_related("staff", "from_school", "to_school", "alliance_detail").order_by("start", "id"))


def activity_list(*, user) -> QuerySet[Activity]:
    return activity_columns(scope.visible_to(user, Activity))


def activity_columns(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    return (queryset.select_related("group")
            .annotate(attachment_count=Count("attachments", distinct=True), school_count=Count("schools", distinct=True),
                      participant_count=Count("participants", distinct=True))
            .order_by("-held_on", "id"))


def activity_counts(groups, term: rules.Term) -> dict[int, int]:
    """Activities per group within a term (one query)."""
    rows = (Activity.objects.filter(group_id__in=[getattr(g, "pk", g) for g in groups], held_on__range=(term.start, term.end))
            .values("group_id").annotate(n=Count("id")).order_by().values_list("group_id", "n"))
    return dict(rows)


# --- 走教 coverage -----------------------------------------------------------------------------


@dataclass
class SchoolCoverage:
    school: School
    needs: list[CourseNeed] = field(default_factory=list)
    slots: list[ItinerantSlot] = field(default_factory=list)

    @property
    def covered(self) -> set[str]:
        return {slot.subject for slot in self.slots}

    @property
    def uncovered(self) -> list[str]:
        return [need.subject for need in self.needs if need.subject not in self.covered]


def itinerant_coverage(group: Group, on: date) -> list[SchoolCoverage]:
    """Per small school: the subjects its timetable needs, the 走教 lessons in force on `on`, what stays uncovered."""
    members = [m.school for m in membership_rows(group).filter(membership_on_q(on), role=Membership.Role.MEMBER)]
    rows = {school.pk: SchoolCoverage(school) for school in members}
    for need in group.course_needs.order_by("subject"):
        if need.school_id in rows:
            rows[need.school_id].needs.append(need)
    slots = (group.itinerant_slots.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
             .select_related("staff__school").order_by("weekday", "starts_at"))
    for slot in slots:
        if slot.school_id in rows:
            rows[slot.school_id].slots.append(slot)
    return list(rows.values())


# --- coverage and gaps over the city --------------------------------------------------------------


@dataclass
class CoverageRow:
    region_id: int
    region: str
    stage: str
    stage_label: str
    schools: int
    in_groups: int
    lead: int
    member: int

    @property
    def percent(self) -> float:
        return round(100 * self.in_groups / self.schools, 2) if self.schools else 0.0


@dataclass
class StoredCoverageRow(CoverageRow):
    as_of: date | None = None
    computed_at: object = None


def coverage_rows(*, user, on: date, by_school: bool = False) -> list[CoverageRow]:
    """Share of visible schools in an active group on `on`, by county and stage (lead and member counted apart);
    with `by_school`, one row per school under its own name (a principal's home page: scope.school_view)."""
    return coverage_of(scope.visible_to(user, School), on=on, by_school=by_school)


def coverage_of(schools: QuerySet[School], *, on: date, by_school: bool = False) -> list[CoverageRow]:
    """`coverage_rows` of any school queryset (the periodic job's: every school, alliances.services.coverage).
    One query: each school's two memberships tested once (grouped by place, stage and the two flags), the few
    flag combinations summed here; filtered counts would test them once per count."""
    place = ("id", "name", "code") if by_school else ("region_id", "region__name", "region__code")
    current = Membership.objects.filter(membership_on_q(on), active_on_q(on, "group__"), school=OuterRef("pk"))
    rows = (schools
            .annotate(led=Exists(current.filter(role=Membership.Role.LEAD)), joined=Exists(current.filter(role=Membership.Role.MEMBER)))
            .values(*place, "stage", "led", "joined").annotate(n=Count("*")).order_by(place[2], "stage"))
    labels, found = dict(School.Stage.choices), {}
    for r in rows:
        key = (r[place[0]], r[place[1]], r["stage"])
        counts = found.setdefault(key, [0, 0, 0, 0])  # schools, in groups, lead, member
        counts[0] += r["n"]
        counts[1] += r["n"] if r["led"] or r["joined"] else 0
        counts[2] += r["n"] if r["led"] else 0
        counts[3] += r["n"] if r["joined"] and not r["led"] else 0
    return [CoverageRow(place_id, name, stage, str(labels.get(stage, stage)), *counts)
            for (place_id, name, stage), counts in found.items()]


def stored_coverage_rows(*, user) -> list[CoverageRow]:
    """`coverage_rows` by county and stage as the periodic job stored them (alliances.models.CoverageFigure), for the
    home page of a user who sees schools by region only (`scope.sees_by_region_only`); one query, a few hundred rows
    at province scale instead of every school."""
    rows = (scope.visible_to(user, CoverageFigure).order_by("region__code", "stage")
            .values("region_id", "region__name", "stage", "schools", "in_groups", "lead", "member", "as_of", "computed_at"))
    labels = dict(School.Stage.choices)
    return [StoredCoverageRow(r["region_id"], r["region__name"], r["stage"], str(labels.get(r["stage"], r["stage"])),
                              r["schools"], r["in_groups"], r["lead"], r["member"], r["as_of"], r["computed_at"])
            for r in rows]


def groups_without_activity(*, user, term: rules.Term, today: date | None = None) -> QuerySet[Group]:
    """Groups active today (`active_on_q`) without a joint activity in the term."""
    held = Activity.objects.filter(group=OuterRef("pk"), held_on__range=(term.start, term.end))
    return group_list(user=user).filter(active_on_q(today or timezone.localdate())).exclude(Exists(held))


def latest_compliance(term: rules.Term) -> QuerySet[Compliance]:
    """Each group's latest compliance row of the term (a subquery: no rows read into Python)."""
    newest = Compliance.objects.filter(group=OuterRef("group"), term=term.code).order_by("-computed_on", "-id").values("id")[:1]
    return Compliance.objects.filter(term=term.code, id=Subquery(newest))


def gap_group_ids(term: rules.Term) -> QuerySet:
    """Ids of the groups whose latest compliance of the term has gaps (unscoped: callers narrow their groups)."""
    return latest_compliance(term).filter(met=False).values("group_id")


def groups_with_gaps(*, user, term: rules.Term, today: date | None = None) -> list[tuple[Group, Compliance]]:
    """Visible groups active today (`active_on_q`) whose latest compliance of the term has gaps."""
    active = scope.visible_to(user, Group).filter(active_on_q(today or timezone.localdate()))
    rows = (latest_compliance(term).filter(met=False, group__in=active)
            .select_related("group__lead_school", "group__region").order_by("-gap_count"))
    return [(row.group, row) for row in rows]


# --- suggestions that close gaps -------------------------------------------------------------------


@dataclass
class GapCandidate:
    staff: Staff
    status: str
    closes: list[str]


_GAP_POSTS = {
    rules.MANAGEMENT_TEAM: (Staff.Post.VICE_PRINCIPAL, Staff.Post.MIDDLE_CADRE, Staff.Post.TEACHER),
    rules.KEY_TEACHERS_JUNIOR: (Staff.Post.TEACHER,),
    rules.KEY_TEACHERS_PRIMARY_BAND: (Staff.Post.TEACHER,),
    rules.SUBJECT_TEACHERS: (Staff.Post.TEACHER,),
    rules.STAFF_PER_TERM: (Staff.Post.VICE_PRINCIPAL, Staff.Post.MIDDLE_CADRE, Staff.Post.TEACHER),
}


def gap_candidates(*, user, group: Group, compliance: Compliance | None, on: date, limit: int = 50) -> list[GapCandidate]:
    """Must-rotate and eligible staff of the lead school (that the user manages) who would close a gap, with which."""
    gaps = [item for item in (compliance.items.all() if compliance else []) if not item.met and item.kind in _GAP_POSTS]
    if not gaps:
        return []
    staff = scope.manageable(user, Staff).filter(school=group.lead_school_id, status=Staff.Status.ACTIVE)
    busy = Assignment.objects.filter(state__in=Assignment.OPEN_STATES, planned_end__gte=on).values("staff_id")
    staff = staff.exclude(pk__in=busy).order_by("-honour_level", "name")
    wanted = {"MUST_ROTATE", "ELIGIBLE"}
    statuses = {row.staff_id: row.decision.status for row in rotation_selectors.evaluate_staff(staff, on)
                if row.decision.status in wanted}
    people = Staff.objects.in_bulk(list(statuses))
    rows = []
    for staff_id, status in statuses.items():
        closes = [item.text for item in gaps if _closes(people[staff_id], item)]
        if closes:
            rows.append(GapCandidate(people[staff_id], status, closes))
    rows.sort(key=lambda row: (row.status != "MUST_ROTATE", -row.staff.honour_level, row.staff.name))
    return rows[:limit]


def _closes(person: Staff, item: ComplianceItem) -> bool:
    if person.post not in _GAP_POSTS[item.kind]:
        return False
    key = person.honour_level >= rules.KEY_HONOUR
    subject = item.params.get("subject")
    if item.kind == rules.MANAGEMENT_TEAM:
        return person.post != Staff.Post.TEACHER or key
    if item.kind in (rules.KEY_TEACHERS_JUNIOR, rules.KEY_TEACHERS_PRIMARY_BAND):
        return key and (not subject or person.subject == subject)
    if item.kind == rules.SUBJECT_TEACHERS:
        return not subject or person.subject == subject
    return True


def partner_pairs(group: Group, compliance: Compliance | None) -> list[tuple[int, int]]:
    """(lead, member) school pairs with a gap: what rotation's suggestions receive as `partners=`."""
    if compliance is None:
        return []
    members = {item.school_id for item in compliance.items.all() if not item.met and item.school_id}
    if any(not item.met and item.school_id is None for item in compliance.items.all()):
        members |= set(group.memberships.filter(membership_from_q(timezone.localdate()), role=Membership.Role.MEMBER)
                       .values_list("school_id", flat=True))
    return [(group.lead_school_id, member) for member in sorted(members)]


def term_compliance_rows(*, user, term: rules.Term) -> list[tuple[Group, ComplianceItem]]:
    """For the compliance workbook: every gap of the latest compliance of each visible group, one row each."""
    ids = [compliance.pk for _group, compliance in groups_with_gaps(user=user, term=term)]
    items = (ComplianceItem.objects.filter(compliance_id__in=ids, met=False)
             .select_related("school", "compliance__group__lead_school").order_by("compliance__group__name", "id"))
    return [(item.compliance.group, item) for item in items]
