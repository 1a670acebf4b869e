"""Processes the testbed starts, and their guaranteed teardown (atexit, SIGTERM/SIGHUP, explicit stop)."""
import atexit
import os
import signal
import subprocess
import time

_started = []      # Popen objects we started, in start order
_cleanups = []     # callables run at exit, last registered first
_installed = False


def _install():
    # SIGTERM/SIGHUP (ctest timeout, closed terminal) become SystemExit so atexit and finally blocks run.
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(cleanup_all)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, _exit_on_signal)


def _exit_on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def start(argv, **kw):
    """Popen that is killed (by its own pid) at exit if still running.

    It runs in a session of its own: keys typed at the terminal (Ctrl-C, Ctrl-Z at the dust prompt of
    `make demo`) signal the terminal's foreground process group, which must not include the services."""
    _install()
    kw.setdefault("start_new_session", True)
    p = subprocess.Popen(argv, **kw)
    _started.append(p)
    return p


def on_exit(fn):
    """Register fn to run at exit (or at cleanup_all); returns fn so it can be called early too."""
    _install()
    _cleanups.append(fn)
    return fn


def stop(p, timeout=3.0):
    """Terminate one process we started: SIGTERM, then SIGKILL after timeout."""
    if p.poll() is None:
        try:
            os.kill(p.pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
            p.terminate()
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        except ProcessLookupError:
            pass
    if p in _started:
        _started.remove(p)


def cleanup_all():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception as e:  # teardown must go on; say what failed
            print(f"testbed: cleanup {fn!r} failed: {e}", flush=True)
    for p in reversed(list(_started)):
        stop(p)


def describe_exit(rc):
    """How a process ended, from Popen.returncode: "exit 3" or "killed by SIGINT"."""
    if rc is not None and rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit {rc}"


def run(argv, check=True, **kw):
    """Run a short helper command (ip, ssh-keygen); its stderr is shown in the error when it fails."""
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.strip()}")
    return r


def wait_for(pred, timeout, what, interval=0.02):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TimeoutError(f"testbed: timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def status_kb(pid, field):
    """A KiB figure of /proc/PID/status (VmRSS, VmHWM, …) of a live process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def vm_hwm_kb(pid):
    """Peak resident set (VmHWM, KiB) of a live process, or None once it is gone.

    Unlike ru_maxrss from wait4(), it is the process's own figure: Linux records the parent's peak at
    fork/exec in the child's ru_maxrss, so a child of a 70 MB Python test reports at least 70 MB there."""
    return status_kb(pid, "VmHWM")


class PeakRss:
    """Samples a process's VmHWM in a thread until it exits; `.kb` is the largest value seen."""

    def __init__(self, pid, every=0.05):
        import threading
        self.kb = 0
        self._pid, self._every = pid, every
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            v = vm_hwm_kb(self._pid)
            if v is None:
                return
            self.kb = max(self.kb, v)
            time.sleep(self._every)

    def wait(self):
        self._thread.join()
        return self.kb
