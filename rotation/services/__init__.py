"""Rotation writes, split by sub-domain; import them from here (`from rotation import services`)."""

from rotation.services.assignments import *  # noqa: F403
from rotation.services.exemptions import *  # noqa: F403
from rotation.services.inspections import *  # noqa: F403
from rotation.services.plans import *  # noqa: F403
from rotation.services.progress import *  # noqa: F403
from rotation.services.suggestions import *  # noqa: F403
