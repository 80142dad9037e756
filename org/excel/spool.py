"""A list that spills to a temporary file, so an import's plan does not live in memory (issue 16, 6).

    spool = Spool(batch=5000)
    for item in items:
        spool.append(item)          # at most `batch` items are held; full batches are pickled to disk
    len(spool)                      # how many were appended
    for batch in spool.batches():   # lists of at most `batch` items, in order, one in memory at a time
        ...
    spool.close()                   # or `with Spool() as spool:`; the file is deleted when closed

A spool that never fills one batch never touches the disk (small uploads, tests); a `discard=True` spool
only counts (a dry run's plan, which nothing reads back). Items must pickle
(dicts of plain values, dates, model instances). The file is an anonymous temporary file
(`tempfile.TemporaryFile`): nothing is left behind if the process dies.
"""

import pickle
import tempfile
from collections.abc import Iterator

SPOOL_BATCH = 5000


class Spool:
    """Append-only, read back in batches (see the module docstring)."""

    def __init__(self, batch: int | None = None, *, discard: bool = False):
        self.batch = batch or SPOOL_BATCH
        self.discard = discard  # count only (a dry run's plan is never read back)
        self._buffer: list = []
        self._file = None
        self._chunks = 0
        self._count = 0

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def append(self, item) -> None:
        self._count += 1
        if self.discard:
            return
        self._buffer.append(item)
        if len(self._buffer) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="import-plan-")
        self._file.seek(0, 2)
        pickle.dump(self._buffer, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._buffer = []
        self._chunks += 1

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    @property
    def held(self) -> int:
        """Items in memory now (at most `batch`)."""
        return len(self._buffer)

    def batches(self) -> Iterator[list]:
        """Every item in the order appended, as lists of at most `batch` items (one list read at a time)."""
        if self._file is not None:
            self._file.seek(0)
            for _ in range(self._chunks):
                yield pickle.load(self._file)
        if self._buffer:
            yield list(self._buffer)

    def __iter__(self):
        for batch in self.batches():
            yield from batch

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._buffer, self._chunks = [], 0
