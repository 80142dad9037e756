"""The 用户 workbook: a bureau creates accounts in one import, with roles and scope codes (issue 10, point 10).

Columns: 用户名*, 姓名*, 角色* (市局, 县局, 校长, 督导, 评审专家), 区县代码 (县局, 督导), 学校代码 (校长).
Through the shared engine (org.excel; uploads, preview, commit and error workbooks as for every kind).
Each row is checked like the account page (org.accounts): a role the user may not grant, or a
region or school code outside the user's region, is refused with the same message as an unknown
code. Accounts are created without a usable password; the bureau then issues the initial passwords
once on its 账号管理 page, so no password is ever stored in an import's result.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from org import accounts
from org.excel import (
    Column,
    ExcelFileError,
    ImportResult,
    ParsedRow,
    SheetData,
    SheetResult,
    SheetSpec,
    WorkbookSpec,
    cells,
    match_sheet_name,
    open_workbook,
    parse_sheet,
    paused_gc,
    register_importer,
    write_workbook,
)
from org.models import UserRole

SHEET = "用户"
USERNAME_VALIDATOR = UnicodeUsernameValidator()
R = UserRole.Role
ROLES = {"市局": R.CITY_STAFF, "县局": R.COUNTY_STAFF, "校长": R.PRINCIPAL, "督导": R.SUPERVISOR, "评审专家": R.REVIEWER}
ROLE_LABELS = {value: label for label, value in ROLES.items()}

MSG_FILE = _("File")
MSG_NOT_GRANTABLE = _("You may not create accounts with the role %(role)s.")
MSG_UNKNOWN_REGION = _("Region code %(code)s does not exist or is outside your scope.")
MSG_UNKNOWN_SCHOOL = _("School code %(code)s does not exist or is outside your scope.")
MSG_NEEDS_REGION = _("The role %(role)s needs 区县代码.")
MSG_NEEDS_SCHOOL = _("The role %(role)s needs 学校代码.")
MSG_TAKEN = _("The user name %(username)s is already taken.")
MSG_DUPLICATE = _("Duplicate of row %(row)s in this sheet.")

USER_SPEC = SheetSpec(SHEET, (
    Column("用户名", "username", cells.text(150), required=True, text_format=True, example="xz999901001",
           help=_("Letters, digits and - _ . @ +; unique in the platform.")),
    Column("姓名", "full_name", cells.text(150), required=True, example="张三"),
    Column("角色", "role", cells.choice(ROLES), required=True, example="校长"),
    Column("区县代码", "region", cells.code(digits=6), text_format=True, example="",
           help=_("For 县局 and 督导: the county (or, for 督导, the city).")),
    Column("学校代码", "school", cells.code(max_length=32), text_format=True, example="999901001",
           help=_("For 校长: the school.")),
), help=_("One row per account. Initial passwords are issued afterwards on the 账号管理 page."), aliases=("账号",))
WORKBOOK_SPEC = WorkbookSpec("用户账号", (USER_SPEC,))


@dataclass
class Plan:
    rows: list[dict] = field(default_factory=list)


class AccountImporter:
    kind = "accounts"
    label = _("User accounts")
    spec = WORKBOOK_SPEC

    def run(self, path, *, user, commit: bool, progress=None, reason: str = "") -> ImportResult:
        """Parse and check every row; when `commit` and nothing is wrong, create every account (all or nothing)."""
        result = ImportResult()
        try:
            with paused_gc():
                rows = self.parse(path, result)
        except ExcelFileError as error:
            result.problems.add("", None, str(MSG_FILE), error.message)
            return result
        plan = self.plan(rows, user=user, result=result)
        if commit and result.ok:
            _apply(plan, user=user)
            result.committed = True
        return result

    def parse(self, path, result: ImportResult) -> list[ParsedRow]:
        with open_workbook(path) as book:
            name = match_sheet_name(USER_SPEC, book.sheet_names)
            if name is None:
                return []
            rows = list(parse_sheet(USER_SPEC, book.rows(name), result.problems, sheet_name=SHEET))
        result.rows = len(rows)
        return rows

    def plan(self, rows: list[ParsedRow], *, user, result: ImportResult) -> Plan:
        """Resolve codes with one query per table, within what the user may grant; nothing is written."""
        sheet, plan, problems = SheetResult(SHEET), Plan(), result.problems
        result.sheets.append(sheet)
        grantable = set(accounts.grantable_roles(user))
        regions = {role: {r.code: r for r in accounts.region_targets(user, role)} for role in (R.CITY_STAFF, R.COUNTY_STAFF,
                                                                                               R.SUPERVISOR)}
        schools = {s.code: s for s in accounts.school_targets(user)}
        names = {row.values["username"].lower() for row in rows}
        taken = {name.lower() for name in get_user_model().objects.filter(username__in=names).values_list("username",
                                                                                                           flat=True)}
        seen: dict[str, int] = {}
        for row in rows:
            planned = _check(row, grantable, regions, schools, taken, seen, problems)
            if planned is not None:
                sheet.record("created", {"用户名": planned["username"], "姓名": planned["full_name"],
                                         "角色": ROLE_LABELS[planned["role"]]})
                plan.rows.append(planned)
        return plan

    def export(self, target, *, user) -> None:
        """The accounts the user manages, in the same layout (without passwords)."""
        write_workbook(target, [SheetData(SHEET, USER_SPEC.headers, _export_rows(user))])


def _check(row, grantable, regions, schools, taken, seen, problems) -> dict | None:
    values = row.values
    username, role = values["username"], values["role"]
    label = ROLE_LABELS.get(role, role)
    if username.lower() in seen:
        problems.add(SHEET, row.row, "用户名", str(MSG_DUPLICATE) % {"row": seen[username.lower()]})
        return None
    seen[username.lower()] = row.row
    try:
        USERNAME_VALIDATOR(username)
    except ValidationError as error:
        problems.add(SHEET, row.row, "用户名", "；".join(error.messages))
        return None
    if username.lower() in taken:
        problems.add(SHEET, row.row, "用户名", str(MSG_TAKEN) % {"username": username})
        return None
    if role not in grantable:
        problems.add(SHEET, row.row, "角色", str(MSG_NOT_GRANTABLE) % {"role": label})
        return None
    planned = {"username": username, "full_name": values["full_name"], "role": role, "region": None, "school": None}
    if role == R.PRINCIPAL:
        return _with_target(planned, "school", values.get("school"), schools, row, "学校代码", MSG_NEEDS_SCHOOL,
                            MSG_UNKNOWN_SCHOOL, label, problems)
    if role in regions:
        return _with_target(planned, "region", values.get("region"), regions[role], row, "区县代码", MSG_NEEDS_REGION,
                            MSG_UNKNOWN_REGION, label, problems)
    return planned


def _with_target(planned, key, code, targets, row, column, needs, unknown, label, problems) -> dict | None:
    if not code:
        problems.add(SHEET, row.row, column, str(needs) % {"role": label})
        return None
    if code not in targets:  # unknown and outside the user's region answer alike
        problems.add(SHEET, row.row, column, str(unknown) % {"code": code})
        return None
    planned[key] = targets[code]
    return planned


@transaction.atomic
def _apply(plan: Plan, *, user) -> None:
    from org.services.accounts import account_create

    for row in plan.rows:
        account_create(actor=user, issue_password=False, **row)


def _export_rows(user):
    users = accounts.managed_users(user).prefetch_related("roles__region", "roles__school").order_by("username")
    for account_user in users:
        for role in account_user.roles.all():
            yield [account_user.username, account_user.first_name, ROLE_LABELS[role.role],
                   role.region.code if role.region else "", role.school.code if role.school else ""]


account_importer = register_importer(AccountImporter())
__all__ = ["AccountImporter", "account_importer", "USER_SPEC"]
