"""Errors that carry where the problem is (file, line, column) and what was expected.

One exception family so the CLI and the app can print a clean one-line message for bad input
instead of a traceback.
"""

from __future__ import annotations


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
