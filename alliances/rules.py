"""Pure decisions of alliances (集团化办学): per-type group constraints, terms, dispatch compliance.

No database here: plain dataclasses in, decisions with reason codes and their numbers out, so
every threshold can be tested on both sides. Sources: seed 003 (Nanyang Wolong, 2023, the five
alliance types, dispatch quantities and durations), seed 000 (Xianning's cross-county 1+1
教联体) and DESIGN.md, "Alliances".
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# --- vocabulary -------------------------------------------------------------------------------

TIGHT = "tight"  # 紧密型教育集团
HAND_IN_HAND = "hand_in_hand"  # 城乡手拉手帮扶联盟
TOWNSHIP = "township"  # 乡镇中心小学一体化联盟
SENIOR_PAIR = "senior_pair"  # 普通高中1+1结对
PRESCHOOL = "preschool"  # 学前教育领航共建
CROSS_COUNTY = "cross_county"  # 跨县域教联体
GROUP_TYPES = (TIGHT, HAND_IN_HAND, TOWNSHIP, SENIOR_PAIR, PRESCHOOL, CROSS_COUNTY)

PROVINCIAL_MODEL = "provincial_model"  # 省级示范园
CITY_MODEL = "city_model"  # 市级示范园

# Stages as org.School.Stage stores them (rules take plain strings).
KINDERGARTEN, PRIMARY, JUNIOR, SENIOR, NINE_YEAR, COMPLETE = "kindergarten", "primary", "junior", "senior", "nine_year", "complete"
URBAN, TOWN, RURAL = "urban", "town", "rural"
SENIOR_STAGES = (SENIOR, COMPLETE)
JUNIOR_STAGES = (JUNIOR, NINE_YEAR, COMPLETE)
PRIMARY_STAGES = (PRIMARY, NINE_YEAR)

# Posts as org.Staff.Post stores them.
PRINCIPAL, VICE_PRINCIPAL, MIDDLE_CADRE, TEACHER = "principal", "vice_principal", "middle_cadre", "teacher"
LEADER_POSTS = (PRINCIPAL, VICE_PRINCIPAL, MIDDLE_CADRE)  # leaders and cadres: the 3-year minimum

LOWER, MIDDLE, UPPER = "lower", "middle", "upper"  # 低段 1-2, 中段 3-4, 高段 5-6
BANDS = (LOWER, MIDDLE, UPPER)
BAND_LABELS = {LOWER: _("lower grades"), MIDDLE: _("middle grades"), UPPER: _("upper grades")}
POST_LABELS = {
    PRINCIPAL: _("principal"), VICE_PRINCIPAL: _("vice principal"), MIDDLE_CADRE: _("middle cadre"), TEACHER: _("teacher"),
}

# A 乡村小规模学校 has fewer than this many pupils: the national definition (国办发〔2018〕27号), the same in every
# region, so a constant and not a policy row. Seed 003 (乡镇中心小学一体化教育联盟) has the central school's teachers
# 走教 to these small schools; DESIGN.md, alliances: a township alliance's members are rural small primary schools.
SMALL_SCHOOL_PUPILS = 100


# --- per-type group constraints -----------------------------------------------------------------


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    name: str
    county_id: int
    stage: str
    location: str = URBAN
    is_weak: bool = False
    enrolment: int = 0
    preschool_level: str = ""  # PROVINCIAL_MODEL, CITY_MODEL or "" (kindergartens only)


@dataclass(frozen=True)
class GroupShape:
    """A group as it would stand: type, tier (preschool only), lead and current members (lead excluded).

    `tight_elsewhere` maps a school id to the name of another tight group it is in over the
    same dates (the caller reads it); empty for other types.
    """

    type: str
    lead: SchoolInfo
    members: tuple[SchoolInfo, ...]
    tier: int | None = None
    tight_elsewhere: dict = field(default_factory=dict)
    active: bool = True


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


MSG_TIGHT_TWICE = _("%(school)s is already in the tight group %(other)s: a school is in at most one tight group at a time.")
MSG_ONE_COUNTY = _("%(school)s is in another county than the lead school %(lead)s: only a cross-county group spans counties.")
MSG_CROSS_SAME_COUNTY = _("%(school)s is in the same county as the lead school %(lead)s: a cross-county group pairs schools of different counties.")
MSG_TOO_FEW = _("A group has at least two schools while it is active; %(count)s school(s) would remain.")
MSG_SENIOR_PARTNERS = _("A senior-high 1+1 helper %(lead)s has one or two partners, not %(count)s.")
MSG_SENIOR_STAGE = _("%(school)s is not a senior high school: a senior-high 1+1 pairs senior high schools only.")
MSG_PRESCHOOL_COUNT = _("A preschool lead %(lead)s helps 3 to 5 kindergartens, not %(count)s.")
MSG_PRESCHOOL_STAGE = _("%(school)s is not a kindergarten: preschool lead-building is between kindergartens.")
MSG_PRESCHOOL_TIER = _("A preschool lead-building group is tier 1 or tier 2.")
MSG_TIER1_LEAD = _("%(school)s is not a provincial model kindergarten: a tier 1 lead must be one.")
MSG_TIER1_MEMBER = _("%(school)s is not a city-level model kindergarten: tier 1 helps city-level models.")
MSG_TIER2_LEAD = _("%(school)s is not a city-level model kindergarten: a tier 2 lead must be one.")
MSG_TIER2_MEMBER = _("%(school)s is not a weak kindergarten: tier 2 helps weak kindergartens.")
MSG_TOWNSHIP_LEAD = _("%(school)s is not a township central primary school (a primary school in a town or village): a township alliance is led by one.")
MSG_TOWNSHIP_MEMBER = _("%(school)s is not a small rural primary school (fewer than %(pupils)s pupils): a township alliance joins the small schools of its township.")
MSG_LEAD_IS_MEMBER = _("%(school)s is the lead school; it cannot also be a member.")
MSG_TIER_ONLY_PRESCHOOL = _("Only a preschool lead-building group has a tier.")


def _refuse(code, message, **params) -> Refusal:
    return Refusal(code, str(message) % params if params else str(message))


def check_group(shape: GroupShape) -> list[Refusal]:
    """Every per-type constraint the group breaks, each naming the school and the rule (empty: allowed)."""
    refusals = _common(shape)
    checker = {TIGHT: _tight, SENIOR_PAIR: _senior, PRESCHOOL: _preschool, TOWNSHIP: _township}.get(shape.type)
    if checker is not None:
        refusals += checker(shape)
    elif shape.tier is not None:
        refusals.append(_refuse("TIER_ONLY_PRESCHOOL", MSG_TIER_ONLY_PRESCHOOL))
    return refusals


def _common(shape: GroupShape) -> list[Refusal]:
    refusals = []
    lead = shape.lead
    if any(member.id == lead.id for member in shape.members):
        refusals.append(_refuse("LEAD_IS_MEMBER", MSG_LEAD_IS_MEMBER, school=lead.name))
    if shape.active and 1 + len({m.id for m in shape.members if m.id != lead.id}) < 2:
        refusals.append(_refuse("TOO_FEW", MSG_TOO_FEW, count=1 + len(shape.members)))
    for member in shape.members:
        if shape.type == CROSS_COUNTY and member.county_id == lead.county_id:
            refusals.append(_refuse("CROSS_SAME_COUNTY", MSG_CROSS_SAME_COUNTY, school=member.name, lead=lead.name))
        elif shape.type != CROSS_COUNTY and member.county_id != lead.county_id:
            refusals.append(_refuse("ONE_COUNTY", MSG_ONE_COUNTY, school=member.name, lead=lead.name))
    return refusals


def _tight(shape: GroupShape) -> list[Refusal]:
    return [
        _refuse("TIGHT_TWICE", MSG_TIGHT_TWICE, school=school.name, other=shape.tight_elsewhere[school.id])
        for school in (shape.lead, *shape.members) if school.id in shape.tight_elsewhere
    ]


def _senior(shape: GroupShape) -> list[Refusal]:
    refusals = []
    if shape.active and not 1 <= len(shape.members) <= 2:
        refusals.append(_refuse("SENIOR_PARTNERS", MSG_SENIOR_PARTNERS, lead=shape.lead.name, count=len(shape.members)))
    refusals += [
        _refuse("SENIOR_STAGE", MSG_SENIOR_STAGE, school=school.name)
        for school in (shape.lead, *shape.members) if school.stage not in SENIOR_STAGES
    ]
    return refusals


def _preschool(shape: GroupShape) -> list[Refusal]:
    refusals = []
    if shape.active and not 3 <= len(shape.members) <= 5:
        refusals.append(_refuse("PRESCHOOL_COUNT", MSG_PRESCHOOL_COUNT, lead=shape.lead.name, count=len(shape.members)))
    refusals += [
        _refuse("PRESCHOOL_STAGE", MSG_PRESCHOOL_STAGE, school=school.name)
        for school in (shape.lead, *shape.members) if school.stage != KINDERGARTEN
    ]
    if shape.tier == 1:
        if shape.lead.preschool_level != PROVINCIAL_MODEL:
            refusals.append(_refuse("TIER1_LEAD", MSG_TIER1_LEAD, school=shape.lead.name))
        refusals += [_refuse("TIER1_MEMBER", MSG_TIER1_MEMBER, school=m.name) for m in shape.members if m.preschool_level != CITY_MODEL]
    elif shape.tier == 2:
        if shape.lead.preschool_level != CITY_MODEL:
            refusals.append(_refuse("TIER2_LEAD", MSG_TIER2_LEAD, school=shape.lead.name))
        refusals += [_refuse("TIER2_MEMBER", MSG_TIER2_MEMBER, school=m.name) for m in shape.members if not m.is_weak]
    else:
        refusals.append(_refuse("PRESCHOOL_TIER", MSG_PRESCHOOL_TIER))
    return refusals


def _township(shape: GroupShape) -> list[Refusal]:
    lead = shape.lead
    refusals = []
    if lead.stage not in PRIMARY_STAGES or lead.location == URBAN:
        refusals.append(_refuse("TOWNSHIP_LEAD", MSG_TOWNSHIP_LEAD, school=lead.name))
    refusals += [
        _refuse("TOWNSHIP_MEMBER", MSG_TOWNSHIP_MEMBER, school=m.name, pupils=SMALL_SCHOOL_PUPILS)
        for m in shape.members
        if m.stage not in PRIMARY_STAGES or m.location != RURAL or m.enrolment >= SMALL_SCHOOL_PUPILS
    ]
    return refusals


# --- terms (学期) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A semester: autumn runs 1 September to the last day of January, spring 1 February to 31 August."""

    year: int
    season: str  # "autumn" or "spring"

    @property
    def code(self) -> str:
        return f"{self.year}-{self.season}"

    @property
    def start(self) -> date:
        return date(self.year, 9, 1) if self.season == "autumn" else date(self.year, 2, 1)

    @property
    def end(self) -> date:
        return date(self.year + 1, 2, 1) - timedelta(days=1) if self.season == "autumn" else date(self.year, 8, 31)

    @property
    def label(self) -> str:
        season = gettext("autumn") if self.season == "autumn" else gettext("spring")
        return f"{self.year} {season}"

    @property
    def name(self) -> str:
        """The term as schools name it: 2026—2027学年第一学期 (autumn 2026), 2026—2027学年第二学期 (spring 2027)."""
        first = self.year if self.season == "autumn" else self.year - 1
        template = MSG_TERM_FIRST if self.season == "autumn" else MSG_TERM_SECOND
        return str(template % {"first": first, "second": first + 1})

    def __str__(self):
        return self.code


