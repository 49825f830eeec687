"""What the web layer caches between requests, and how a request on the event loop declines slow work:
`INLINE` / `Cold` (see `capaian.web.common.hybrid`) and a small weighted LRU cache. No route and no
store here, so every web module may import it."""

from __future__ import annotations

import contextvars
import threading
from collections import OrderedDict

# True while a request runs on the event loop (see `capaian.web.common.hybrid`): anything that
# would block for long (loading a run, building a page model, rendering a big fragment) raises
# `Cold` instead, and the request is re-run in the thread pool.
INLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("capaian_inline", default=False)


class Cold(Exception):
    """Raised on the event loop when a request needs slow work; it is retried in a thread."""


def _slow_work_ahead() -> None:
    if INLINE.get():
        raise Cold()


def _model_weight(model) -> int:
    """What a page model weighs in a cache: its pickled size (a dict of a few thousand rows
    pickles in milliseconds, far less than it took to build); 256 KB if it does not pickle."""
    import pickle

    try:
        return len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - a model holding something unpicklable
        return 256 << 10


class LRU:
    """A small thread-safe least-recently-used cache: at most `size` entries and, with `budget`,
    at most that many bytes of values as `weigh` counts them (default: the length of str/bytes
    values; pages and twins vary from 2 KB to 300 KB)."""

    def __init__(self, size: int, budget: int | None = None, weigh=None):
        self.size = size
        self.budget = budget
        self.weight = 0
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        if weigh is not None:
            self._weigh = weigh

    @staticmethod
    def _weigh(value) -> int:
        return len(value) if isinstance(value, (str, bytes)) else 0

    def get(self, key):
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            self._data.move_to_end(key)
            return entry[0]

    def put(self, key, value) -> None:
        weight = self._weigh(value) if self.budget is not None else 0  # outside the lock: may take ms
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.weight -= old[1]
            self._data[key] = (value, weight)
            self.weight += weight
            while len(self._data) > self.size or (self.budget is not None and self.weight > self.budget
                                                  and len(self._data) > 1):
                _, (_, dropped) = self._data.popitem(last=False)
                self.weight -= dropped

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.weight = 0
