"""Tunnel clients for `luckydraw up --share`: the public HTTPS address buyers on mobile data can open.

One small class per client says how to start it and how to read its address from what it prints:
cloudflared quick tunnels, Tailscale Funnel, and an SSH reverse tunnel (to a service of the
`ssh -R 80:localhost:PORT` kind, which prints the address, or to the organiser's own server, whose
address they give). `Tunnel` supervises one client: it starts it in its own process group, reads
its output, notices when it exits or its address changes, restarts it with backoff, and stops it
(and everything it started) with the console.

Whatever a client prints is text from outside: `clean_line` drops terminal escapes and makes
control characters visible before any of it is kept or shown.
"""

import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path

TUNNEL_LOG = "luckydraw-tunnel.log"
BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # seconds between restarts, reset after a good run
STEADY_SECONDS = 60.0  # a run this long counts as good: the next failure starts the backoff again
STOP_TIMEOUT = 5.0

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def clean_line(raw: str) -> str:
    """One line a client printed, safe to keep, parse and show: colour and cursor escapes removed,
    other control characters shown as escapes (`\\x07`), ends trimmed, at most 300 characters."""
    text = _ANSI.sub("", raw.rstrip("\r\n"))
    text = text.rsplit("\r", 1)[-1]  # a line redrawn in place: what is left on the screen
    return _CONTROL.sub(_escape, text).strip()[:300]


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class ShareError(Exception):
    """`--share` cannot start as asked; the message says what to do, in one sentence."""


class TunnelClient:
    """How to run one kind of tunnel client and read its public address from its output."""

    name = ""
    program = ""
    install = ""  # one line: how to install it
    has_fallback = False  # fallback_address() can find the address when the output has not shown it

    def installed(self) -> bool:
        return shutil.which(self.program) is not None

    def command(self, port: int) -> list[str]:
        raise NotImplementedError

    def address(self, line: str) -> str | None:
        """The public address if this (cleaned) output line announces it, else None."""
        raise NotImplementedError

    def known_address(self) -> str | None:
        """An address known without reading the output (the organiser gave it), else None."""
        return None

    def fallback_address(self) -> str | None:
        """Asked when the client runs but has printed no address for a while; None: keep waiting."""
        return None

    def label(self) -> str:
        return self.name


class Cloudflared(TunnelClient):
    """A cloudflared quick tunnel: no account; a new random address on every start, shown in a box
    in its log: `INF |  https://<words>.trycloudflare.com  |`."""

    name = "cloudflared"
    program = "cloudflared"
    install = "cloudflared (no account needed): https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/"
    _BOXED = re.compile(r"\|\s*(https://[a-z0-9]+(?:-[a-z0-9]+)*\.trycloudflare\.com)/?\s*\|")

    def command(self, port: int) -> list[str]:
        return [self.program, "tunnel", "--no-autoupdate", "--url", f"http://127.0.0.1:{port}"]

    def address(self, line: str) -> str | None:
        match = self._BOXED.search(line)
        return match.group(1) + "/" if match else None


