"""The export kinds of alliances (org.exporting): groups, requirements, activities and the compliance report."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from org.exporting import ExportPlan, ExportRefused, register_export, request_for

KINDS = ("groups", "requirements", "activities", "compliance")


def alliances_plan(user, query, args: dict) -> ExportPlan:
    """args {"kind": one of KINDS}; ?term= for the compliance report (default: the current term).

    Counts through the importers' `export_count`; the compliance report (one row per gap, a few per group) is
    counted as 0 and stays inline."""
    from alliances import exports
    from alliances.importers import activities_importer, groups_importer, requirements_importer
    from alliances.views import current_term

    kind = args.get("kind")
    if kind not in KINDS:
        raise Http404
    term = current_term(request_for(user, query))
    if kind == "groups":  # the group list's filters (?type=&region=&active=&gaps=&idle=)
        from alliances.filters import GroupFilter
        from alliances.selectors import group_list

        filterset = GroupFilter(query, queryset=group_list(user=user), request=request_for(user, query))
        if not filterset.is_valid():
            raise ExportRefused(filterset.errors)
        groups = filterset.qs
        return ExportPlan(
            filename=f"alliances-{kind}-{term.code}.xlsx",
            count=lambda limit=None: groups_importer.export_count(user, limit, queryset=groups),
            write=lambda stream: exports.write(stream, kind, user, term, groups),
        )
    importer = {"requirements": requirements_importer, "activities": activities_importer}.get(kind)
    return ExportPlan(
        filename=f"alliances-{kind}-{term.code}.xlsx",
        count=(lambda limit=None: importer.export_count(user, limit)) if importer is not None else (lambda limit=None: 0),
        write=lambda stream: exports.write(stream, kind, user, term),
    )


ALLIANCES = register_export("alliances.export", _("Alliances export"), alliances_plan,
                            page="alliances:group-list")  # only the groups' export reads filters
