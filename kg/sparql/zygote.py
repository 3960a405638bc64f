"""Query workers forked from a zygote that shares the web process's in-memory store.

pyoxigraph cannot cancel a query (DESIGN §11), so a query must run in a process that
can be killed at the deadline. Over an on-disk store each worker opens the store itself
(:mod:`kg.sparql.worker`); an in-memory copy cannot be opened twice, and loading one
copy per worker would cost its memory and its load time per worker. Instead:

1. the web process loads the in-memory copy, then, while it still runs a single thread,
   forks the **zygote**: a single-threaded process that holds the same store
   (copy-on-write pages, so no second copy is made) and does nothing but fork;
2. to get a worker, the web process makes a socket pair and sends one end to the zygote
   over the control socket (``SCM_RIGHTS``, :func:`socket.send_fds`); the zygote forks a
   child that answers queries on that end (:func:`kg.sparql.worker.answer_requests`).
   The zygote never replies, so several processes (gunicorn workers forked from a
   preloading master) can share one control socket: each ``SOCK_SEQPACKET`` message is
   delivered whole;
3. the new worker's first message carries a pidfd of itself (Linux ``pidfd_open(2)``),
   which the web process uses to kill it at the deadline without the PID-reuse race of
   ``kill(2)`` on a process that is not its child. The zygote ignores ``SIGCHLD``, so the
   kernel reaps killed workers.

The zygote exits when its control socket reaches end-of-file, that is when every web
process holding it is gone; workers exit when their channel closes, or within half a
second of the zygote's exit (:func:`kg.sparql.worker.exit_with_parent`).

Forking a process that runs other threads can leave locks held in the child, so
:class:`Zygote` refuses to start in a process with more than one thread (native threads
included, counted in ``/proc/self/task``): it must be created before any server thread.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import socket
import threading
import time
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.errors import StoreError
from kg.sparql.worker import answer_requests, exit_with_parent

#: The one byte a forked worker sends, with its pidfd, when it is ready.
READY = b"R"


def thread_count() -> int:
    """Threads of this process, native ones included (Linux ``/proc``)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class Zygote:
    """A single-threaded process, forked with the in-memory store, that forks workers."""

    def __init__(self, store: ox.Store) -> None:
        threads = thread_count()
        if threads != 1:
            raise StoreError(
                f"cannot start query workers over the in-memory store: this process already "
                f"runs {threads} threads, and forking it could deadlock the workers"
            )
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # the zygote: never returns into the caller's code
            code = 1
            try:
                ours.close()
                _zygote(store, theirs)
                code = 0
            finally:
                os._exit(code)
        theirs.close()
        self.pid, self._parent = pid, os.getpid()
        self._control = ours

    def fork_worker(self) -> socket.socket:
        """Ask for a new worker; returns our end of its channel (it answers on the other)."""
        mine, its = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(self._control, [b"fork"], [its.fileno()])
        except OSError as exc:
            mine.close()
            raise StoreError(f"the query-worker zygote is gone: {exc}") from None
        finally:
            its.close()
        return mine

    def close(self) -> None:
        """Close the control socket: the zygote exits once no other process holds it."""
        self._control.close()
        if os.getpid() != self._parent:  # a gunicorn worker: the master reaps the zygote
            return
        for _ in range(50):
            try:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    return
            except ChildProcessError:
                return
            time.sleep(0.02)


def _zygote(store: ox.Store, control: socket.socket) -> None:
    """Fork one worker per channel received, until the control socket closes."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the web process
    gc.disable()  # the zygote allocates almost nothing; leave the shared pages untouched
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(control, 16, 4)
        except InterruptedError:
            continue
        if not message:
            return
        for fd in fds:
            if os.fork() == 0:
                code = 1
                try:
                    control.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    gc.enable()
                    _worker(store, fd)
                    code = 0
                finally:
                    os._exit(code)
            os.close(fd)


def _worker(store: ox.Store, fd: int) -> None:
    """Send our pidfd, then answer requests on the channel ``fd``."""
    channel = socket.socket(fileno=fd)
    pidfd = os.pidfd_open(os.getpid())
    socket.send_fds(channel, [READY], [pidfd])
    os.close(pidfd)
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    conn = Connection(channel.detach())
    answer_requests(store, conn, conn)


class ForkedChannel:
    """The web process's side of one forked worker: its channel and its pidfd."""

    def __init__(self, zygote: Zygote, start_timeout: float) -> None:
        sock = zygote.fork_worker()
        try:
            sock.settimeout(start_timeout)
            message, fds, _flags, _addr = socket.recv_fds(sock, 1, 1)
        except OSError as exc:
            sock.close()
            raise StoreError(f"a query worker did not start: {exc}") from None
        if message != READY or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            sock.close()
            raise StoreError("a query worker did not start")
        self.pidfd = fds[0]
        sock.settimeout(None)  # Connection reads the descriptor directly
        self.conn = Connection(sock.detach())

    def kill(self, wait: float = 10.0) -> bool:
        """SIGKILL the worker and wait until it has exited; False if it did not in time."""
        if self.pidfd < 0:
            return True
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        exited = bool(select.select([self.pidfd], [], [], wait)[0])
        self.conn.close()
        os.close(self.pidfd)
        self.pidfd = -1
        return exited