MSG_TERM_FIRST = _("%(first)s–%(second)s school year, first term")
MSG_TERM_SECOND = _("%(first)s–%(second)s school year, second term")
TERM_CHOICES_YEARS = 6  # named terms offered by the filters: this many school years back, and the next term


def next_term(term: Term) -> Term:
    return Term(term.year + 1, "spring") if term.season == "autumn" else Term(term.year, "autumn")


def term_choices(today: date) -> list[tuple[str, str]]:
    """(code, name) of the terms a filter offers, newest first: the next term, the current one and those of the
    last TERM_CHOICES_YEARS school years."""
    term, terms = next_term(term_of(today)), []
    for _index in range(2 * TERM_CHOICES_YEARS + 2):
        terms.append((term.code, term.name))
        term = previous_term(term)
    return terms


def term_of(day: date) -> Term:
    """The semester a day falls in (1 September starts the autumn term, 1 February the spring term)."""
    if day.month >= 9:
        return Term(day.year, "autumn")
    if day.month == 1:
        return Term(day.year - 1, "autumn")
    return Term(day.year, "spring")


def parse_term(code: str) -> Term:
    """'2026-autumn' or '2027-spring' to a Term; ValueError otherwise."""
    year, _sep, season = (code or "").partition("-")
    if not year.isdigit() or season not in ("autumn", "spring"):
        raise ValueError(code)
    return Term(int(year), season)


