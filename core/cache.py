"""Django's Redis cache, with one client object per connection pool.

Django's RedisCacheClient builds a new redis.Redis around its pool for every
cache call, and that constructor costs about as much as the round trip to Redis
on a small page (each page reads its session, the inbox count and its kept
fragments). A redis.Redis is safe to share between threads (its pool hands out
the connections) and notices a fork, so each pool keeps one.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class KeptClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
