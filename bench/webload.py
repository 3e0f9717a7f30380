"""Load generation for bench/web_bench.py: wrk with Lua scripts (GET polling, the sale-opening POST
race), slow and idle client connections, and a buyer-web server started as a subprocess.

Loopback only; every phase is bounded in time."""

import json
import os
import random
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"

LUA_DONE = r"""
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts") or {}
    for k, v in pairs(c) do counts[tostring(k)] = (counts[tostring(k)] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(counts) do table.insert(parts, string.format('"%s":%d', k, v)) end
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"non2xx":%d,"status":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status, table.concat(parts, ",")))
end
"""

LUA_GET_LIST = r"""
local paths = {}
for line in io.lines("%(list)s") do paths[#paths + 1] = line end
local i = math.random(1, #paths)
counts = {}
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
"""

LUA_RACE = r"""
math.randomseed(os.time() + %(seed)d)
local TICKETS, BUYERS, MOBILE0 = %(tickets)d, %(buyers)d, %(mobile0)d
local free, pos = {}, {}
for n = 1, TICKETS do free[n] = n; pos[n] = n end
local function drop(n)
  local p = pos[n]
  if not p then return end
  local last = free[#free]
  free[p] = last; pos[last] = p
  free[#free] = nil; pos[n] = nil
end
local sent, answered = 0, 0
counts = {}
request = function()
  sent = sent + 1
  local want, picks, seen = math.random(1, 3), {}, {}
  for _ = 1, want do
    if #free == 0 then break end
    local n = free[math.random(1, #free)]
    if not seen[n] then seen[n] = true; picks[#picks + 1] = n end
  end
  if #picks == 0 then picks[1] = math.random(1, TICKETS) end
  local body = string.format('{"name":"Buyer %%d","mobile":"%%d","tickets":[%%s]}',
                             sent, MOBILE0 + sent, table.concat(picks, ","))
  return wrk.format("POST", "/api/orders", {["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  answered = answered + 1
  local list = body:match('"taken":%%[([%%d,]*)%%]')
  if status == 201 then list = body:match('"tickets":%%[([%%d,]*)%%]') end
  if list then for n in list:gmatch("%%d+") do drop(tonumber(n)) end end
  if answered >= BUYERS then wrk.thread:stop() end
end
"""


def run_wrk(url: str, script: str, connections: int, seconds: float, timeout: str = "5s") -> dict:
    """Run wrk (1 thread: the machine's two cores are shared with the server) and return its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + LUA_DONE)
        path = handle.name
    try:
        proc = subprocess.run(
            [WRK, "-t1", f"-c{connections}", f"-d{int(seconds)}s", f"--timeout={timeout}", "-s", path, url],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
        )
    finally:
        os.unlink(path)
    for line in proc.stdout.splitlines():
        if line.startswith("WRKJSON "):
            data = json.loads(line[len("WRKJSON ") :])
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6) if data["duration_us"] else 0.0
            data["p99_ms"] = data["p99_us"] / 1000
            data["p50_ms"] = data["p50_us"] / 1000
            data["status"] = {int(k): v for k, v in data["status"].items()}
            return data
    raise RuntimeError(f"wrk gave no figures:\n{proc.stdout}\n{proc.stderr}")


def poll_script(list_path: str) -> str:
    return LUA_GET_LIST % {"list": list_path}


def race_script(tickets: int, buyers: int, mobile0: int = 9_000_000_000) -> str:
    return LUA_RACE % {"tickets": tickets, "buyers": buyers, "mobile0": mobile0, "seed": random.randrange(10**6)}


class SlowClients:
    """`idle` connections that never send a byte and `slow` ones that dribble a request one byte per
    second, all kept open (reopened when the server closes them) from one thread."""

    REQUEST = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a-very-slow-phone\r\nX-Padding: " + b"x" * 200

    def __init__(self, host: str, port: int, idle: int = 100, slow: int = 100):
        self.address = (host, port)
        self.idle, self.slow = idle, slow
        self.reopened = 0
        self.open_now = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        deadline = time.monotonic() + 5
        while self.open_now < self.idle + self.slow and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    def _connect(self):
        sock = socket.create_connection(self.address, timeout=5)
        sock.setblocking(False)
        return sock

    def _run(self):
        sel = selectors.DefaultSelector()
        conns = {}  # sock -> [kind, bytes sent]

        def add(kind):
            try:
                sock = self._connect()
            except OSError:
                return
            conns[sock] = [kind, 0]
            sel.register(sock, selectors.EVENT_READ)

        for _ in range(self.idle):
            add("idle")
        for _ in range(self.slow):
            add("slow")
        next_drip = time.monotonic()
        while not self._stop.is_set():
            self.open_now = len(conns)
            for key, _ in sel.select(timeout=0.2):
                sock = key.fileobj
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:  # the server closed it: reopen, as a real phone would retry
                    kind = conns.pop(sock)[0]
                    sel.unregister(sock)
                    sock.close()
                    self.reopened += 1
                    add(kind)
            if time.monotonic() >= next_drip:
                next_drip += 1.0
                for sock, state in list(conns.items()):
                    if state[0] == "slow" and state[1] < len(self.REQUEST):
                        try:
                            sock.send(self.REQUEST[state[1] : state[1] + 1])
                            state[1] += 1
                        except OSError:
                            pass
        for sock in conns:
            sock.close()
        sel.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebServer:
    """`python -m buyerweb` (the same command `luckydraw web` runs) as a subprocess."""

    def __init__(self, db_url: str, workers: int | None = None, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "buyerweb", "--db", db_url, "--host", "127.0.0.1", "--port", str(self.port)]
        if workers:
            args += ["--workers", str(workers)]
        full_env = {**os.environ, "LUCKYDRAW_HOLD_LIMIT_IP": "off", "LUCKYDRAW_HOLD_LIMIT_MOBILE": "off", **(env or {})}
        self.log = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.banner = self.proc.stdout.readline().strip()
        if self.proc.poll() is not None or "http://" not in self.banner:
            self.stop()
            self.log.seek(0)
            raise RuntimeError(f"server did not start: {self.banner}\n{self.log.read()}")
        try:
            self._wait_ready()
        except RuntimeError:
            self.stop()
            raise

    def _wait_ready(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if b"200 OK" in s.recv(1024):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server never answered /healthz")

    def pids(self) -> list[int]:
        """The server's main process and every process below it."""
        return [self.proc.pid, *descendants(self.proc.pid)]

    def memory(self) -> dict:
        """RSS and PSS (shared pages split between the processes sharing them) of the whole
        web, in MiB, and how many processes it is."""
        rss = pss = 0
        pids = self.pids()
        for pid in pids:
            rss += _status_kib(pid, "VmRSS")
            pss += _rollup_kib(pid, "Pss")
        return {"rss_mib": rss / 1024, "pss_mib": pss / 1024, "processes": len(pids)}

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server's processes: per request, a figure
        that other work on the machine disturbs far less than req/s."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def errors(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def descendants(pid: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rollup_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler:
    """The largest whole-web memory seen, sampled every 0.25 s while a load runs."""

    def __init__(self, server: WebServer):
        self.server = server
        self.peak = {"rss_mib": 0.0, "pss_mib": 0.0, "processes": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.25):
            now = self.server.memory()
            if now["rss_mib"] > self.peak["rss_mib"]:
                self.peak = now

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(2)


