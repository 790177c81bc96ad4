"""Static files in production: whitenoise's compressed, hashed storage, each file's address worked out once.

`{% static %}` asks the storage for a file's address on every page (three or four times each); finding it in
the manifest, splitting, quoting and joining it costs about 11 microseconds a call. The manifest cannot change
while a process runs (it is read at start, after `collectstatic`), so each address is kept per process;
a changed setting (in tests) starts afresh.
"""

import weakref

from django.core.signals import setting_changed
from whitenoise.storage import CompressedManifestStaticFilesStorage

_instances: "weakref.WeakSet[StaticFilesStorage]" = weakref.WeakSet()


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}
        _instances.add(self)

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._addresses.get(name)
        if found is None:
            found = self._addresses[name] = super().url(name)
        return found


def _forget(**kwargs):
    for storage in _instances:
        storage._addresses.clear()


setting_changed.connect(_forget)
