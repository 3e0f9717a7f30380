"""The buyer web's rate limits are the tree's one token bucket, `shared.ratelimit` (re-exported
here for the web's settings)."""

from shared.ratelimit import Limit, RateLimiter

__all__ = ["Limit", "RateLimiter"]