def race(
    host: str,
    port: int,
    tickets: int,
    buyers: int,
    connections: int = 256,
    timeout: float = 15.0,
    mobile0: int = 9_000_000_000,
) -> dict:
    """Sale opening: `buyers` buyers, each wanting 1–3 numbers picked at random from those not yet
    known to be taken, POST /api/orders over `connections` keep-alive connections at once. Returns
    latencies, statuses and the wall time from the first request to the last answer."""
    import asyncio

    free = list(range(1, tickets + 1))
    known_taken: set[int] = set()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    rng = random.Random()

    def pick() -> list[int]:
        pool = [n for n in free if n not in known_taken] if len(known_taken) > tickets // 2 else free
        want = rng.randint(1, 3)
        picks = set()
        for _ in range(want * 4):
            if len(picks) == want or not pool:
                break
            n = rng.choice(pool)
            if n not in known_taken:
                picks.add(n)
        return sorted(picks) or [rng.randint(1, tickets)]

    async def connection(queue: asyncio.Queue):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while True:
                try:
                    number = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body = json.dumps(
                    {"name": f"Buyer {number}", "mobile": str(mobile0 + number), "tickets": pick()}
                ).encode()
                address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"  # the buyer's phone
                head = (
                    f"POST /api/orders HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                    f"X-Forwarded-For: {address}\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                started = time.perf_counter()
                writer.write(head + body)
                status_line = await reader.readline()
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                payload = await reader.readexactly(length) if length else b""
                latencies.append(time.perf_counter() - started)
                status = int(status_line.split()[1]) if status_line else 0
                statuses[status] = statuses.get(status, 0) + 1
                try:
                    data = json.loads(payload)
                except ValueError:
                    data = {}
                known_taken.update(data.get("taken", []) if status == 409 else data.get("tickets", []))
        finally:
            writer.close()

    async def main():
        queue: asyncio.Queue = asyncio.Queue()
        for number in range(buyers):
            queue.put_nowait(number)
        started = time.perf_counter()
        results = await asyncio.wait_for(
            asyncio.gather(*(connection(queue) for _ in range(connections)), return_exceptions=True), timeout
        )
        return time.perf_counter() - started, [r for r in results if isinstance(r, Exception)]

    elapsed, failures = asyncio.run(main())
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0

    return {
        "elapsed": elapsed,
        "answered": len(latencies),
        "status": statuses,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
        "client_errors": [repr(f) for f in failures[:3]],
        "client_error_count": len(failures),
    }