def previous_term(term: Term) -> Term:
    return Term(term.year - 1, "autumn") if term.season == "spring" else Term(term.year, "spring")


# --- dispatch requirements and compliance ---------------------------------------------------------

# Requirement kinds (one editable row each per group type and region; defaults from seed 003).
MANAGEMENT_TEAM = "management_team"  # tight: lead sends ≥3 vice principal / cadres / key teachers to each member
KEY_TEACHERS_JUNIOR = "key_teachers_junior"  # tight: ≥6 key subject teachers to a junior-high member
KEY_TEACHERS_PRIMARY_BAND = "key_teachers_primary_band"  # tight: ≥2 per band, subjects all covered, to a primary member
PEER_RETURN = "peer_return"  # tight: members send back peers of matching post, band and subject
STAFF_PER_TERM = "staff_per_term"  # hand in hand: 3-5 urban staff a semester
SUBJECT_TEACHERS = "subject_teachers"  # senior 1+1: ≥1 teacher per academic subject, senior-three experience
MIN_YEARS_LEADERS = "min_years_leaders"  # leaders and cadres stay at least 3 years
MIN_YEARS_TEACHERS = "min_years_teachers"  # teachers at least 1 year
REQUIREMENT_KINDS = (
    MANAGEMENT_TEAM, KEY_TEACHERS_JUNIOR, KEY_TEACHERS_PRIMARY_BAND, PEER_RETURN, STAFF_PER_TERM, SUBJECT_TEACHERS,
    MIN_YEARS_LEADERS, MIN_YEARS_TEACHERS,
)

