"""A claim on a piece of work across processes: a PostgreSQL session advisory lock.

    with claim(url, "report:" + digest):   # waits while another process holds the same claim
        ...                                # build it (or find it built meanwhile)

The lock lives on a connection of its own, opened for the claim and closed at its end, so a claim
whose process dies (killed, out of memory) ends with that connection: nothing to clean up, and
no claim outlives its holder.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from capaian.store.core import scope_key

POLL = 0.25  # seconds between two tries while another process holds the claim


@contextmanager
def claim(url: str, name: str, poll: float = POLL):
    import psycopg

    con = psycopg.connect(url, autocommit=True, connect_timeout=10)
    try:
        key = scope_key(name)
        # polled rather than waited for in the server: a stopping process is not stuck in a query
        while not con.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0]:
            time.sleep(poll)
        yield
    finally:
        con.close()  # the lock goes with the connection
