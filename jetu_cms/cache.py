"""Django's Redis cache backend, made cheap per call and harmless when Redis is away.

- ``django.core.cache.backends.redis`` builds a new ``redis.Redis`` for every cache operation,
  and redis-py 7's constructor registers ~170 response callbacks each time: on a legal page
  served from the cache that cost more CPU than the round trips themselves (bench/run.sh).
  A ``redis.Redis`` is thread-safe and only wraps the connection pool Django already keeps,
  so one per pool is enough.
- The cache only ever saves work: when Redis is stopped or unreachable, every read is a miss
  and every write is dropped (logged), so pages are rendered instead of failing with a 500.
  redis-py reconnects on the next call once Redis is back; no restart is needed. Short socket
  timeouts keep a dead Redis from holding requests.

Used by production settings when REDIS_URL is set.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("jetu")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _degrading(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            logger.warning("Redis unavailable (%s) during cache.%s.", type(exc).__name__, name)
            return fallback(*args, **kwargs)

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


def _default(key, default=None, version=None):
    return default


class ResilientRedisCache(RedisCache):
    """Redis cache that degrades to "no cache" while Redis is unreachable."""

    def __init__(self, server, params):
        params = {**params}
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    get = _degrading("get", _default)
    set = _degrading("set", lambda *args, **kwargs: None)
    add = _degrading("add", lambda *args, **kwargs: False)
    touch = _degrading("touch", lambda *args, **kwargs: False)
    delete = _degrading("delete", lambda *args, **kwargs: False)
    has_key = _degrading("has_key", lambda *args, **kwargs: False)
    get_many = _degrading("get_many", lambda *args, **kwargs: {})
    set_many = _degrading("set_many", lambda keys, *args, **kwargs: list(keys))
    delete_many = _degrading("delete_many", lambda *args, **kwargs: None)
    clear = _degrading("clear", lambda *args, **kwargs: None)
