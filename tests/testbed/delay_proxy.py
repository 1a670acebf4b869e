"""A TCP proxy that adds a round-trip time on loopback (this kernel has no netem; no root needed).

Each chunk read from one side is held RTT/2 before it is written to the other, in order, one reader and
one writer task per direction, TCP_NODELAY on every socket. It also counts what a network would show:
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

    # -- one direction -----------------------------------------------------------------------------
    async def _pipe(self, reader, writer, up, chain):
        """`chain` (shared by the connection's two pipes) counts its rounds (_Stats.rounds): "client" is
        the deepest round delivered to the client, "flights" the client's flights not yet at the server
        as (time it reaches the server, round), oldest first (their rounds never decrease), "server"
        the deepest round that has reached the server."""
        q = asyncio.Queue()
        held = [0]
        room = asyncio.Event()
        room.set()

        async def read_side():
            try:
                while True:
                    await room.wait()
                    data = await reader.read(CHUNK)
                    now = time.monotonic()
                    with self._stats.lock:
                        if up:
                            depth = chain["client"] + 1
                            chain["flights"].append((now + self.delay, depth))
                        else:
                            flights = chain["flights"]
                            while flights and flights[0][0] <= now:
                                chain["server"] = max(chain["server"], flights.popleft()[1])
                            depth = chain["server"]
                    await q.put((now + self.delay, data, depth))
                    if not data:
                        return
                    held[0] += len(data)
                    with self._stats.lock:
                        if up:
                            self._stats.max_up = max(self._stats.max_up, held[0])
                            self._stats.bytes_up += len(data)
                        else:
                            self._stats.max_down = max(self._stats.max_down, held[0])
                            self._stats.bytes_down += len(data)
                    if held[0] >= HOLD_CAP:
                        room.clear()
            except (ConnectionError, OSError):
                await q.put((time.monotonic() + self.delay, b"", 0))

        async def write_side():
            try:
                while True:
                    due, data, depth = await q.get()
                    wait = due - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    if not data:
                        if writer.can_write_eof():
                            writer.write_eof()
                        return
                    # Whatever else is already due goes in the same write.
                    parts = [data]
                    while not q.empty():
                        d2, nxt, depth2 = q._queue[0]  # noqa: SLF001 (peek; asyncio.Queue is a deque)
                        if d2 > time.monotonic() or not nxt:
                            break
                        q.get_nowait()
                        parts.append(nxt)
                        depth = max(depth, depth2)
                    blob = b"".join(parts)
                    writer.write(blob)
                    if not up:
                        with self._stats.lock:
                            chain["client"] = max(chain["client"], depth)
                            self._stats.rounds = max(self._stats.rounds, depth)
                    await writer.drain()
                    held[0] -= len(blob)
                    if held[0] < HOLD_CAP:
                        room.set()
            except (ConnectionError, OSError):
                pass
            finally:
                reader_task.cancel()

        reader_task = asyncio.ensure_future(read_side())
        await write_side()

    async def _serve(self, c_reader, c_writer):
        sock = c_writer.get_extra_info("socket")
        host = self.upstream_host or sock.getsockname()[0]
        for attempt in range(5):  # a busy sshd (hundreds of logins at once) may refuse for a moment
            try:
                s_reader, s_writer = await asyncio.open_connection(host, self.upstream_port)
                break
            except OSError:
                if attempt == 4:
                    c_writer.close()
                    return
                await asyncio.sleep(0.05 * (attempt + 1))
        for w in (c_writer, s_writer):
            w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._stats.lock:
            self._stats.connections += 1
        try:
            chain = {"client": 0, "server": 0, "flights": collections.deque()}
            await asyncio.gather(self._pipe(c_reader, s_writer, True, chain),
                                 self._pipe(s_reader, c_writer, False, chain))
        except asyncio.CancelledError:
            pass  # stop(): ends normally, so asyncio's server callback logs no traceback for it
        finally:
            for w in (c_writer, s_writer):
                try:
                    w.close()
                except OSError:
                    pass

    async def _main(self):
        self._main_task = asyncio.current_task()
        self._server = await asyncio.start_server(self._serve, self.listen_host, self.port, backlog=1024,
                                                  reuse_port=self.reuse_port or None)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await self._server.serve_forever()
        except asyncio.CancelledError:
            pass
        self._server.close()
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
