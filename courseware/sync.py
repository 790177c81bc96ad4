"""Sync rows from content files without trampling edits made in the admin."""

from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """What `course_load` did, for the command's output and the tests."""

    course: object = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def edited_since_load(loaded: dict, current: dict) -> bool:
    """True for a row made in the admin, or one whose fields changed since the files set them.

    Only fields present at the last load count, so adding a field to the format marks nothing as edited.
    """
    return not loaded or any(name in current and current[name] != value for name, value in loaded.items())


def sync_row(instance, *, current: dict | None, desired: dict, force: bool, label: str, report: LoadReport, apply):
    """Create or update one row from its file, unless an instructor has edited it since the last load.

    Each row keeps the state the files last gave it (`loaded_state`); a row whose fields no longer
    match that state was changed in the admin and is kept as it is, unless `force`.
    """
    if current is None:
        apply(instance)
        report.created.append(label)
    elif current == desired:
        report.unchanged.append(label)
        if instance.loaded_state == desired:
            return
    elif force or not edited_since_load(instance.loaded_state, current):
        apply(instance)
        report.updated.append(label)
    else:
        report.kept.append(label)
        return
    instance.loaded_state = desired
    instance.save(update_fields=["loaded_state"])
