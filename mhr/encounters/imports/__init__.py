"""Reading encounter files (CSV, XLSX) and converting their rows into the canonical shape.

Every failure is raised or recorded as `ImportFileError` (shared with the roster importer) with a
message naming the file's row and header, never as a library error.
"""

from mhr.campaigns.imports.errors import ImportFileError, Issue, IssueList

__all__ = ["ImportFileError", "Issue", "IssueList"]
