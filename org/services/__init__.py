"""Writes for org, by sub-domain: keyword-only, atomic, validated, audited with the actor.

- `people`: schools, staff and user roles (and `save_audited`, the one audited save every app uses);
- `basedata`: persisting a checked base-data import plan;
- `jobs`: import jobs for any registered workbook kind;
- `exports`: export jobs (large exports written by Celery, kept for their owner);
- `transfers`: cross-county transfers requested by imports and decided by the city bureau;
- `figures`: the home page's stored staff figures (a periodic job).

Import from `org.services` (the names below) or from the sub-module; tests that tune a module's
constant patch the sub-module (e.g. `org.services.basedata.COPY_THRESHOLD`).
"""

from org.services.basedata import base_data_apply
from org.services.exports import (
    export_files_expire,
    export_job_crashed,
    export_job_create,
    export_job_run,
    export_jobs_sweep,
)
from org.services.figures import staff_figure, staff_figures_compute
from org.services.jobs import (
    MSG_IMPORT_FORBIDDEN,
    import_job_commit,
    import_job_commit_request,
    import_job_crashed,
    import_job_create,
    import_job_restart,
    import_job_validate,
    import_jobs_sweep,
)
from org.services.people import (
    SCHOOL_FIELDS,
    STAFF_CREATE_FIELDS,
    STAFF_FIELDS,
    save_audited,
    school_update,
    staff_create,
    staff_update,
    stated_fields,
    user_role_assign,
)
from org.services.transfers import transfer_decide, transfer_requests_create

__all__ = [
    "MSG_IMPORT_FORBIDDEN",
    "export_files_expire",
    "export_job_create",
    "export_job_crashed",
    "export_job_run",
    "export_jobs_sweep",
    "base_data_apply",
    "staff_figure",
    "staff_figures_compute",
    "import_job_commit",
    "import_job_commit_request",
    "import_job_crashed",
    "import_job_create",
    "import_job_restart",
    "import_job_validate",
    "import_jobs_sweep",
    "SCHOOL_FIELDS",
    "STAFF_CREATE_FIELDS",
    "STAFF_FIELDS",
    "save_audited",
    "stated_fields",
    "school_update",
    "staff_create",
    "staff_update",
    "transfer_decide",
    "transfer_requests_create",
    "user_role_assign",
]
