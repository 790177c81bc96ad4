"""The gradebook as CSV, written row by row so a class of any size streams in flat memory, and built in the
background (GradebookExport) for the instructor to download when ready."""

import csv
import io
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from lessons.models import Course, Module
from reports.gradebook import (
    CSV_CHUNK_SIZE,
    GradebookColumns,
    GradebookRow,
    course_students,
    gradebook_columns,
    gradebook_rows_streamed,
    roster_filter,
)
from reports.models import GradebookExport

logger = logging.getLogger(__name__)

# A worker has no request timeout to beat but reads every answer once per chunk for mastery: bigger chunks, fewer reads.
EXPORT_CHUNK_SIZE = 2000

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write hands the line back, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _text(value: str) -> str:
    """Text safe to open in a spreadsheet: a leading formula character is quoted away."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def gradebook_csv_header(columns: GradebookColumns) -> list[str]:
    header = ["username", "email", "enrolled at", "last activity", "course %"]
    if columns.module is not None:
        header.append("module %")
    header += [_text(f"{lesson.title} (completed at)") for lesson in columns.lessons]
    header += [_text(f"{quiz.title} (grade %)") for quiz in columns.quizzes]
    header += [_text(f"{module.title} (mastery %)") for module in columns.course_modules]
    return header


def gradebook_csv_row(row: GradebookRow, columns: GradebookColumns) -> list[str]:
    cells = [
        _text(row.student.username),
        _text(row.student.email),
        _when(row.enrolled_at),
        _when(row.last_activity),
        str(row.course_percent),
    ]
    if row.module_percent is not None:
        cells.append(str(row.module_percent))
    cells += [_when(cell.completed_at) for cell in row.lessons]
    cells += ["" if result.grade is None else str(result.grade) for result in row.quizzes]
    cells += [
        "" if module.pk not in row.mastery else str(row.mastery[module.pk].percent) for module in columns.course_modules
    ]
    return cells


def gradebook_csv_lines(
    *, columns: GradebookColumns, students: QuerySet | None = None, chunk_size: int = CSV_CHUNK_SIZE
) -> Iterator[str]:
    """The header line, then one line per student (the course's class, or `students`); a fixed number of
    queries per `chunk_size` students."""
    writer = csv.writer(_Echo())
    yield writer.writerow(gradebook_csv_header(columns))
    for row in gradebook_rows_streamed(columns=columns, students=students, chunk_size=chunk_size):
        yield writer.writerow(gradebook_csv_row(row, columns))


def gradebook_csv_filename(*, course: Course, module: Module | None) -> str:
    return f"gradebook-{course.slug}{f'-{module.slug}' if module else ''}.csv"


# Exports hold every student's marks: each new one drops the course's exports older than this.
EXPORT_KEEP_DAYS = 7


def gradebook_export_request(*, course: Course, user, module: Module | None, group: str, days: int) -> GradebookExport:
    """A gradebook export waiting for the task worker, with the gradebook filter it was asked with; the course's
    exports older than EXPORT_KEEP_DAYS are deleted."""
    now = timezone.now()
    GradebookExport.objects.filter(course=course, requested_at__lt=now - timedelta(days=EXPORT_KEEP_DAYS)).delete()
    return GradebookExport.objects.create(
        course=course,
        requested_by=user,
        module=module,
        group=group,
        days=days,
        requested_at=now,
        filename=gradebook_csv_filename(course=course, module=module),
    )


def gradebook_export_write(*, export_id: int) -> int:
    """Write a waiting export's CSV (the same lines as the streamed download) and mark it ready; on an error,
    mark it failed and raise. Returns how many students it holds."""
    export = GradebookExport.objects.select_related("course", "module").get(pk=export_id)
    try:
        columns = gradebook_columns(course=export.course, module=export.module)
        students = roster_filter(
            course_students(course=export.course), course=export.course, group=export.group, inactive_days=export.days
        )
        text, lines = io.StringIO(), 0
        for line in gradebook_csv_lines(columns=columns, students=students, chunk_size=EXPORT_CHUNK_SIZE):
            text.write(line)
            lines += 1
    except Exception:
        logger.exception("Gradebook export %s failed", export_id)
        export.status, export.finished_at = GradebookExport.Status.FAILED, timezone.now()
        export.save(update_fields=["status", "finished_at"])
        raise
    export.content, export.row_count = text.getvalue(), lines - 1
    export.status, export.finished_at = GradebookExport.Status.READY, timezone.now()
    export.save(update_fields=["content", "row_count", "status", "finished_at"])
    return export.row_count
