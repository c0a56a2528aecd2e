"""The kernel factory (course/zygote.py): a worker's notebooks get kernels
forked from one pre-imported process in one sandbox, one student after
another. Nothing a notebook leaves behind (a daemon, planted IPython startup
files or config, files in /tmp and /dev/shm, System V IPC) may reach the
next notebook, the student's own or the next student's; no kernel may open
the factory's memory; and a notebook that kills the factory costs only its
own marks. That the factory's kernels grade like fresh ones is shown by
test_adversarial's regrading test: the batch graded "reference" with the
factory, the regrade with a fresh kernel."""
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from course import cohort, grade, layout, sandbox
from course import notebooks as nbs
from course.samples import ch1_minibatch as ch1_samples
from conftest import ISOLATED, NO_SANDBOX, REPO, SUITE_SETTINGS, attacks

CH1 = "ch1_minibatch"
MB_CELL = ch1_samples.MB_CELL

# Added after the chapter-1 answer. A daemon plants, for as long as it
# lives, a startup file in every kernel home in /tmp and a file in every
# kernel's working folder. The cell waits until the daemon has planted in
# its own folder, so the test knows the daemon really ran.
DAEMON = r'''
import os, subprocess, sys, time
PLANT = """
import glob, os, time
end = time.time() + 120
while time.time() < end:
    for home in glob.glob('/tmp/home-*') + ['/tmp']:
        startup = os.path.join(home, '.ipython', 'profile_default', 'startup')
        try:
            os.makedirs(startup, exist_ok=True)
            with open(os.path.join(startup, '00-planted.py'), 'w') as f:
                f.write("open('PLANTED-BY-STARTUP', 'w').write('x')\\n")
        except OSError:
            pass
    for folder in glob.glob('/tmp/work-*'):
        try:
            open(os.path.join(folder, 'PLANTED-BY-DAEMON'), 'w').write('x')
        except OSError:
            pass
    time.sleep(0.01)
"""
subprocess.Popen([sys.executable, "-c", PLANT], start_new_session=True)
for _ in range(500):
    if os.path.exists("PLANTED-BY-DAEMON"):
        break
    time.sleep(0.01)
print("the daemon planted in its own folder:", os.path.exists("PLANTED-BY-DAEMON"))
'''
# Also added there: config for IPython and Jupyter in every folder they read
# it from, outside the kernel's home. A later kernel that read it, maybe
# another student's, would run code this notebook chose before its first
# cell.
CONFIG = r'''
import os
from IPython.core.application import ENV_CONFIG_DIRS, SYSTEM_CONFIG_DIRS
from jupyter_core.paths import jupyter_config_path
LINES = ["open('PLANTED-BY-CONFIG', 'w').write('x')", "import numpy",
         "numpy.isclose = lambda a, b, **k: numpy.ones(numpy.shape(a), dtype=bool)",
         "numpy.allclose = lambda *a, **k: True"]
folders = sorted(set(ENV_CONFIG_DIRS + SYSTEM_CONFIG_DIRS + jupyter_config_path()) - {os.path.expanduser("~")})
written = []
for folder in folders:
    for name in ("ipython_config.py", "ipython_kernel_config.py", "jupyter_config.py"):
        try:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, name), "w") as f:
                f.write("c.InteractiveShellApp.exec_lines = %r\n" % LINES)
            written.append(folder)
        except OSError:
            pass
print("config tried in %d folders, written in: %s" % (len(folders), sorted(set(written))))
'''
KILL_FACTORY = "\nimport os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
# A worker's factory serves one student after another. The daemon's
# notebook also leaves a file in /tmp and in /dev/shm and a System V shared
# memory segment; the next student's notebook, from the same factory, looks
# for them (and first checks that it would see a file of its own).
FACTORY_START = """
with open("/proc/%d/stat" % os.getppid()) as f:
    print("factory started at tick", f.read().rsplit(")", 1)[1].split()[19])
"""
LEAVE = r'''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
open("/tmp/PLANTED-IN-TMP", "w").write("x")
open("/dev/shm/PLANTED-IN-SHM", "w").write("x")
segment = libc.shmget(0, 4096, 0o1600)   # IPC_PRIVATE, IPC_CREAT | 0600
queue = libc.mq_open(b"/PLANTED-QUEUE", os.O_CREAT | os.O_RDWR, 0o600, None)
key = libc.syscall(248 if os.uname().machine == "x86_64" else 217, b"user", b"PLANTED-KEY", b"x", 1, -4)   # add_key
print("planted: tmp, shm, sysv segment %d, queue %s; user key %s" % (
    segment, "made" if queue >= 0 else os.strerror(ctypes.get_errno()),
    "added" if key >= 0 else "refused: " + os.strerror(ctypes.get_errno())))
''' + FACTORY_START
LOOK = r'''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def leftovers():
    found = [os.path.join(d, n) for top in ("/tmp", "/dev/shm", "/dev/mqueue", ".") for d, _, names in os.walk(top)
             for n in names if n.startswith(("PLANTED", "MINE"))]
    with open("/proc/sysvipc/shm") as f:
        found += ["sysv segment " + line.split()[1] for line in f.readlines()[1:]]
    if libc.mq_open(b"/PLANTED-QUEUE", os.O_RDONLY, 0, None) >= 0:
        found.append("queue")
    return sorted(set(found)) + ["process %s" % p for p in os.listdir("/proc")
                                 if p.isdigit() and int(p) not in (1, os.getpid(), os.getppid())]
open("/tmp/MINE", "w").write("x")
sees_its_own = leftovers() == ["/tmp/MINE"]
os.unlink("/tmp/MINE")
print("sees its own file: %s; left by earlier kernels: %s" % (sees_its_own, leftovers()))
''' + FACTORY_START
# The probe's kernel also tries to open the factory's memory, which would let
# it rewrite every later kernel, and its own, which shows it could if the
# factory were traceable; and it says whether it keeps a history database.
PEEK = r'''
def opens(path):
    try:
        open(path, "rb").close()
        return "opened"
    except OSError as e:
        return type(e).__name__
print("own memory: %s; factory memory: %s" % (opens("/proc/self/mem"), opens("/proc/%d/mem" % os.getppid())))
print("history database:", get_ipython().history_manager.enabled)
'''