KEY_HONOUR = 2  # org.Staff.Honour.COUNTY: a district/county-level honour or above makes a key teacher
ACADEMIC_SUBJECTS = "语文,数学,英语,物理,化学,生物,思想政治,历史,地理"

# (group type, kind, minimum, maximum, subjects): the defaults of seed 003, section 三(一)2 and 二(二)1.
DEFAULT_REQUIREMENTS = (
    (TIGHT, MANAGEMENT_TEAM, 3, None, ""),
    (TIGHT, KEY_TEACHERS_JUNIOR, 6, None, ""),
    (TIGHT, KEY_TEACHERS_PRIMARY_BAND, 2, None, "语文,数学,英语"),
    (TIGHT, PEER_RETURN, 1, None, ""),
    (TIGHT, MIN_YEARS_LEADERS, 3, None, ""),
    (TIGHT, MIN_YEARS_TEACHERS, 1, None, ""),
    (HAND_IN_HAND, STAFF_PER_TERM, 3, 5, ""),
    (HAND_IN_HAND, MIN_YEARS_LEADERS, 3, None, ""),
    (HAND_IN_HAND, MIN_YEARS_TEACHERS, 1, None, ""),
    (SENIOR_PAIR, SUBJECT_TEACHERS, 1, None, ACADEMIC_SUBJECTS),
    (SENIOR_PAIR, MIN_YEARS_TEACHERS, 1, None, ""),
    (CROSS_COUNTY, MIN_YEARS_LEADERS, 3, None, ""),
    (CROSS_COUNTY, MIN_YEARS_TEACHERS, 1, None, ""),
)


