"""Every write of alliances: keyword-only, `actor=`, atomic, audited (django-simple-history)."""

from alliances.services.activities import *  # noqa: F401,F403
from alliances.services.compliance import *  # noqa: F401,F403
from alliances.services.coverage import *  # noqa: F401,F403
from alliances.services.groups import *  # noqa: F401,F403
from alliances.services.itinerant import *  # noqa: F401,F403
