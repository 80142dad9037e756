"""Writes of the talent pool, split by sub-domain: the nomination workflow, and the pool's life
(members, development, promotions). Import from here: `from talentpool import services`."""

from talentpool.services.pool import *  # noqa: F403
from talentpool.services.reference import *  # noqa: F403
from talentpool.services.workflow import *  # noqa: F403
