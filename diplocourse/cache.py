"""Cache backends: Django's Redis cache with one client per pool, and a per-process front for versioned keys.

`RedisCache` is Django's, except that it keeps one `redis.Redis` per connection pool: Django's makes a new
client object (and its table of ~170 response callbacks) for every single cache call. The client is
thread-safe; connections still come from the pool per command.

`VersionedCache` (the `versioned` alias) holds values stored under keys that carry a version (see
lessons/caching.py): what such a key holds never changes, so each worker process keeps the values it
read or wrote, unpickled, in a small LRU table in front of the shared cache (the alias named by
`OPTIONS["BEHIND"]`, `default` unless told). A page then spends no cache round trip and no unpickling
on its course structure, lesson body, the student's standing or its cached fragments when this
worker served them before. Values are shared between requests: callers must treat them as read-only.
Only ever store here under keys whose content can never change; anything else belongs in `default`.
"""

import threading
from collections import OrderedDict

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


# One table per alias and process (Django makes a cache object per thread; the table is shared by them).
_tables: dict[str, OrderedDict] = {}
_tables_lock = threading.Lock()


class VersionedCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._behind_alias = options.get("BEHIND", "default")
        self._size = int(options.get("SIZE", 512))
        with _tables_lock:
            self._table = _tables.setdefault(location or "versioned", OrderedDict())
        self._lock = _tables_lock

    @property
    def _behind(self) -> BaseCache:
        return caches[self._behind_alias]

    def _remember(self, key: str, value) -> None:
        with self._lock:
            self._table[key] = value
            self._table.move_to_end(key)
            while len(self._table) > self._size:
                self._table.popitem(last=False)

    def _recall(self, key: str):
        with self._lock:
            value = self._table.get(key, _MISSING)
            if value is not _MISSING:
                self._table.move_to_end(key)
            return value

    def get(self, key, default=None, version=None):
        value = self._recall(key)
        if value is not _MISSING:
            return value
        value = self._behind.get(key, _MISSING)
        if value is _MISSING:
            return default
        self._remember(key, value)
        return value

    def get_many(self, keys, version=None):
        found, missing = {}, []
        for key in keys:
            value = self._recall(key)
            if value is _MISSING:
                missing.append(key)
            else:
                found[key] = value
        if missing:
            for key, value in self._behind.get_many(missing).items():
                self._remember(key, value)
                found[key] = value
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._behind.set(key, value, timeout)
        self._remember(key, value)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = self._behind.set_many(data, timeout)
        for key, value in data.items():
            self._remember(key, value)
        return failed

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        added = self._behind.add(key, value, timeout)
        if added:
            self._remember(key, value)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._behind.touch(key, timeout)

    def delete(self, key, version=None):
        with self._lock:
            self._table.pop(key, None)
        return self._behind.delete(key)

    def has_key(self, key, version=None):
        return self._recall(key) is not _MISSING or self._behind.has_key(key)

    def clear(self):
        """Forget this process's table (the cache behind is left alone: clear it apart)."""
        with self._lock:
            self._table.clear()


_MISSING = object()