@dataclass(frozen=True)
class Requirement:
    kind: str
    minimum: int
    maximum: int | None = None
    subjects: tuple[str, ...] = ()
    key_honour: int = KEY_HONOUR


@dataclass(frozen=True)
class Dispatch:
    """One counted roster row (approved or in place) between two schools of the group, within the term."""

    assignment_id: int
    staff_name: str
    post: str
    subject: str
    honour: int
    from_school: int
    to_school: int
    start: date
    planned_end: date
    band: str = ""  # primary grade band taught at the destination, when recorded
    senior_three: bool = False  # has taught senior three (高三)


@dataclass(frozen=True)
class Finding:
    """One requirement at one school: met or not, the count against the number, the gap in words."""

    kind: str
    school_id: int | None
    met: bool
    count: int
    needed: int
    code: str = ""  # the gap's message code (GAP_MESSAGES), "" when met
    params: dict = field(default_factory=dict)
    assignment_ids: tuple[int, ...] = ()


GAP_MESSAGES = {
    "management_short": _("%(school)s: management team dispatched %(count)s, fewer than %(needed)s"),
    "junior_short": _("%(school)s: junior-high key teachers dispatched %(count)s, fewer than %(needed)s"),
    "band_short": _("%(school)s: primary %(band)s key teachers %(count)s, fewer than %(needed)s"),
    "band_subject": _("%(school)s: primary %(band)s lacks %(subject)s"),
    "peer_missing": _("%(school)s: member school has not sent back matching %(post)s %(count)s"),
    "term_short": _("urban staff dispatched this term %(count)s, fewer than %(needed)s"),
    "term_over": _("urban staff dispatched this term %(count)s, more than %(needed)s"),
    "subject_missing": _("%(school)s: no %(subject)s teacher dispatched"),
    "subject_no_senior_three": _("%(school)s: %(subject)s teacher %(staff)s has no senior-three experience"),
    "duration_short": _("%(staff)s dispatched for less than %(needed)s year(s)"),
}


def gap_text(code: str, params: dict) -> str:
    """The gap in a bureau's words, in the active language ("初中骨干教师派出 4 人，少于 6 人")."""
    values = dict(params)
    if "band" in values:
        values["band"] = gettext(str(BAND_LABELS.get(values["band"], values["band"])))
    if "post" in values:
        values["post"] = gettext(str(POST_LABELS.get(values["post"], values["post"])))
    return gettext(str(GAP_MESSAGES[code])) % values


def full_years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def lasts(dispatch: Dispatch, years: int) -> bool:
    """The planned stint covers `years` full years (planned_end is the last day, counted inclusive)."""
    return full_years(dispatch.start, dispatch.planned_end + timedelta(days=1)) >= years


def is_key(dispatch: Dispatch, requirement: Requirement) -> bool:
    return dispatch.post == TEACHER and dispatch.honour >= requirement.key_honour


@dataclass(frozen=True)
class GroupFacts:
    """What compliance needs of a group for one term: type, lead and members (school infos)."""

    type: str
    lead: SchoolInfo
    members: tuple[SchoolInfo, ...]


