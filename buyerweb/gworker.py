"""A gunicorn worker that serves with waitress inside each pre-forked process.

Why: gunicorn's own workers read a request in the thread that will run it, so 200 phones on bad
connections that open a connection and then trickle (or send nothing) tie up every thread and
everyone else waits (measured: 0 req/s for others with 2 × 4 gthread workers). waitress reads
and buffers requests and responses in an event loop and hands only complete requests to its
threads, so slow clients cost a socket, not a thread. gunicorn keeps what it is good at: the
master process, worker restarts, signals, and SO_REUSEPORT so the kernel spreads connections
evenly over the workers."""

import logging
import os
import sys
import time

from gunicorn.workers.base import Worker


class WaitressWorker(Worker):
    def run(self):
        from waitress import wasyncore
        from waitress.server import create_server

        # The event-loop thread and the request threads pass the GIL back and forth for every
        # request; Python's default 5 ms switch interval then shows up in the tail latency.
        sys.setswitchinterval(float(os.environ.get("LUCKYDRAW_GIL_SWITCH", "0.001")))
        # "Task queue depth is N" on every busy moment is noise, not news.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        socket_map = {}
        server = create_server(
            self.wsgi,
            map=socket_map,
            sockets=[listener.sock for listener in self.sockets],
            threads=max(1, self.cfg.threads),
            connection_limit=self.cfg.worker_connections,
            channel_timeout=60,
            cleanup_interval=10,
            backlog=self.cfg.backlog,
            ident="luckydraw",
            asyncore_use_poll=True,
            max_request_body_size=64 * 1024,
            clear_untrusted_proxy_headers=False,  # the app decides whom to believe (http.apply_forwarded)
            expose_tracebacks=False,
            log_untrusted_proxy_headers=False,
        )
        last_notify = 0.0
        try:
            while self.alive:
                now = time.monotonic()
                if now - last_notify >= 1.0:
                    self.notify()
                    last_notify = now
                    if self.ppid != os.getppid():
                        self.log.info("Parent changed, shutting down: %s", self)
                        break
                # One poll at a time (it handles every ready socket): an idle worker still
                # tells the master it is alive each second instead of being killed as hung.
                wasyncore.loop(timeout=1.0, map=socket_map, use_poll=True, count=1)
        finally:
            server.task_dispatcher.shutdown(timeout=5)
