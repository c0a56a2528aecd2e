"""Limits per submission, not per process: a control group for each
notebook's kernel (or each kernel factory, which runs one notebook at a
time), capping the memory of all its processes together, their number, and
its share of the CPU against the other notebooks being graded.

This uses cgroup v1, whose controllers the root user may always divide (the
machines this course is graded and tested on). Elsewhere, for an ordinary
user, `available()` is False and the per-process limits of course/sandbox.py
are all there is (see the README's threat model); cgroup v2 delegation is
not used yet.
"""
import os
import secrets
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PARENT = "course-grading"   # under each controller: one group per sandbox below it
CPU_SHARES = 256            # a group's weight; the graders' own processes keep the default 1024


def available():
    """Whether this process may make v1 groups for memory, pids and cpu."""
    return all(os.access(ROOT / c, os.W_OK) and (ROOT / c / "cgroup.procs").exists()
               for c in ("memory", "pids", "cpu"))


def make(memory_mb, processes):
    """A new group with these limits: the list of its cgroup.procs files, one
    per controller, which a process joins by writing its pid there."""
    name = secrets.token_hex(6)
    settings = {"memory": {"memory.limit_in_bytes": memory_mb << 20},
                "pids": {"pids.max": processes}, "cpu": {"cpu.shares": CPU_SHARES}}
    procs = []
    for controller, values in settings.items():
        folder = ROOT / controller / PARENT / name
        folder.mkdir(parents=True)
        for file, value in values.items():
            (folder / file).write_text(str(value))
        procs.append(str(folder / "cgroup.procs"))
    return procs


def join(procs):
    """Put this process (and all it will start) into the group."""
    for path in procs:
        with open(path, "w") as f:
            f.write(str(os.getpid()))


def remove(procs):
    """Kill whatever still runs in the group, then remove it."""
    for path in procs:
        folder = Path(path).parent
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                pids = [int(p) for p in folder.joinpath("cgroup.procs").read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        try:
            folder.rmdir()
        except OSError:
            pass


def remove_stale():
    """Remove the empty groups a killed batch left behind."""
    for controller in ("memory", "pids", "cpu"):
        parent = ROOT / controller / PARENT
        for folder in (parent.iterdir() if parent.is_dir() else []):
            try:
                folder.rmdir()   # only succeeds once no process is left in it
            except OSError:
                pass
