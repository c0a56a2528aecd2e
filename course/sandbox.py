"""Start a grading kernel in a sandbox. Jupyter runs this file as the kernel
command of the "course-sandbox" kernelspec that each grading workspace
writes (see `write_kernelspec`):

    python sandbox.py {connection_file} [ipykernel arguments...]

It sets resource limits (address space, file size, no core dumps), then
replaces itself with ipykernel inside bubblewrap (bwrap), where the kernel
sees only: the Python installation, read-only; its own working folder,
the submission's scratch copy, read-write; the folder of the Unix sockets
it talks to its grader through, read-write; the connection file,
read-only; and an empty /tmp. The course folder, the gradebook, the source
notebooks and other students' work are not there at all, and there is no
network: the grader must use Jupyter's ipc transport (see
workspace.socket_settings). Without bwrap the kernel runs with the limits
only, and `isolation()` says so.

With a kernel factory (course/zygote.py: one per worker, in a sandbox
that sees that worker's notebook folders and its sockets folder), the kernelspec's environment
names its socket in COURSE_ZYGOTE, and this launcher asks the factory for a
forked kernel instead of starting one, then waits until it ends.

This file is run by path, not imported, in the kernel's launch: keep it
free of imports from the course package.
"""
import json
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys

KERNEL_NAME = "course-sandbox"
LIMITS = {"COURSE_KERNEL_MEMORY_MB": 2048, "COURSE_KERNEL_FILE_MB": 64}
# Passed into the sandbox; everything else in the environment is dropped.
KEPT_ENV = ("NBGRADER_EXECUTION", "PYTHONHASHSEED", "LANG", "LC_ALL")
SANDBOX_MPL = "/tmp/matplotlib"   # the kernel's MPLCONFIGDIR, inside its empty /tmp
# ipykernel options for every grading kernel, plain or forked: no SQLite
# history database, which would be created in each kernel's new home and
# written after every cell for nothing (IPython's shell: 1.7 ms a cell
# with it, 0.5 ms without). In, Out and _ still work.
KERNEL_OPTIONS = ["--HistoryManager.enabled=False"]
# What `python -m ipykernel_launcher` does, less the debugger: nothing debugs
# a grading kernel, and importing debugpy costs 0.1 s per kernel start.
KERNEL_BOOT = """
import sys
if sys.path[0] == "":   # the working folder; IPython puts it back once the kernel is up
    del sys.path[0]
sys.modules["debugpy"] = None   # makes its import fail, which ipykernel expects
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


def bwrap():
    """The bwrap executable if it works on this machine, else None."""
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run([path, *system_binds(), "--unshare-all", "--die-with-parent", "true"],
                           capture_output=True)
    return path if probe.returncode == 0 else None


def isolation():
    """One line for the instructor: how grading kernels are isolated here."""
    if bwrap():
        return "bubblewrap: each kernel sees only the Python installation and its own student's working folders"
    return ("none: bubblewrap (bwrap) is not available, so kernels run with resource limits only "
            "and can read and write what the grading user can; install bubblewrap")


def system_binds():
    args = ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm", "--tmpfs", "/tmp"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for f in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/fonts"):
        args += ["--ro-bind-try", f, f]
    return args


def python_binds():
    """The interpreter, its standard library and the environment's packages."""
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix,
              os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    args = []
    for place in sorted(places):
        if not place.startswith("/usr/"):
            args += ["--ro-bind", place, place]
    return args


def sandboxed(bwrap_path, command, env, writable, readable=(), chdir="/tmp"):
    kept = [a for name in KEPT_ENV if name in env for a in ("--setenv", name, env[name])]
    binds = [a for f in writable for a in ("--bind", f, f)] + [a for f in readable for a in ("--ro-bind", f, f)]
    return [bwrap_path, *system_binds(), *python_binds(), *binds, "--chdir", chdir,
            # no network: the kernel talks to its grader over Unix sockets in a bound folder
            "--unshare-all",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--clearenv", *kept,
            "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", SANDBOX_MPL, *font_cache_binds(env),
            "--setenv", "PATH", os.path.dirname(sys.executable) + ":/usr/bin:/bin",
            "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
            # Last, once every mount point exists: bwrap's root is a tmpfs, and its
            # /etc, like /dev, would otherwise be writable. In a kernel factory's
            # sandbox a kernel could plant /etc/ipython or /etc/jupyter config there,
            # which the next kernel runs before its first cell.
            "--remount-ro", "/dev", "--remount-ro", "/",
            *command]


def font_cache():
    """matplotlib's cache folder in the grading process, with the font list
    built (importing font_manager builds it the first time)."""
    import matplotlib
    import matplotlib.font_manager  # noqa: F401
    return matplotlib.get_cachedir()


def font_cache_binds(env):
    """The grader's font list, read-only, in the kernel's matplotlib folder.
    Without it every kernel would scan the system fonts again (0.3 s or more)
    into its empty /tmp."""
    folder = env.get("COURSE_FONT_CACHE", "")
    names = sorted(n for n in os.listdir(folder) if n.startswith("fontlist-")) if os.path.isdir(folder) else []
    return [a for n in names for a in ("--ro-bind", os.path.join(folder, n), os.path.join(SANDBOX_MPL, n))]


