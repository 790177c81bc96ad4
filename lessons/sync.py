"""Sync rows from content files without trampling edits made in the admin."""

import hashlib
import json
from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """What `course_load` did, for the command's output and the tests."""

    course: object = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def checksum(state: dict) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def sync_row(instance, *, current: dict | None, desired: dict, force: bool, label: str, report: LoadReport, apply):
    """Create or update one row from its file, unless an instructor has edited it since the last load.

    A row's checksum records the state the files last gave it; a row whose state no longer
    matches its checksum was changed in the admin and is kept as it is (unless `force`).
    """
    if current is None:
        apply(instance)
        report.created.append(label)
    elif current == desired:
        report.unchanged.append(label)
        if instance.content_checksum == checksum(desired):
            return
    elif force or instance.content_checksum == checksum(current):
        apply(instance)
        report.updated.append(label)
    else:
        report.kept.append(label)
        return
    instance.content_checksum = checksum(desired)
    instance.save(update_fields=["content_checksum"])
