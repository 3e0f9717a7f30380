"""In-memory rate limits: one keyed token bucket for every limit of the tree (the buyer web's hold
attempts and look-ups per IP and per mobile, the payment hooks' deliveries and refusals).

Each process keeps its own buckets: with several worker processes every worker limits separately,
so the effective limit is up to `workers` times the configured one."""

import math
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    count: int  # attempts allowed in a burst ...
    seconds: float  # ... refilled evenly over this many seconds


class RateLimiter:
    """`hit(key)` spends one token of `key`'s bucket; it returns 0 when allowed, else the whole
    seconds to wait (at least 1). `wait(key)` tells the same without spending anything."""

    MAX_KEYS = 50_000

    def __init__(self, limit: Limit, clock=time.monotonic):
        self.limit = limit
        self.rate = limit.count / limit.seconds
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int:
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.limit.count), now))
            tokens = min(float(self.limit.count), tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > self.MAX_KEYS:
                    self._prune(now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))

    def wait(self, key: str) -> int:
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.limit.count), now))
            tokens = min(float(self.limit.count), tokens + (now - at) * self.rate)
            return 0 if tokens >= 1.0 else max(1, math.ceil((1.0 - tokens) / self.rate))

    def _prune(self, now: float) -> None:
        """Forget keys whose bucket has refilled: they are as good as new."""
        full = [k for k, (tokens, at) in self._buckets.items() if tokens + (now - at) * self.rate >= self.limit.count]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) > self.MAX_KEYS:  # under attack by many keys: start afresh
            self._buckets.clear()
