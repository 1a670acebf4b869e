"""A TCP proxy that adds a round-trip time on loopback (this kernel has no netem; no root needed).

Each chunk read from one side is held RTT/2 before it is written to the other, in order (asyncio protocols
and one timer per direction), TCP_NODELAY on every socket. It also counts what a network would show:
the most bytes held at once in each direction (bytes in flight) and the connections it carried, so a
test can assert how much a client keeps in flight instead of timing it.

One listener serves many hosts: a connection to ADDRESS:listen_port is forwarded to ADDRESS:upstream_port
(the address the client dialled, e.g. each 127.0.0.x of a bench fleet on one sshd).

    python3 -m testbed.delay_proxy --listen-port 2222 --upstream-port 22 --rtt-ms 50 [--stats FILE]
                                   [--workers N]  # N processes on the port (SO_REUSEPORT)

As a module: `p = DelayProxy(upstream_port, rtt_ms); p.start()` (a thread of its own), `p.port`,
`p.stats()`, `p.stop()`.
"""
import argparse
import asyncio
import collections
import json
import os
import signal
import socket
import sys
import threading
import time

CHUNK = 256 * 1024
HOLD_CAP = 64 << 20  # per direction: the most a "link" buffers before the sender is pushed back


class _Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.connections = 0
        self.max_up = 0    # client → server, most bytes held at once on one connection
        self.max_down = 0  # server → client
        self.bytes_up = 0
        self.bytes_down = 0
        # The longest chain of round trips on one connection: each client flight is one round deeper
        # than the server's bytes delivered to the client before it; the server's bytes are as deep as
        # the client flights that had reached the server when it sent them. An upper bound: a flight
        # nobody waits for (a window adjust) deepens what the server sends after it arrived; the
        # client's goodbye, which nothing answers, adds nothing.
        self.rounds = 0

    def snapshot(self):
        with self.lock:
            return {"connections": self.connections, "max_in_flight_up": self.max_up,
                    "max_in_flight_down": self.max_down, "bytes_up": self.bytes_up,
                    "bytes_down": self.bytes_down, "rounds": self.rounds}

    def reset(self):
        with self.lock:
            self.connections = self.max_up = self.max_down = self.bytes_up = self.bytes_down = 0
            self.rounds = 0


class DelayProxy:
    def __init__(self, upstream_port, rtt_ms, listen_port=0, listen_host="0.0.0.0", upstream_host=None,
                 reuse_port=False):
        """upstream_host None: forward to the address the client connected to. reuse_port: several
        processes listen on the same port (SO_REUSEPORT) and the kernel spreads connections among them."""
        self.reuse_port = reuse_port
        self.upstream_port = upstream_port
        self.upstream_host = upstream_host
        self.delay = rtt_ms / 2000.0
        self.listen_host = listen_host
        self.port = listen_port
        self._stats = _Stats()
        self._loop = None
        self._thread = None
        self._server = None
        self._main_task = None
        self._ready = threading.Event()
        self._links = set()
        self._tasks = set()  # connection setups: asyncio keeps only weak references to tasks

    # -- one connection: two delay lines ---------------------------------------------------------
    # Plain asyncio protocols and timers, no stream tasks: per chunk one callback to read it and
    # one timer to deliver it. The first version (a reader and a writer task per direction, an
    # asyncio.Queue between) cost so much CPU per chunk that 100 hosts' warm command spent ≈ 45 ms
    # in the proxy at RTT 0 (70 ms against 23 without it).
    async def _serve(self, c_transport):
        sock = c_transport.get_extra_info("socket")
        host = self.upstream_host or sock.getsockname()[0]
        link = _Link(self, c_transport)
        self._links.add(link)
        for attempt in range(5):  # a busy sshd (hundreds of logins at once) may refuse for a moment
            try:
                await self._loop.create_connection(lambda: _Side(link, up=False), host, self.upstream_port)
                break
            except OSError:
                if attempt == 4 or link.closed:
                    link.close()
                    return
                await asyncio.sleep(0.05 * (attempt + 1))
        if link.closed:
            link.close()
            return
        with self._stats.lock:
            self._stats.connections += 1
        link.start()

    async def _main(self):
        self._main_task = asyncio.current_task()
        self._server = await self._loop.create_server(lambda: _Side(None, up=True, proxy=self),
                                                      self.listen_host, self.port, backlog=1024,
                                                      reuse_port=self.reuse_port or None)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await self._server.serve_forever()
        except asyncio.CancelledError:
            pass
        self._server.close()
        for link in list(self._links):
            link.close()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in others:
            t.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    # -- control -----------------------------------------------------------------------------------
    def start(self):
        def run():
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self._main())
            except (asyncio.CancelledError, RuntimeError):
                pass
            finally:
                self._loop.close()
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("delay proxy did not start")
        return self

    def stop(self):
        """Closes the listener and every connection it carries."""
        if self._loop and self._main_task and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._main_task.cancel)
        if self._thread:
            self._thread.join(10)

    def stats(self):
        return self._stats.snapshot()

    def reset_stats(self):
        self._stats.reset()


