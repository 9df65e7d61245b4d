"""Small roster and training files for the import tests, built in memory."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

ROSTER_HEADER = [
    "Badge #",
    "First Name",
    "Surname",
    "Sworn",
    "Rank",
    "Shift",
    "Hire Date",
    "Status",
]
ROSTER_ROWS = [
    ["1001", "Ann", "Lee", "Y", "Patrol Officer", "Days", "03/15/2012", "Active"],
    ["1002", "Bo", "Kim", "N", "Dispatcher", "Nights", "2015-06-01", "Active"],
    ["1003", "Cy", "Diaz", "Sworn", "Sergeant", "Days", "1-Jun-2010", "Active"],
    ["1004", "Dee", "Olsen", "Yes", "Detective", "Investigations", "7/4/19", "LOA"],
]
TRAINING_HEADER = ["Emp ID", "Course", "Provider", "Date Completed", "Hours", "Expiration Date"]


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def roster_csv(rows: Iterable[Sequence[Any]] = ROSTER_ROWS, **kwargs: Any) -> io.BytesIO:
    upload = io.BytesIO(csv_bytes(ROSTER_HEADER, rows, **kwargs))
    upload.name = "roster.csv"
    return upload


def training_csv(rows: Iterable[Sequence[Any]], **kwargs: Any) -> io.BytesIO:
    upload = io.BytesIO(csv_bytes(TRAINING_HEADER, rows, **kwargs))
    upload.name = "training.csv"
    return upload


def xlsx_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Roster"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out


def days_ago(days: int) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=days)
