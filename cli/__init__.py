"""The ``ehcp`` command: the composition root where clock, calendar and settings are built.

Prefect reads its settings once, on first import, so the one default this package sets must come
first: without ``PREFECT_API_URL`` the commands talk to the embedded stack of ``make run``
(http://127.0.0.1:4200/api), not to a throwaway server of their own. Set it to reach another server.
"""

import os

os.environ.setdefault("PREFECT_API_URL", "http://127.0.0.1:4200/api")
