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
    """Popen that is killed (by its own pid) at exit if still running."""
    _install()
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
