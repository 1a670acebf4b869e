"""Helpers the benchmarks share: running and timing a command, the wall-clock stamps of a dust script, the
dust config of a loopback fleet, and how a goal and the load are printed.

    import common   # bench/ is on sys.path: it is the directory of the script run (python3 bench/x_bench.py)

  measured   a process's wall time, CPU of its process tree (wait4), peak RSS (its own VmHWM, sampled) and
             stdout; optionally the machine's busy CPU over the run.
  timed      a process's wall time, CPU (its reaped children's rusage) and stdout, without sampling anything
             while it runs; the page cache is written back first (settle), so no tool pays for another's writes.
  parallel   wall time of several processes started at once, until the last ends.
"""
import collections
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from testbed import procs  # noqa: E402

FANOUT = 64

# A local command in a dust script that prints the wall clock: the time between two of them is the time of
# the dust command between them (dust runs `!` commands synchronously, in order).
STAMP = "!echo STAMP $(date +%s.%N)"


def stamps(out):
    """The times printed by the STAMP lines of a dust script's output, in order."""
    return [float(l.split()[1]) for l in out.splitlines() if l.startswith("STAMP ")]


# A STAMP costs time of its own (dust starts a shell that starts date: ≈ 10 ms on a 2-CPU machine), which an
# interval between two stamps includes once. Scripts end with STAMP_TAIL stamps with nothing between them,
# and stamp_cost measures it there, in the same run, to be subtracted.
STAMP_TAIL = 4


def stamp_cost(times):
    """The shortest interval between consecutive stamps of a run of stamps with nothing between them."""
    return min(b - a for a, b in zip(times, times[1:]))


def met(ok):
    """How a goal is printed."""
    return "met" if ok else "MISSED"


def load_average():
    """The 1-, 5- and 15-minute load averages as printed (the machine is shared)."""
    la = os.getloadavg()
    return f"{la[0]:.2f} {la[1]:.2f} {la[2]:.2f}"


def dust_config(dust_home, extra=""):
    """DUST_HOME/config.yaml for a loopback fleet (bench/hosts.py): fan-out FANOUT, the benchmark user, a
    60 s connect timeout (the peers' ssh has none; on a loaded machine the default 10 s made handshakes queued
    behind the fan-out fail); `extra` is appended as is."""
    import hosts
    os.makedirs(dust_home, exist_ok=True)
    with open(os.path.join(dust_home, "config.yaml"), "w") as f:
        f.write(f"ssh:\n  fanout: {FANOUT}\n  user: {hosts.USER}\n  connect_timeout: 60\n" + extra)


def busy_cpu_s():
    """CPU seconds the whole machine has spent busy (all CPUs; /proc/stat minus idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def measured(argv, env, label, stdin_text=None, timeout=600, busy=None):
    """Runs argv to completion; returns (wall s, cpu s of the process tree, peak RSS KiB, stdout).
    With `busy` (a list), appends the machine's busy CPU seconds over the run (client + sshd + shells).
    The peak RSS is the process's own VmHWM, sampled while it runs: wait4's ru_maxrss would include this
    Python process's size (Linux records the parent's peak in a child at fork/exec)."""
    with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        if stdin_text is not None:
            fin.write(stdin_text.encode())
            fin.seek(0)
        b0 = busy_cpu_s()
        t0 = time.monotonic()
        p = subprocess.Popen(argv, env=env, stdin=fin if stdin_text is not None else subprocess.DEVNULL,
                             stdout=fout, stderr=ferr)
        deadline = t0 + timeout
        peak = 0
        while True:
            peak = max(peak, procs.vm_hwm_kb(p.pid) or 0)
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.002)
        wall = time.monotonic() - t0
        if busy is not None:
            busy.append(busy_cpu_s() - b0)
        p.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        out, err = fout.read().decode(errors="replace"), ferr.read().decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit(f"{label} failed ({p.returncode}): {err[-2000:]}{out[-1000:]}")
    return wall, ru.ru_utime + ru.ru_stime, peak, out


def settle():
    """Writes back what earlier runs left dirty in the page cache, so that no tool pays for another's
    writes (the order is fixed: without this the first tool after the 100 MB puts paid for them)."""
    os.sync()


Run = collections.namedtuple("Run", "wall cpu out")


def timed(argv, env, label, stdin=None, sync=True):
    """Runs argv to completion (stdin inherited unless given; stdout and stderr captured), after settle()
    unless sync is false; returns Run(wall s, cpu s, stdout). cpu: user+sys of the children reaped
    meanwhile (the process, and what it forked and waited for)."""
    if sync:
        settle()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run(argv, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit(f"{label} failed ({p.returncode}): {p.stderr.decode(errors='replace')[-2000:]}"
                         f"{out[-1000:]}")
    return Run(wall, cpu, out)


def parallel(cmds, env, label, stdin=None):
    """Starts every command at once — shell lines (str) or argv lists — each reading the file `stdin` if given
    (opened per command), after settle(); wall seconds until the last ends."""
    settle()
    t = time.monotonic()
    ps = []
    for c in cmds:
        f = open(stdin, "rb") if stdin else None
        ps.append((subprocess.Popen(c, shell=isinstance(c, str), env=env, stdin=f, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE), f))
    for p, f in ps:
        p.wait()
        if f:
            f.close()
        if p.returncode:
            raise SystemExit(f"{label} failed: {p.stderr.read().decode(errors='replace')[-500:]}")
    return time.monotonic() - t