@pytest.fixture(scope="module")
def factory_graded(built, tmp_path_factory):
    if not ISOLATED:
        pytest.skip(NO_SANDBOX)
    root = tmp_path_factory.mktemp("factory") / "course"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns(layout.SUBMITTED, layout.AUTOGRADED, "feedback"))
    reach = "\nROOT = %r\n%s" % (str(root), attacks.REACH)   # the factory's sandbox must hide the course too
    for student, extra in [("zz_daemon", DAEMON + CONFIG + LEAVE + reach), ("zz_probe", LOOK + PEEK),
                           ("zz_killer", KILL_FACTORY)]:
        folder = cohort.make_submission(root, CH1, {"student": student, "answers": ch1_samples.REFERENCE})
        path = folder / (CH1 + ".ipynb")
        nb = nbs.read(path)
        nbs.cell_by_id(nb, MB_CELL).source += "\n" + extra   # after the function: runs with the cell
        nbformat.write(nb, str(path))
    nb = attacks._answered(root, attacks.WRONG_CODE)   # zz_daemon's next notebook: it looks around too
    nbs.cell_by_id(nb, attacks.EWA_CELL).source += "\n" + LOOK
    attacks._file(root, "zz_daemon", nb)
    attacks._file(root, "zz_killer", attacks._answered(root, cohort.reference_answers(root, attacks.ASSIGNMENT)[
        attacks.EWA_CELL]))
    attacks._file(root, attacks.WRONG, attacks._answered(root, attacks.WRONG_CODE))
    # one worker: one factory, for zz_daemon's two notebooks and then zz_probe's
    # one; zz_killer's first notebook kills it, and its second gets a new one
    results = grade.grade(root, log=lambda *_: None, settings=SUITE_SETTINGS, workers=1,
                          students=["zz_daemon", "zz_probe", "zz_killer", attacks.WRONG])
    return root, {(r.assignment, r.student): r for r in results}


def printed(root, student, assignment=CH1, cell=MB_CELL):
    nb = nbs.read(root / layout.AUTOGRADED / student / assignment / (assignment + ".ipynb"))
    return "".join(o.get("text", "") for o in nbs.cell_by_id(nb, cell).outputs)