class _Side(asyncio.Protocol):
    """One socket of a link: the client's (up: what it sends goes up) or the server's."""

    def __init__(self, link, up, proxy=None):
        self.link = link
        self.up = up
        self.proxy = proxy
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.up:  # the client: nothing is read until the server's side is there
            transport.pause_reading()
            task = asyncio.ensure_future(self.proxy._serve(transport))
            self.proxy._tasks.add(task)
            task.add_done_callback(self.proxy._tasks.discard)
        else:
            self.link.server = self

    def data_received(self, data):
        self.link.line(self.up).take(data)

    def eof_received(self):
        self.link.line(self.up).take(b"")
        return True  # half-closed: the other way still runs

    def connection_lost(self, exc):
        if self.link is not None:
            self.link.lost(self)

    def pause_writing(self):  # this socket's send buffer is full: the line feeding it stops reading
        if self.link is not None:
            self.link.line(not self.up).dst_full(True)

    def resume_writing(self):
        if self.link is not None:
            self.link.line(not self.up).dst_full(False)


class _Line:
    """One direction of a link: each chunk read from src is written to dst RTT/2 later, in order."""

    def __init__(self, link, up):
        self.link = link
        self.up = up
        self.q = collections.deque()  # (due, data, depth); b"" is the end of file
        self.held = 0
        self.timer = None
        self.capped = False  # src paused: HOLD_CAP reached
        self.full = False    # src paused: dst's send buffer is full
        self.done = False    # end of file delivered

    def take(self, data):
        link = self.link
        proxy = link.proxy
        now = proxy._loop.time()
        chain = link.chain
        with proxy._stats.lock:
            if self.up:
                depth = chain["client"] + 1
                if data:
                    chain["flights"].append((now + proxy.delay, depth))
            else:
                flights = chain["flights"]
                while flights and flights[0][0] <= now:
                    chain["server"] = max(chain["server"], flights.popleft()[1])
                depth = chain["server"]
            if data:
                self.held += len(data)
                st = proxy._stats
                if self.up:
                    st.max_up = max(st.max_up, self.held)
                    st.bytes_up += len(data)
                else:
                    st.max_down = max(st.max_down, self.held)
                    st.bytes_down += len(data)
        self.q.append((now + proxy.delay, data, depth))
        if self.held >= HOLD_CAP and not self.capped:
            self.capped = True
            self._src_reading()
        self._arm()

    def dst_full(self, full):
        self.full = full
        self._src_reading()

    def _src_reading(self):
        src = self.link.side(self.up)
        if src is None or src.transport is None or src.transport.is_closing():
            return
        if self.capped or self.full:
            src.transport.pause_reading()
        else:
            src.transport.resume_reading()

    def _arm(self):
        if self.timer is None and self.q and not self.done:
            self.timer = self.link.proxy._loop.call_at(self.q[0][0], self._deliver)

    def _deliver(self):
        self.timer = None
        link = self.link
        proxy = link.proxy
        now = proxy._loop.time()
        parts = []
        depth = 0
        eof = False
        while self.q and self.q[0][0] <= now:  # whatever is due goes in one write
            _, data, d = self.q.popleft()
            if not data:
                eof = True
                break
            parts.append(data)
            depth = max(depth, d)
        dst = link.side(not self.up)
        if parts:
            blob = b"".join(parts)
            if dst is None or dst.transport is None or dst.transport.is_closing():
                return link.close()  # the other end is gone: so is this link
            dst.transport.write(blob)
            self.held -= len(blob)
            if not self.up:
                with proxy._stats.lock:
                    link.chain["client"] = max(link.chain["client"], depth)
                    proxy._stats.rounds = max(proxy._stats.rounds, depth)
            if self.capped and self.held < HOLD_CAP:
                self.capped = False
                self._src_reading()
        if eof:
            self.done = True
            if dst is not None and dst.transport is not None and not dst.transport.is_closing() \
                    and dst.transport.can_write_eof():
                try:
                    dst.transport.write_eof()
                except OSError:  # that end is already gone: connection_lost closes the link
                    pass
            link.line_done()
            return
        self._arm()


