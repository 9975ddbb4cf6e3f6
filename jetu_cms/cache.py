"""Django's Redis cache backend, reusing its redis-py client objects (perf, issue #9).

``django.core.cache.backends.redis`` builds a new ``redis.Redis`` for every cache operation,
and redis-py 7's constructor registers ~170 response callbacks each time: on a legal page
served from the cache that cost more CPU than the round trips themselves (bench/run.sh).
A ``redis.Redis`` is thread-safe and only wraps the connection pool Django already keeps,
so one per pool is enough. Used by production settings when REDIS_URL is set.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