def test_the_next_student_in_a_factory_finds_nothing_of_the_last(factory_graded):
    """Files in /tmp, /dev/shm and the working folder, a System V segment
    and a POSIX message queue, left by zz_daemon's notebooks; zz_probe's,
    from the same factory, finds none of them."""
    root, results = factory_graded
    left, found = printed(root, "zz_daemon"), printed(root, "zz_probe")
    assert re.search(r"planted: tmp, shm, sysv segment \d+, queue made", left), left
    assert "sees its own file: True; left by earlier kernels: []" in found, found
    started = re.compile(r"factory started at tick (\d+)")
    assert started.search(left).group(1) == started.search(found).group(1)   # the same factory
    probe = results[(CH1, "zz_probe")]
    assert not probe.error and probe.total == probe.max_total, (probe.error, probe.scores)


def test_a_kernel_cannot_use_the_keyrings(factory_graded):
    """Keys outlive the processes of a user namespace: a kernel's are refused
    (a seccomp filter), so no key can pass from one notebook to the next."""
    root, _ = factory_graded
    assert "user key refused: Operation not permitted" in printed(root, "zz_daemon")


def test_a_kernel_cannot_open_the_factory_memory(factory_graded):
    """The factory is not dumpable (PR_SET_DUMPABLE): a kernel, though the
    same user, can neither trace it nor write to its memory."""
    root, _ = factory_graded
    found = printed(root, "zz_probe")
    assert "own memory: opened; factory memory: PermissionError" in found, found


def test_grading_kernels_keep_no_history_database(factory_graded):
    """sandbox.KERNEL_OPTIONS reach the kernels a factory forks."""
    root, _ = factory_graded
    assert "history database: False" in printed(root, "zz_probe")


def test_a_daemon_left_by_one_notebook_does_not_reach_the_next(factory_graded):
    root, results = factory_graded
    assert "the daemon planted in its own folder: True" in printed(root, "zz_daemon")   # it ran
    nxt = printed(root, "zz_daemon", attacks.ASSIGNMENT, attacks.EWA_CELL)
    assert "sees its own file: True; left by earlier kernels: []" in nxt, nxt
    daemon, alone = results[(attacks.ASSIGNMENT, "zz_daemon")], results[(attacks.ASSIGNMENT, attacks.WRONG)]
    assert not daemon.error and daemon.scores == alone.scores and alone.total < alone.max_total


def test_config_planted_by_one_notebook_is_not_read_by_the_next(factory_graded):
    """The sandbox's root (and so /etc) is read-only; the kernel's home is
    new for each kernel. This checks that the attempt ran and what it could
    write; the next notebook's look around finds no PLANTED-BY-CONFIG."""
    root, results = factory_graded
    text = printed(root, "zz_daemon")
    tried = re.search(r"config tried in (\d+) folders, written in: (.*)", text)
    assert tried and int(tried.group(1)) >= 4, text   # /etc and /usr/local/etc, for IPython and Jupyter
    home = re.compile(r"'/tmp/home-[^'/]+/")   # ~/.ipython or ~/.jupyter: the kernel's own, removed after it
    assert all(home.match(w) for w in re.findall(r"'[^']*'", tried.group(2))), tried.group(2)
    assert "PLANTED-BY-CONFIG" not in printed(root, "zz_daemon", attacks.ASSIGNMENT, attacks.EWA_CELL)


def test_a_kernel_from_the_factory_cannot_reach_the_course(factory_graded):
    root, _ = factory_graded
    text = printed(root, "zz_daemon")
    assert "REACHED" not in text and text.count("blocked: ") == attacks.REACH.count("lambda:"), text


def test_a_notebook_that_kills_the_factory_costs_only_its_own_marks(factory_graded):
    root, results = factory_graded
    killer = results[(attacks.ASSIGNMENT, "zz_killer")]
    assert not killer.error and killer.total == killer.max_total, (killer.error, killer.scores)
    assert any("DeadKernelError" in n for n in results[(CH1, "zz_killer")].notes), results[(CH1, "zz_killer")].notes


def test_the_factory_refuses_to_run_outside_the_sandbox():
    """Its clean-up is kill(-1): outside a pid namespace of its own that
    would reach every process of the grading user."""
    run = subprocess.run([sys.executable, str(REPO / "course" / "zygote.py"), "0"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode != 0 and "only inside bubblewrap" in run.stderr
