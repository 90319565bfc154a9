"""Errors that carry where the problem is (file, line, column) and what was expected.

One exception family so the CLI and the app can print a clean one-line message for bad input
instead of a traceback.
"""

from __future__ import annotations

import errno


class LeagueAtlasError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class InputError(LeagueAtlasError):
    """Bad input file: names the file, and where known the line and column, and what was expected."""

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file, self.problem, self.line, self.column, self.expected = (
            file,
            problem,
            line,
            column,
            expected,
        )
        where = file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        msg = f"{where}: {problem}"
        if expected:
            msg += f" (expected {expected})"
        super().__init__(msg)


class StoreMissingError(LeagueAtlasError):
    """No prepared store yet: says which command builds it."""


class SourceError(LeagueAtlasError):
    """A source could not be fetched or failed its checksum or format check."""


class StorageError(LeagueAtlasError):
    """The data folder could not be written (disk full, read-only, no permission): names the path."""


# errno -> what the operator should read; these are faults of this machine, never of a source.
_LOCAL_FAULTS = {
    errno.ENOSPC: "disk full (no space left on device)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}


def is_local_fault(exc: BaseException) -> bool:
    """Is this OSError a fault of the local disk or folder rights (not of a file or a download)?"""
    return isinstance(exc, OSError) and exc.errno in _LOCAL_FAULTS


def storage_error(exc: OSError, path: object, doing: str) -> StorageError:
    """One plain line: which path, what was being done, what failed (e.g. disk full)."""
    where = exc.filename or path
    why = _LOCAL_FAULTS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__)
    return StorageError(f"cannot {doing}: {where}: {why}")
