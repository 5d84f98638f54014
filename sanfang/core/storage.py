"""File storage that never leaves half-written uploads behind (issue 10.5: a full disk during an upload).

A failed request rolls its rows back in the database transaction, but files are written outside it: the
storage removes a file whose write failed, and `discard_on_error` removes the files a service had already
saved when a later one fails, so neither rows nor files are left half done.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.core.files.storage import FileSystemStorage, default_storage

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def is_disk_full(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL


class SafeFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose failed write (ENOSPC mid-file, an I/O error) removes the partial file."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            # The name was free when `save()` chose it (O_EXCL), so a file there now is our partial write.
            with suppress(FileNotFoundError):
                os.remove(self.path(name))
            raise


@contextmanager
def discard_on_error(storage=None) -> Iterator[list[str]]:
    """Collect the names a block saves; if the block fails, delete them before the error goes on."""
    storage = storage or default_storage
    saved: list[str] = []
    try:
        yield saved
    except BaseException:
        for name in saved:
            with suppress(OSError):
                storage.delete(name)
        raise
