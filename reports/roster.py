"""Reading a roster CSV: one e-mail address a row, checked row by row, so an instructor sees every bad line."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# The columns a header row may name the address column by; without one, the first column holds the addresses.
EMAIL_HEADERS = {"email", "e-mail", "email address", "e-mail address", "mail"}


@dataclass(frozen=True)
class BadRow:
    line: int
    text: str
    reason: str


@dataclass
class RosterCsv:
    """The addresses of a roster CSV, lower-cased, each once, in file order, and the rows that were refused."""

    emails: list[str] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    duplicates: int = 0


def roster_csv_read(text: str, *, max_rows: int) -> RosterCsv:
    """Parse a roster CSV. A first row naming an e-mail column is a header; blank lines are skipped.

    Raises ValueError when the file holds more than `max_rows` addresses.
    """
    rows = list(csv.reader(io.StringIO(text)))
    column, start = 0, 0
    if rows:
        names = [cell.strip().lower() for cell in rows[0]]
        header = next((index for index, name in enumerate(names) if name in EMAIL_HEADERS), None)
        if header is not None:
            column, start = header, 1
    result, seen = RosterCsv(), set()
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        value = row[column].strip() if column < len(row) else ""
        try:
            validate_email(value)
        except ValidationError:
            reason = "no e-mail address in this row" if not value else "not an e-mail address"
            result.bad_rows.append(BadRow(line=number, text=",".join(row)[:200], reason=reason))
            continue
        email = value.lower()
        if email in seen:
            result.duplicates += 1
            continue
        seen.add(email)
        result.emails.append(email)
    if len(result.emails) > max_rows:
        raise ValueError(f"The file holds {len(result.emails)} addresses; the limit is {max_rows} a file.")
    return result