def evaluate(facts: GroupFacts, requirements: dict[str, Requirement], dispatches: list[Dispatch]) -> list[Finding]:
    """Every requirement of the group's type, per member school where it applies, met or with its gap.

    `dispatches` are the group's counted roster rows for the term (both directions). Stints shorter
    than the minimum duration do not count towards numbers and are reported themselves.
    """
    findings: list[Finding] = []
    counted = []
    for dispatch in dispatches:
        kind = MIN_YEARS_LEADERS if dispatch.post in LEADER_POSTS else MIN_YEARS_TEACHERS
        rule = requirements.get(kind)
        if rule is not None and not lasts(dispatch, rule.minimum):
            findings.append(Finding(kind, dispatch.to_school, False, 0, rule.minimum, "duration_short",
                                    {"staff": dispatch.staff_name, "needed": rule.minimum}, (dispatch.assignment_id,)))
        else:
            counted.append(dispatch)
    for kind in (MIN_YEARS_LEADERS, MIN_YEARS_TEACHERS):
        if kind in requirements and not any(f.kind == kind for f in findings):
            findings.append(Finding(kind, None, True, len(counted), requirements[kind].minimum))
    outgoing = defaultdict(list)
    incoming = defaultdict(list)
    for dispatch in counted:
        if dispatch.from_school == facts.lead.id:
            outgoing[dispatch.to_school].append(dispatch)
        elif dispatch.to_school == facts.lead.id:
            incoming[dispatch.from_school].append(dispatch)
    for member in facts.members:
        sent, back = outgoing.get(member.id, []), incoming.get(member.id, [])
        for kind, rule in requirements.items():
            checker = _MEMBER_CHECKS.get(kind)
            if checker is not None:
                findings += checker(facts, member, rule, sent, back)
    if STAFF_PER_TERM in requirements:
        findings += _staff_per_term(facts, requirements[STAFF_PER_TERM], counted)
    return findings


def _ids(dispatches) -> tuple[int, ...]:
    return tuple(d.assignment_id for d in dispatches)


def _count_finding(kind, member, rows, needed, code) -> Finding:
    met = len(rows) >= needed
    params = {} if met else {"school": member.name, "count": len(rows), "needed": needed}
    return Finding(kind, member.id, met, len(rows), needed, "" if met else code, params, _ids(rows))


def _management(facts, member, rule, sent, back) -> list[Finding]:
    team = [d for d in sent if d.post in (VICE_PRINCIPAL, MIDDLE_CADRE) or is_key(d, rule)]
    return [_count_finding(MANAGEMENT_TEAM, member, team, rule.minimum, "management_short")]


def _junior(facts, member, rule, sent, back) -> list[Finding]:
    if member.stage not in JUNIOR_STAGES:
        return []
    key = [d for d in sent if is_key(d, rule)]
    return [_count_finding(KEY_TEACHERS_JUNIOR, member, key, rule.minimum, "junior_short")]


def _primary_bands(facts, member, rule, sent, back) -> list[Finding]:
    if member.stage not in PRIMARY_STAGES:
        return []
    findings = []
    for band in BANDS:
        key = [d for d in sent if is_key(d, rule) and d.band == band]
        finding = _count_finding(KEY_TEACHERS_PRIMARY_BAND, member, key, rule.minimum, "band_short")
        if not finding.met:
            finding.params["band"] = band
        findings.append(finding)
        taught = {d.subject for d in key}
        for subject in rule.subjects:
            if subject not in taught:
                findings.append(Finding(KEY_TEACHERS_PRIMARY_BAND, member.id, False, 0, 1, "band_subject",
                                        {"school": member.name, "band": band, "subject": subject}))
    return findings


def _peer_key(dispatch: Dispatch) -> tuple:
    return (dispatch.post, dispatch.band, dispatch.subject) if dispatch.post == TEACHER else (dispatch.post, "", "")


def _peers(facts, member, rule, sent, back) -> list[Finding]:
    missing = Counter(_peer_key(d) for d in sent) - Counter(_peer_key(d) for d in back)
    if not missing:
        return [Finding(PEER_RETURN, member.id, True, len(back), len(sent), "", {}, _ids(back))]
    by_post = Counter()
    for (post, _band, _subject), count in missing.items():
        by_post[post] += count
    return [
        Finding(PEER_RETURN, member.id, False, len(back), len(sent), "peer_missing",
                {"school": member.name, "post": post, "count": count}, _ids(back))
        for post, count in sorted(by_post.items())
    ]


