"""Run the plain nbgrader command line, exactly as an instructor would."""
import os
import re
import subprocess
import sys
from pathlib import Path

from . import CourseError


def run(root, *args, check=True):
    """Run `nbgrader ARGS` in the course root; return the CompletedProcess.

    A subprocess keeps us on nbgrader's own, documented code path (the same
    one as `nbgrader autograde` typed by hand) and keeps a crash in one
    student's grading from taking the caller down with it.
    """
    env = dict(os.environ)
    # nbgrader runs `alembic` to create the gradebook; it lives next to python.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env,
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise CourseError("`nbgrader %s` failed:\n%s" % (" ".join(args), errors_in(proc)))
    return proc


def errors_in(proc, limit=20):
    """The ERROR/CRITICAL lines of nbgrader's log, or its last lines."""
    lines = (proc.stdout + proc.stderr).splitlines()
    errors = [l for l in lines if "| ERROR]" in l or "| CRITICAL]" in l or "Error" in l]
    return "\n".join((errors or lines)[-limit:])


EXCEPTION_LINE = re.compile(r"^\s*(?:[\w]+\.)*(\w*(?:Error|Exception|Interrupt|Timeout)\w*): (.*)$")


def reason_in(log):
    """The last exception named in a log, as one line, or ''."""
    found = [m for m in map(EXCEPTION_LINE.match, log.splitlines()) if m]
    if found:
        name, message = found[-1].groups()
        return "%s: %s" % (name, message.strip()[:200])
    return ""