class Tailscale(TunnelClient):
    """Tailscale Funnel: a stable `https://<machine>.<tailnet>.ts.net/` address. `tailscale funnel
    PORT` prints it under `Available on the internet:`; `tailscale status --json` knows it too."""

    name = "tailscale"
    program = "tailscale"
    install = "Tailscale, then turn Funnel on for this machine: https://tailscale.com/kb/1223/funnel"
    has_fallback = True
    _HOST = re.compile(r"(https://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+ts\.net)(?::443)?/?(?=\s|$)")

    def command(self, port: int) -> list[str]:
        return [self.program, "funnel", str(port)]

    def address(self, line: str) -> str | None:
        match = self._HOST.match(line.strip())
        return match.group(1) + "/" if match else None

    def fallback_address(self) -> str | None:
        try:
            done = subprocess.run(
                [self.program, "status", "--json"], capture_output=True, text=True, timeout=5, stdin=subprocess.DEVNULL
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return self.address_from_status(done.stdout) if done.returncode == 0 else None

    @classmethod
    def address_from_status(cls, text: str) -> str | None:
        """The address in `tailscale status --json` (Self.DNSName, 'laptop.tail1234.ts.net.')."""
        try:
            name = json.loads(text)["Self"]["DNSName"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(name, str):
            return None
        match = cls._HOST.match(f"https://{name.rstrip('.').lower()}/")
        return match.group(1) + "/" if match else None


@dataclass
class SshTarget:
    user_host: str  # user@host
    port: int | None = None  # the SSH port, when not 22


class Ssh(TunnelClient):
    """An SSH reverse tunnel. To a tunnel service (`ssh -R 80:localhost:PORT user@service`), which
    prints the address; or to the organiser's own server (`--share-remote-port`, `--share-url`):
    `-R <remote port>:127.0.0.1:PORT`, and the address is the one they give, once it answers."""

    name = "ssh"
    program = "ssh"
    install = "OpenSSH's client (Debian/Ubuntu: apt install openssh-client)"
    _URL = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?/?(?=[\s,;)\"']|$)")
    _NOT_THE_TUNNEL = re.compile(r"^https://(?:admin|www|docs|dashboard|login|app|console|help)\.", re.I)

    def __init__(
        self,
        target: SshTarget,
        *,
        remote_port: int | None = None,
        url: str | None = None,
        options: tuple[str, ...] = (),
    ) -> None:
        self.target = target
        self.remote_port = remote_port
        self.url = url
        self.options = tuple(options)

    @classmethod
    def parse(cls, spec: str, **kwargs) -> "Ssh":
        """'user@host' or 'user@host:2222' (after 'ssh:')."""
        match = re.fullmatch(r"([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?", spec)
        if not match or spec.startswith("-"):
            raise ShareError(f"--share ssh: needs user@host or user@host:port, not {spec!r}")
        port = int(match.group(3)) if match.group(3) else None
        if port is not None and not 0 < port < 65536:
            raise ShareError(f"--share ssh: {port} is not a port number")
        host = match.group(2).strip("[]")
        return cls(SshTarget((match.group(1) or "") + host, port), **kwargs)

    def label(self) -> str:
        return f"ssh {self.target.user_host}"

    def command(self, port: int) -> list[str]:
        command = [self.program, "-T"]
        for option in self.options:  # first: ssh keeps the first value it is given for an option
            command += ["-o", option]
        command += [
            "-o", "BatchMode=yes",  # never ask for a password on the organiser's terminal
            "-o", "StrictHostKeyChecking=accept-new",
            "-o", "ExitOnForwardFailure=yes",
            "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
        ]  # fmt: skip
        if self.target.port:
            command += ["-p", str(self.target.port)]
        if self.url:  # own server: nothing to print, no session needed
            command += ["-N", "-R", f"{self.remote_port or 80}:127.0.0.1:{port}"]
        else:
            command += ["-R", f"{self.remote_port or 80}:localhost:{port}"]
        return command + ["--", self.target.user_host]

    def address(self, line: str) -> str | None:
        if self.url:
            return None
        for match in self._URL.finditer(line):
            url = match.group().rstrip("/")
            if not self._NOT_THE_TUNNEL.match(url):
                return url + "/"
        return None

    def known_address(self) -> str | None:
        return self.url


CLIENTS = (Cloudflared, Tailscale)  # the order `--share auto` tries them in (ssh needs a host)


def choose_client(
    spec: str,
    *,
    share_url: str | None = None,
    remote_port: int | None = None,
    ssh_options: tuple[str, ...] = (),
    which=shutil.which,
) -> TunnelClient:
    """The client `--share SPEC` names: auto, cloudflared, tailscale or ssh:user@host[:port].
    Raises ShareError with one line saying what to install (or fix) when it cannot be used."""
    spec = (spec or "auto").strip()
    if share_url is not None and not re.fullmatch(r"https?://[^\s/?#]+/?", share_url):
        raise ShareError(
            f"--share-url must be the address buyers open, like https://draw.example.in/, not {share_url!r}"
        )
    if share_url is not None and not share_url.endswith("/"):
        share_url += "/"
    if spec.startswith("ssh:"):
        client: TunnelClient = Ssh.parse(spec[4:], remote_port=remote_port, url=share_url, options=ssh_options)
        if share_url and not remote_port:
            raise ShareError("--share-url with an SSH tunnel needs --share-remote-port: the port your server forwards")
        if which(client.program) is None:
            raise ShareError(f"ssh is not installed; install {client.install}")
        return client
    if share_url or remote_port or ssh_options:
        raise ShareError("--share-url, --share-remote-port and --ssh-option go with --share ssh:user@host")
    names = {cls.name: cls for cls in CLIENTS}
    if spec == "auto":
        for cls in CLIENTS:
            if which(cls.program) is not None:
                return cls()
        raise ShareError(
            "no tunnel client is installed: install "
            + "; or ".join(cls.install for cls in CLIENTS)
            + "; or use --share ssh:user@host"
        )
    if spec not in names:
        raise ShareError(f"--share takes auto, cloudflared, tailscale or ssh:user@host, not {spec!r}")
    client = names[spec]()
    if which(client.program) is None:
        raise ShareError(f"{client.name} is not installed; install {client.install}")
    return client


# Supervision ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TunnelState:
    """What the console shows about the tunnel. `version` grows with every change."""

    client: str
    status: str = "starting"  # starting | up | down | stopped
    address: str | None = None
    message: str = ""
    version: int = 0
    restarts: int = 0


# Linux: the client gets SIGTERM if the process supervising it dies without stopping it (killed with
# SIGKILL, say), so no tunnel outlives its console. A tiny launcher sets that up and execs the client
# (preexec_fn is not safe in a process with threads, which the console has).
_PDEATHSIG_LAUNCHER = (
    "import ctypes, os, signal, sys\n"
    "try:\n"
    "    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)\n"
    "except (OSError, AttributeError):\n"
    "    pass\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    sys.exit(0)\n"
    "try:\n"
    "    os.execvp(sys.argv[2], sys.argv[2:])\n"
    "except OSError as error:\n"
    "    print(f'cannot start {sys.argv[2]}: {error.strerror}', flush=True)\n"
    "    sys.exit(127)\n"
)


def guarded(command: list[str]) -> list[str]:
    """`command`, started so that it ends when this process does (Linux), else unchanged."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-c", _PDEATHSIG_LAUNCHER, str(os.getpid()), *command]


@dataclass
class _Run:
    process: subprocess.Popen
    started: float
    lines: collections.deque = field(default_factory=lambda: collections.deque(maxlen=20))


class Tunnel:
    """Runs `client` for the web on `port` until stop(), restarting it with backoff when it exits.
    `on_change(state)` is called (from the supervising thread) on every change of state."""

    def __init__(
        self,
        client: TunnelClient,
        port: int,
        *,
        log_path: str | Path | None = TUNNEL_LOG,
        on_change=None,
        backoff: tuple[float, ...] = BACKOFF,
        steady_seconds: float = STEADY_SECONDS,
        fallback_after: float = 8.0,
        probe_timeout: float = 20.0,
    ) -> None:
        self.client = client
        self.port = port
        self.log_path = Path(log_path).resolve() if log_path else None
        self.on_change = on_change
        self.backoff = backoff
        self.steady_seconds = steady_seconds
        self.fallback_after = fallback_after
        self.probe_timeout = probe_timeout
        self._state = TunnelState(client.label())
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._run: _Run | None = None
        self._thread: threading.Thread | None = None

    # What the console reads -----------------------------------------------------------------------

    def state(self) -> TunnelState:
        with self._lock:
            return self._state

    def wait_for(self, predicate, timeout: float) -> TunnelState:
        """The first state (now or later) for which predicate(state) is true, or the last one seen."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self._state):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return self._state

    def wait_for_address(self, timeout: float) -> str | None:
        return self.wait_for(lambda s: s.status == "up" or s.status == "stopped", timeout).address

    def _set(self, **changes) -> None:
        with self._changed:
            if all(getattr(self._state, k) == v for k, v in changes.items()):
                return
            self._state = replace(self._state, version=self._state.version + 1, **changes)
            state = self._state
            self._changed.notify_all()
        if self.on_change is not None:
            self.on_change(state)

    # Running ----------------------------------------------------------------------------------------

    def start(self) -> "Tunnel":
        self._thread = threading.Thread(target=self._supervise, name=f"tunnel-{self.client.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the client and whatever it started; returns when it is gone."""
        self._stopping.set()
        with self._lock:
            run = self._run
        if run is not None:
            _stop_group(run.process)
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT * 2)
        self._set(status="stopped", message=f"{self.client.label()} stopped")

    def _log(self, text: str) -> None:
        if self.log_path is None:
            return
        try:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}\n")
        except OSError:
            pass

    def _supervise(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            run = self._start_one()
            if run is None:
                failures += 1
            else:
                self._watch(run)
                failures = 0 if time.monotonic() - run.started >= self.steady_seconds else failures + 1
            if self._stopping.is_set():
                break
            delay = self.backoff[min(max(failures - 1, 0), len(self.backoff) - 1)]
            state = self.state()
            self._set(restarts=state.restarts + 1, message=f"{state.message}; trying again in {delay:g} s")
            if self._stopping.wait(delay):
                break

    def _start_one(self) -> _Run | None:
        command = self.client.command(self.port)
        self._log("$ " + " ".join(command))
        self._set(
            status="starting" if self._state.address is None else "down", message=f"starting {self.client.label()}…"
        )
        try:
            process = subprocess.Popen(
                guarded(command),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                bufsize=0,
            )
        except OSError as error:
            self._set(status="down", message=f"{self.client.label()} could not start: {clean_line(str(error))}")
            return None
        run = _Run(process, time.monotonic())
        with self._lock:
            self._run = run
        if self._stopping.is_set():
            _stop_group(process)
        return run

    def _watch(self, run: _Run) -> None:
        known = self.client.known_address()
        if known is not None:
            threading.Thread(target=self._probe, args=(run, known), daemon=True).start()
        elif self.client.has_fallback:
            threading.Thread(target=self._fallback, args=(run,), daemon=True).start()
        assert run.process.stdout is not None
        for raw in iter(run.process.stdout.readline, b""):
            line = clean_line(raw.decode("utf-8", "replace"))
            if not line:
                continue
            run.lines.append(line)
            self._log(line)
            address = self.client.address(line)
            if address is not None:
                self._found(address)
        code = run.process.wait()
        with self._lock:
            self._run = None
        if self._stopping.is_set():
            return
        last = run.lines[-1] if run.lines else "no output"
        self._log(f"exited with code {code}")
        self._set(status="down", message=f"{self.client.label()} stopped (exit {code}): {last}")

    def _found(self, address: str) -> None:
        previous = self.state().address
        if previous is None:
            message = f"buyers can open {address}"
        elif previous != address:
            message = f"the buyer address changed to {address}"
        else:
            message = f"{self.client.label()} is back: {address}"
        self._log(message)
        self._set(status="up", address=address, message=message)

    def _probe(self, run: _Run, address: str) -> None:
        """For an address the organiser gave: up once GET <address>healthz answers through the tunnel."""
        deadline = time.monotonic() + self.probe_timeout
        while run.process.poll() is None and not self._stopping.is_set():
            try:
                with urllib.request.urlopen(address + "healthz", timeout=2) as response:
                    if response.status == 200:
                        self._found(address)
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                self._set(message=f"{self.client.label()} runs but {address} does not answer yet")
                deadline = float("inf")
            self._stopping.wait(0.3)

    def _fallback(self, run: _Run) -> None:
        if self._stopping.wait(self.fallback_after) or run.process.poll() is not None:
            return
        if self._run is run and self.state().status != "up":
            address = self.client.fallback_address()
            if address is not None and run.process.poll() is None:
                self._found(address)


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the client's process group, wait, then SIGKILL whatever is left."""
    for signum, wait in ((signal.SIGTERM, STOP_TIMEOUT), (getattr(signal, "SIGKILL", signal.SIGTERM), 2.0)):
        try:
            os.killpg(process.pid, signum) if hasattr(os, "killpg") else process.terminate()
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.wait(wait)
            if signum == signal.SIGTERM:
                try:  # leftovers the client started in its group
                    os.killpg(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
                except (ProcessLookupError, PermissionError, AttributeError):
                    pass
            return
        except subprocess.TimeoutExpired:
            continue
