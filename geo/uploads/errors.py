"""The errors of the upload pipeline: a file that cannot be read as a table, an edit that does not apply."""

from __future__ import annotations


class CoverageFileError(Exception):
    """The file cannot be read as a coverage table; the message says what to fix."""


class ReportEditError(ValueError):
    """An edit that does not apply to this draft; the message says why."""
