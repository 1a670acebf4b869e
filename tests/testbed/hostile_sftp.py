"""A hostile SFTP v3 server for the e2e suite: sshd runs it as `Subsystem sftp` (SshHost.use_sftp) and it
speaks the protocol on stdin/stdout (4-byte length, 1-byte type, big-endian fields: struct.pack), serving a
made-up tree whose answers carry what an attacker's server would put in them:

  /esc       names with escape sequences; opening a file or making a directory there fails with escape
             sequences in the STATUS text (what `put -r` shows: it makes directories over SFTP)

`get` uses no SFTP (a tar stream on an exec channel: tests/e2e/test_hostile_tree.py plays a hostile node's
tar). Anything else gets SSH_FX_NO_SUCH_FILE or SSH_FX_OP_UNSUPPORTED.
"""
import os
import stat
import struct
import sys

FILE_DATA = b"hostile\n"

INIT, VERSION, OPEN, CLOSE, READ = 1, 2, 3, 4, 5
LSTAT, FSTAT, OPENDIR, READDIR, MKDIR = 7, 8, 11, 12, 14
REALPATH, STAT = 16, 17
STATUS, HANDLE, DATA, NAME, ATTRS = 101, 102, 103, 104, 105
OK, EOF, NO_SUCH_FILE, PERMISSION_DENIED, OP_UNSUPPORTED = 0, 1, 2, 3, 8
ATTR_SIZE, ATTR_PERMISSIONS = 0x1, 0x4

ESC_NAMES = ["\x1b]0;pwned\x07title", "\x1b[31mred\x1b[0m", "bell\x07\x07"]
ESC_ERROR = "\x1b[2J\x1b[Hdenied \x1b]0;pwned\x07"

DIR, FILE = "dir", "file"


def u32(n):
    return struct.pack(">I", n)


def string(b):
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    return u32(len(b)) + b


def attrs(kind):
    mode = {DIR: stat.S_IFDIR | 0o755, FILE: stat.S_IFREG | 0o644}[kind]
    size = len(FILE_DATA) if kind == FILE else 0
    return u32(ATTR_SIZE | ATTR_PERMISSIONS) + struct.pack(">Q", size) + u32(mode)


def norm(path):
    """The server's view of a path: absolute, '.' and '..' resolved lexically."""
    parts = []
    for p in path.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            parts and parts.pop()
            continue
        parts.append(p)
    return "/" + "/".join(parts)


def listing(path):
    """[(name, kind)] of a directory, or None if `path` is not one."""
    p = norm(path)
    if p == "/":
        return [(".", DIR), ("..", DIR), ("esc", DIR)]
    if p == "/esc":
        return [(".", DIR), ("..", DIR)] + [(n, FILE) for n in ESC_NAMES]
    return None


def kind_of(path):
    """What `path` is, or None."""
    raw = path.rstrip("/") or "/"
    parent, _, name = raw.rpartition("/")
    if listing(raw) is not None:
        return DIR
    for n, k in listing(parent or "/") or []:
        if n == name:
            return k
    return None


class Server:
    def __init__(self):
        self.rd = sys.stdin.buffer
        self.wr = sys.stdout.buffer
        self.handles = {}
        self.next_handle = 0

    def send(self, kind, body):
        self.wr.write(u32(len(body) + 1) + bytes([kind]) + body)
        self.wr.flush()

    def status(self, rid, code, msg=""):
        self.send(STATUS, u32(rid) + u32(code) + string(msg) + string(""))

    def handle(self, obj):
        self.next_handle += 1
        h = str(self.next_handle).encode()
        self.handles[h] = obj
        return h

    def read_exact(self, n):
        b = b""
        while len(b) < n:
            chunk = self.rd.read(n - len(b))
            if not chunk:
                sys.exit(0)
            b += chunk
        return b

    def run(self):
        while True:
            (length,) = struct.unpack(">I", self.read_exact(4))
            packet = self.read_exact(length)
            self.dispatch(packet[0], packet[1:])

    def dispatch(self, kind, body):
        if kind == INIT:
            return self.send(VERSION, u32(3))
        (rid,) = struct.unpack(">I", body[:4])
        rest = body[4:]

        def text(off=0):
            (n,) = struct.unpack(">I", rest[off:off + 4])
            return rest[off + 4:off + 4 + n].decode("utf-8", "surrogateescape"), off + 4 + n

        if kind == REALPATH:
            path, _ = text()
            return self.send(NAME, u32(rid) + u32(1) + string(norm(path)) + string(norm(path)) + attrs(DIR))
        if kind in (STAT, LSTAT):
            path, _ = text()
            k = kind_of(path)
            if k is None:
                return self.status(rid, NO_SUCH_FILE, "No such file")
            return self.send(ATTRS, u32(rid) + attrs(k))
        if kind == OPENDIR:
            path, _ = text()
            entries = listing(path)
            if entries is None:
                return self.status(rid, NO_SUCH_FILE, "No such file")
            return self.send(HANDLE, u32(rid) + string(self.handle(("dir", path, entries))))
        if kind == READDIR:
            h, _ = text()
            obj = self.handles.get(h.encode())
            if not obj or obj[0] != "dir":
                return self.status(rid, NO_SUCH_FILE, "bad handle")
            _, path, entries = obj
            if not entries:
                return self.status(rid, EOF, "")
            self.handles[h.encode()] = ("dir", path, [])
            out = u32(rid) + u32(len(entries))
            for name, k in entries:
                longname = f"{'d' if k == DIR else '-'}rw-r--r--    1 root     root    0 Jan  1 00:00 {name}"
                out += string(name) + string(longname) + attrs(k)
            return self.send(NAME, out)
        if kind in (OPEN, MKDIR):
            path, _ = text()
            if norm(path).startswith("/esc"):
                return self.status(rid, PERMISSION_DENIED, ESC_ERROR)
            if kind == MKDIR:
                return self.status(rid, PERMISSION_DENIED, "read-only")
            if kind_of(path) != FILE:
                return self.status(rid, NO_SUCH_FILE, "No such file")
            return self.send(HANDLE, u32(rid) + string(self.handle(("file", path))))
        if kind == FSTAT:
            return self.send(ATTRS, u32(rid) + attrs(FILE))
        if kind == READ:
            h, off = text()
            (offset,) = struct.unpack(">Q", rest[off:off + 8])
            (n,) = struct.unpack(">I", rest[off + 8:off + 12])
            if offset >= len(FILE_DATA):
                return self.status(rid, EOF, "")
            return self.send(DATA, u32(rid) + string(FILE_DATA[offset:offset + n]))
        if kind == CLOSE:
            h, _ = text()
            self.handles.pop(h.encode(), None)
            return self.status(rid, OK)
        return self.status(rid, OP_UNSUPPORTED, "not supported here")


if __name__ == "__main__":
    os.umask(0o077)
    Server().run()