class _Link:
    """A client's connection and the one the proxy made for it to the server."""

    def __init__(self, proxy, c_transport):
        self.proxy = proxy
        self.client = c_transport.get_protocol()
        self.client.link = self
        self.server = None
        self.lines = {True: _Line(self, True), False: _Line(self, False)}
        # Its rounds (_Stats.rounds): "client" is the deepest round delivered to the client,
        # "flights" the client's flights not yet at the server as (time it reaches the server,
        # round), oldest first (their rounds never decrease), "server" the deepest round that has
        # reached the server.
        self.chain = {"client": 0, "server": 0, "flights": collections.deque()}
        self.closed = False

    def line(self, up):
        return self.lines[up]

    def side(self, up):
        return self.client if up else self.server

    def start(self):
        if not self.closed:
            self.client.transport.resume_reading()

    def lost(self, side):
        # A socket closed or failed: what it sent is still delivered, then its end of file.
        line = self.lines[side.up]
        if not line.done and not (line.q and not line.q[-1][1]):
            line.take(b"")
        if self.server is None and side is self.client:
            self.closed = True  # still connecting upstream: _serve gives up

    def line_done(self):
        if all(x.done for x in self.lines.values()):
            self.close()

    def close(self):
        self.closed = True
        for x in self.lines.values():
            if x.timer is not None:
                x.timer.cancel()
                x.timer = None
            x.done = True
        for side in (self.client, self.server):
            if side is not None and side.transport is not None:
                side.transport.close()
        self.proxy._links.discard(self)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen-port", type=int, required=True)
    ap.add_argument("--upstream-port", type=int, required=True)
    ap.add_argument("--rtt-ms", type=float, required=True)
    ap.add_argument("--stats", help="file the counters are written to, every second and at exit (JSON)")
    ap.add_argument("--workers", type=int, default=1,
                    help="processes sharing the port (SO_REUSEPORT), so hundreds of connections are not "
                         "carried by one CPU; the counters (--stats) need 1")
    args = ap.parse_args()
    if args.workers > 1 and args.stats:
        ap.error("--stats counts one process: use --workers 1")
    children = []
    first = os.getpid()
    for _ in range(args.workers - 1):  # forked before any thread starts
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            p = DelayProxy(args.upstream_port, args.rtt_ms, listen_port=args.listen_port, reuse_port=True)
            p.start()
            while os.getppid() == first:  # the first process ended: so does this one
                time.sleep(0.5)
            os._exit(0)
        children.append(pid)
    p = DelayProxy(args.upstream_port, args.rtt_ms, listen_port=args.listen_port,
                   reuse_port=args.workers > 1)
    p.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"delay proxy :{p.port} → :{args.upstream_port}, RTT {args.rtt_ms} ms"
          + (f", {args.workers} processes" if args.workers > 1 else ""), flush=True)
    while not stop.wait(1):
        if args.stats:
            _write(args.stats, p.stats())
    if args.stats:
        _write(args.stats, p.stats())
    p.stop()
    for pid in children:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def _write(path, stats):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(stats, f)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
