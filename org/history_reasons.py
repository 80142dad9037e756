"""History change reasons in the reader's language (issue: English leaked onto history pages).

Services store a short English reason with each audited change (`save_audited(..., reason="created")`,
"Excel import #12"); the history pages show it through `reason_text`, which translates the common
ones and leaves an unknown reason as stored. Shape: reason_text(str | None) -> str ("" for none).
"""

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

REASONS = {
    "created": _("created"), "edited": _("edited"), "recorded": _("recorded"), "joined": pgettext_lazy("history reason", "joined"),
    "left": _("left"), "dissolved": _("dissolved"), "converted": _("converted"), "founded": pgettext_lazy("history reason", "founded"),
    "split": _("split"), "appointed": _("appointed"), "admitted": _("admitted"), "promoted": _("promoted"),
    "planned": _("planned"), "scheduled": _("scheduled"), "replaced": _("replaced"),
    "reactivated": _("reactivated"), "raised": _("raised"), "approved": _("approved"), "accepted": _("accepted"),
    "applied": _("applied"), "completed": _("completed"), "cleared": _("cleared"), "discarded": _("discarded"),
    "attached": _("attached"), "ended_early": _("ended early"), "review due": pgettext_lazy("history reason", "review due"),
    "default head": _("default head"), "used by a cycle": _("used by a cycle"),
    "password reset": _("password reset"), "transfer decided": _("transfer decided"),
    "cross-county transfer": _("cross-county transfer"), "import_base_data": _("Excel import (command)"),
    "bench_import": _("Excel import (command)"), "Excel import": _("Excel import"), "demo": _("demo data"),
}
JOB_REASON = re.compile(r"^Excel import #(\d+)$")


def reason_text(reason: str | None) -> str:
    """The reason shown to users: translated when it is a common one, else as stored."""
    if not reason:
        return ""
    if reason in REASONS:
        return str(REASONS[reason])
    job = JOB_REASON.match(reason)
    if job:
        return str(_("Excel import #%(job)s") % {"job": job.group(1)})
    return reason
