"""Rate limits in the database hold across processes (web workers, machines): N processes hitting
one key together are let through exactly the limit, not N times it; buckets refill with time."""

import multiprocessing

from shared import setup
from shared.rate_buckets import SharedRateLimiter
from shared.ratelimit import Limit
from tests.helpers.race_workers import limit_hits_main


class Clock:
    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_bucket_spends_refills_and_says_how_long_to_wait(db):
    clock = Clock()
    limiter = SharedRateLimiter("t", Limit(4, 16), clock=clock)  # one token per 4 s
    assert [limiter.hit("1.2.3.4") for _ in range(5)] == [0, 0, 0, 0, 4]
    assert limiter.wait("1.2.3.4") == 4 and limiter.wait("5.6.7.8") == 0
    assert limiter.hit("5.6.7.8") == 0  # another key has its own bucket
    clock.now += 3
    assert limiter.hit("1.2.3.4") == 1
    clock.now += 1
    assert limiter.hit("1.2.3.4") == 0 and limiter.hit("1.2.3.4") == 4
    clock.now += 1000  # never more than the burst, however long it rested
    assert [limiter.hit("1.2.3.4") for _ in range(5)] == [0, 0, 0, 0, 4]


def test_a_clock_behind_never_adds_tokens(db):
    clock = Clock()
    limiter = SharedRateLimiter("t", Limit(2, 60), clock=clock)
    assert [limiter.hit("k") for _ in range(2)] == [0, 0]
    clock.now -= 120  # another machine whose clock is two minutes behind
    assert limiter.hit("k") > 0
    clock.now += 120
    assert limiter.hit("k") > 0


def test_limits_with_the_same_key_do_not_share_a_bucket(db):
    clock = Clock()
    one, other = SharedRateLimiter("hold_ip", Limit(1, 60), clock), SharedRateLimiter("lookup_ip", Limit(1, 60), clock)
    assert one.hit("k") == 0 and other.hit("k") == 0 and one.hit("k") > 0


def test_refilled_buckets_are_pruned_and_count_as_full(db):
    clock = Clock()
    limiter = SharedRateLimiter("t", Limit(2, 8), clock=clock)  # one token per 4 s
    for n in range(5):
        limiter.hit(f"10.0.0.{n}")
    limiter.hit("busy")
    limiter.hit("busy")
    clock.now += 5  # one token back: "busy" is not full yet, the others (one spent) are
    assert limiter.prune() == 5
    assert limiter.hit("10.0.0.1") == 0 and limiter.hit("10.0.0.1") == 0 and limiter.hit("10.0.0.1") > 0
    assert limiter.hit("busy") == 0 and limiter.hit("busy") > 0


def test_four_processes_together_get_the_limit_not_four_times_it(db_url):
    setup.connect(db_url).close()
    ctx = multiprocessing.get_context("spawn")
    workers, hits, count = 4, 40, 25
    barrier, queue = ctx.Barrier(workers), ctx.Queue()
    procs = [
        ctx.Process(target=limit_hits_main, args=(db_url, barrier, queue, "race", count, 3600, "203.0.113.9", hits))
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    outcomes = [queue.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(30)
    assert [kind for kind, _ in outcomes] == ["ok"] * workers, outcomes
    # 160 hits within seconds against 25 an hour: exactly the 25 (a refill of 25/3600 per second
    # cannot add a whole token in the few seconds this takes).
    assert sum(allowed for _, allowed in outcomes) == count
