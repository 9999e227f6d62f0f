"""What a worker process keeps between requests, in one place.

Content (question pools, tracks) changes only at a content sync, which records a release;
expensive counts (the HR matrix's) may be a minute old. Each entry is kept per database
(tests and tools run several apps in one process) and answered again only while its
version is current and its age within its limit. A content sync in this process forgets
everything at once; other processes follow by the release check or within the minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class _Entry:
    version: Hashable
    made: float
    value: Any


class ProcessCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str, Hashable], _Entry] = {}

    def get(self, database: str, key: tuple[str, Hashable], make: Callable[[], T], *,
            version: Hashable = None, max_age: float | None = None,
            fresh: Callable[[T], bool] | None = None) -> T:
        """The value kept under ``key`` (its first part names what it is) for ``database``
        while its ``version`` is current, it is younger than ``max_age`` seconds and
        ``fresh(value)`` holds; otherwise ``make()``'s, kept from now on."""
        name, detail = key
        entry = self._entries.get((database, name, detail))
        now = self._clock()
        if (entry is not None and entry.version == version
                and (max_age is None or now - entry.made < max_age)
                and (fresh is None or fresh(entry.value))):
            return entry.value  # type: ignore[no-any-return]
        value = make()
        self._entries[(database, name, detail)] = _Entry(version, now, value)
        return value

    def forget(self, *names: str) -> None:
        """Forget the entries named (everything when none is named)."""
        if not names:
            self._entries.clear()
            return
        for entry_key in [k for k in self._entries if k[1] in names]:
            del self._entries[entry_key]


process_cache = ProcessCache()