def set_limits(env):
    memory = int(env.get("COURSE_KERNEL_MEMORY_MB", LIMITS["COURSE_KERNEL_MEMORY_MB"])) << 20
    file_size = int(env.get("COURSE_KERNEL_FILE_MB", LIMITS["COURSE_KERNEL_FILE_MB"])) << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def kernel_env(limits=None):
    """What the launcher reads from its environment: limits, font list."""
    return dict({k: str(v) for k, v in dict(LIMITS, **(limits or {})).items()}, COURSE_FONT_CACHE=font_cache())


def write_kernelspec(jupyter_dir, limits=None, python=sys.executable, zygote=None):
    """Write the course-sandbox kernelspec under jupyter_dir/kernels/; put
    jupyter_dir on JUPYTER_PATH to use it. With `zygote` (a socket address
    from start_zygote), kernels are forked by that factory."""
    folder = os.path.join(jupyter_dir, "kernels", KERNEL_NAME)
    os.makedirs(folder, exist_ok=True)
    env = kernel_env(limits)
    if zygote:
        env["COURSE_ZYGOTE"] = zygote
    spec = {"argv": [python, os.path.abspath(__file__), "{connection_file}", *KERNEL_OPTIONS],
            "display_name": "Python 3 (grading sandbox)", "language": "python",
            "interrupt_mode": "message",   # a signal to bwrap would not reach the kernel
            "env": env,
            "metadata": {"debugger": False}}
    with open(os.path.join(folder, "kernel.json"), "w") as f:
        json.dump(spec, f, indent=1)
    return folder


def start_zygote(scratch, folders, limits=None):
    """Start a kernel factory (course/zygote.py) in a sandbox that sees
    `folders` read-write; return (its process, its socket address). Needs
    bwrap: outside a pid namespace the factory refuses to run."""
    address = os.path.join(scratch, "zygote-%s.sock" % secrets.token_hex(6))
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(address)
        server.listen(16)
        env = dict(os.environ, **kernel_env(limits))
        proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--zygote", str(server.fileno()),
                                 *folders], pass_fds=[server.fileno()], env=env, start_new_session=True)
    finally:
        server.close()   # the factory holds it now
    return proc, address


def zygote_clean(address, timeout=30):
    """True once the factory has cleaned up after its last kernel; False if it
    is gone or does not answer (start a new one)."""
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(timeout)
            s.connect(address)
            s.sendall(b'{"sync": true}\n')
            return json.loads(s.makefile().readline()).get("clean") is True
    except (OSError, ValueError):
        return False


def run_zygote(listen_fd, folders):
    """`python sandbox.py --zygote FD FOLDER...`: limits, then the factory in bwrap."""
    env = dict(os.environ)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "zygote.py")) as f:
        source = f.read()
    command = sandboxed(bwrap(), [sys.executable, "-c", source, listen_fd], env, folders)
    set_limits(env)
    os.execvpe(command[0], command, env)


def die_with_parent(parent=None):
    """Be sent SIGKILL when the parent process ends (Linux; elsewhere this
    does nothing). With `parent`, the pid it should be: exit at once if it
    already ended before this call."""
    import ctypes
    import signal
    prctl = getattr(ctypes.CDLL(None), "prctl", None)
    if prctl:
        PR_SET_PDEATHSIG = 1
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if parent is not None and os.getppid() != parent:
            os._exit(1)


def via_zygote(address, connection_file, options):
    """Ask the factory for a kernel working in this folder, with these
    ipykernel options; like a kernel process, last as long as it does
    (jupyter_client watches this process)."""
    die_with_parent()   # with the grader, so that the factory sees us go and kills the kernel
    with open(connection_file) as f:
        request = {"cwd": os.getcwd(), "connection": f.read(), "options": options}
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(address)
        s.sendall(json.dumps(request).encode() + b"\n")
        answer = s.makefile().readline()
    sys.exit(json.loads(answer)["exit"] if answer else 1)


def main(argv):
    if argv[0] == "--zygote":
        return run_zygote(argv[1], argv[2:])
    connection_file, extra = argv[0], argv[1:]
    env = dict(os.environ)
    if env.get("COURSE_ZYGOTE"):
        return via_zygote(env["COURSE_ZYGOTE"], connection_file, extra)
    with open(connection_file) as f:
        connection = json.load(f)
    if connection.get("transport") != "ipc":
        sys.exit("a grading kernel talks to its grader over Unix sockets only (KernelManager.transport = "
                 "'ipc'): its sandbox has no network")
    sockets = os.path.dirname(os.path.abspath(connection["ip"]))
    command = [sys.executable, "-c", KERNEL_BOOT, "-f", connection_file, *extra]
    bwrap_path = bwrap()   # probed once per kernel start
    if bwrap_path:
        command = sandboxed(bwrap_path, command, env, [os.getcwd(), sockets], [os.path.abspath(connection_file)],
                            chdir=os.getcwd())
    set_limits(env)
    # The kernel's own stdout and stderr hold only its start-up banner: the
    # notebook's output travels over Jupyter's channels.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main(sys.argv[1:])
