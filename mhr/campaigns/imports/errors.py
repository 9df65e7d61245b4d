"""What can go wrong in an import, in words a coordinator can act on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Lists kept in an ImportBatch and shown in a preview stop here; totals are always counted.
ISSUE_LIST_CAP = 200


class ImportFileError(Exception):
    """The file cannot be imported at all (size, format, encoding, no data, bad mapping).

    Every failure an import can meet is raised as this type (or a subclass) with a message
    meant for the person who exported the file, never as a bare ValueError or a library error.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


class CellValueError(ImportFileError):
    """One cell's value cannot be read; the converter records it against its row and column."""


@dataclass(frozen=True, slots=True)
class Issue:
    """An error or warning. `row` is the 1-based row in the file, the header row included."""

    message: str
    row: int | None = None
    column: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass(slots=True)
class IssueList:
    """Issues in the order found, keeping the first ISSUE_LIST_CAP and counting them all."""

    items: list[Issue] = field(default_factory=list)
    total: int = 0

    def add(self, message: str, *, row: int | None = None, column: str = "") -> None:
        self.total += 1
        if len(self.items) < ISSUE_LIST_CAP:
            self.items.append(Issue(message=message, row=row, column=column))

    def extend(self, other: IssueList) -> None:
        for issue in other.items:
            self.add(issue.message, row=issue.row, column=issue.column)
        self.total += other.total - len(other.items)

    def __bool__(self) -> bool:
        return self.total > 0

    def as_list(self) -> list[dict[str, Any]]:
        return [issue.as_dict() for issue in self.items]