def _subjects(facts, member, rule, sent, back) -> list[Finding]:
    findings = []
    teachers = [d for d in sent if d.post == TEACHER]
    for subject in rule.subjects:
        rows = [d for d in teachers if d.subject == subject]
        ready = [d for d in rows if d.senior_three]
        if len(ready) >= rule.minimum:
            findings.append(Finding(SUBJECT_TEACHERS, member.id, True, len(ready), rule.minimum, "", {}, _ids(ready)))
        elif rows:
            findings += [Finding(SUBJECT_TEACHERS, member.id, False, len(ready), rule.minimum, "subject_no_senior_three",
                                 {"school": member.name, "subject": subject, "staff": d.staff_name}, (d.assignment_id,))
                         for d in rows if not d.senior_three]
        else:
            findings.append(Finding(SUBJECT_TEACHERS, member.id, False, 0, rule.minimum, "subject_missing",
                                    {"school": member.name, "subject": subject}))
    return findings


def _staff_per_term(facts, rule, counted) -> list[Finding]:
    urban = {facts.lead.id} if facts.lead.location == URBAN else set()
    urban |= {m.id for m in facts.members if m.location == URBAN}
    rows = [d for d in counted if d.from_school in urban and d.to_school not in urban]
    count = len(rows)
    if count < rule.minimum:
        return [Finding(STAFF_PER_TERM, None, False, count, rule.minimum, "term_short",
                        {"count": count, "needed": rule.minimum}, _ids(rows))]
    if rule.maximum is not None and count > rule.maximum:
        return [Finding(STAFF_PER_TERM, None, False, count, rule.maximum, "term_over",
                        {"count": count, "needed": rule.maximum}, _ids(rows))]
    return [Finding(STAFF_PER_TERM, None, True, count, rule.minimum, "", {}, _ids(rows))]


_MEMBER_CHECKS = {
    MANAGEMENT_TEAM: _management,
    KEY_TEACHERS_JUNIOR: _junior,
    KEY_TEACHERS_PRIMARY_BAND: _primary_bands,
    PEER_RETURN: _peers,
    SUBJECT_TEACHERS: _subjects,
}


# --- 走教 schedules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A weekly 走教 lesson: who, where, which weekday (1 = Monday), from when to when, over which dates."""

    staff_id: int
    school_id: int
    weekday: int
    starts: object  # datetime.time
    ends: object
    valid_from: date
    valid_to: date | None = None


def clashes(new: Slot, existing: list[Slot]) -> list[Slot]:
    """The slots of the same teacher that overlap the new one on the same weekday and dates."""
    far = date.max
    return [
        slot for slot in existing
        if slot.staff_id == new.staff_id and slot.weekday == new.weekday
        and slot.starts < new.ends and new.starts < slot.ends
        and slot.valid_from <= (new.valid_to or far) and new.valid_from <= (slot.valid_to or far)
    ]


# --- dates a clerk types ------------------------------------------------------------------------
# The window a typed date must fall in. Not policy (no seed or DESIGN number, the same everywhere): a plausibility
# bound against typos (0001-01-01, 2206 for 2026), so module constants. No group, membership, post or activity
# predates the People's Republic (1949-10-01); a founding, a post or an activity may be planned up to a year
# (366 days, a leap year included) ahead, not decades.
EARLIEST_DATE = date(1949, 10, 1)
LATEST_AHEAD_DAYS = 366
MSG_DATE_TOO_EARLY = _("%(date)s is before %(earliest)s: check the year.")
MSG_DATE_TOO_LATE = _("%(date)s is more than a year after today (%(today)s): check the year.")


def date_refusals(**dates) -> dict[str, str]:
    """Refuse implausible typed dates: {field: message} for each date before EARLIEST_DATE (1949-10-01) or
    more than LATEST_AHEAD_DAYS (366) days after today, both bounds allowed. Keyword `today` (a date) is required; None dates are skipped.

    A clerk's typo (0001-01-01, 2206 for 2026) must not become a group's founding or a member's leave.
    """
    today = dates.pop("today")
    refusals = {}
    for name, value in dates.items():
        if value is None:
            continue
        if value < EARLIEST_DATE:
            refusals[name] = gettext(MSG_DATE_TOO_EARLY) % {"date": value.isoformat(), "earliest": EARLIEST_DATE.isoformat()}
        elif value > today + timedelta(days=LATEST_AHEAD_DAYS):
            refusals[name] = gettext(MSG_DATE_TOO_LATE) % {"date": value.isoformat(), "today": today.isoformat()}
    return refusals
