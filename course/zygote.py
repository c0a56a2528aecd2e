"""A kernel factory for one worker's notebooks (a "zygote"): it imports
ipykernel, numpy and matplotlib once, then forks a kernel for each notebook.
A fresh kernel spends about 1 s starting Python and importing them; a fork
of this process is ready in under 0.1 s of CPU.

It runs inside bubblewrap (course/sandbox.py starts it as
`python -c <this file's source> LISTEN_FD`), where it sees the Python
installation, size-limited /tmp and /dev/shm, the files each assignment's
notebook needs (read-only), and the folder of its kernels' Unix sockets:
nothing of the course, nor of any student, and no network.

It serves one request at a time on the listening socket, a line of JSON:
    {"files": FOLDER, "connection": TEXT, "options": [...]}  fork a kernel
        that works in a new folder of /tmp holding a copy of FOLDER's
        files, with that connection file and those ipykernel options;
        answer {"exit": CODE} when it ends, and kill it if the asker (the
        kernel launcher) goes away first
    {"sync": true}  answer {"clean": true}
Each kernel gets a new home folder. After each kernel it kills every other
process in the sandbox (a daemon a notebook left behind must not touch the
next notebook), then empties every folder a kernel can write to but its
sockets' (the grader empties that): /tmp, with that home and that working
folder, /dev/shm and /dev/mqueue; and it removes System V IPC objects. The
sandbox's root is read-only. So the next kernel, maybe another student's,
starts from what the first one found.
Since requests are served in turn, a "clean" answer means that nothing of
the previous notebook still runs.

Run by `python -c`, not imported: keep it free of imports from the course
package.
"""
import ctypes
import json
import os
import re
import select
import shutil
import signal
import socket
import sys
import tempfile
import time


def preload():
    # ipykernel sets this before the notebook's first import of matplotlib;
    # matplotlib reads it only when imported, which is now.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    sys.modules["debugpy"] = None   # nothing debugs a grading kernel (see sandbox.KERNEL_BOOT)
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import numpy  # noqa: F401


def not_traceable():
    """A kernel runs as the same user: without this it could ptrace this
    process, or write to its memory through /proc, and so every later kernel."""
    PR_SET_DUMPABLE = 4
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def working_folder(files):
    """A new folder in /tmp with a copy of each regular file of `files`."""
    folder = tempfile.mkdtemp(prefix="work-", dir="/tmp")
    for entry in os.scandir(files):
        if entry.is_file(follow_symlinks=False):
            shutil.copyfile(entry.path, os.path.join(folder, entry.name))
    return folder


def kernel(request, home):
    """In the forked child: become the notebook's kernel. Never returns."""
    code = 1
    try:
        os.setsid()
        os.chdir(working_folder(request["files"]))
        os.environ["HOME"] = home
        import numpy
        numpy.random.seed()   # as a fresh kernel does when it imports numpy: its own entropy
        path = os.path.join(home, "kernel.json")
        with open(path, "w") as f:
            f.write(request["connection"])
        from ipykernel import kernelapp
        sys.argv = ["ipykernel", "-f", path, *request.get("options", [])]
        kernelapp.launch_new_instance()
        code = 0
    finally:
        os._exit(code)


def run(server, conn, request, home):
    """Fork a kernel for `request`; return once it has ended."""
    pid = os.fork()
    if pid == 0:
        server.close()
        conn.close()
        kernel(request, home)
    ended = os.pidfd_open(pid)
    try:
        while True:
            ready, _, _ = select.select([conn, ended], [], [])
            if ended in ready:
                _, status = os.waitpid(pid, 0)
                try:
                    conn.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
                except OSError:
                    pass
                return
            if not conn.recv(64):   # the launcher is gone (jupyter_client killed it): so is the kernel
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
    finally:
        os.close(ended)


def others():
    """Processes in this sandbox other than bwrap's init (pid 1) and this one, zombies aside."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in (1, os.getpid()):
            try:
                with open("/proc/%s/stat" % name) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state not in ("Z", "X"):
                found.append(int(name))
    return found


def clean_up(mounts):
    """Kill whatever the last notebook left running, then wipe what it wrote
    outside its notebook folder. `mounts`: the sandbox's mount points."""
    deadline = time.monotonic() + 10
    while True:
        try:
            os.kill(-1, signal.SIGKILL)   # every process this one may signal: the whole sandbox
        except ProcessLookupError:
            pass
        while True:   # reap our own children; bwrap's init reaps the orphans
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        if not others():
            break
        if time.monotonic() > deadline:
            os._exit(1)   # the sandbox ends with this process; the grader starts a new one
        time.sleep(0.005)
    for folder in ("/tmp", "/dev/shm", "/dev/mqueue"):   # POSIX message queues are files in /dev/mqueue
        wipe(folder, mounts)
    remove_ipc()


def mount_points():
    """Fixed for the sandbox's life: nothing in it may mount."""
    with open("/proc/self/mountinfo") as f:   # the 5th field, with spaces and such as octal escapes
        return {re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4]) for line in f}


def wipe(folder, mounts):
    """Remove everything in `folder` but mount points (the notebook folders,
    the read-only font list) and the folders that lead to them. Links are
    removed, never followed."""
    for entry in os.scandir(folder):
        if entry.path in mounts:
            continue
        if any(m.startswith(entry.path + "/") for m in mounts):
            wipe(entry.path, mounts)
        elif entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def remove_ipc():
    """System V shared memory, message queues and semaphores outlive their
    process; the sandbox has an IPC namespace of its own, so all are ours."""
    libc = ctypes.CDLL(None, use_errno=True)
    IPC_RMID = 0
    removers = {"shm": lambda i: libc.shmctl(i, IPC_RMID, None), "msg": lambda i: libc.msgctl(i, IPC_RMID, None),
                "sem": lambda i: libc.semctl(i, 0, IPC_RMID)}
    for kind, remove in removers.items():
        try:
            with open("/proc/sysvipc/" + kind) as f:
                idents = [int(line.split()[1]) for line in f.readlines()[1:]]
        except (OSError, ValueError, IndexError):
            continue
        for ident in idents:
            remove(ident)


def read_request(conn):
    conn.settimeout(30)
    data = b""
    while not data.endswith(b"\n") and len(data) < 1 << 20:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    conn.settimeout(None)
    return json.loads(data)


def serve(listen_fd):
    with open("/proc/1/comm") as f:   # kill(-1) below must only ever reach the sandbox
        if f.read().strip() != "bwrap":
            sys.exit("course/zygote.py runs only inside bubblewrap's pid namespace")
    os.close(os.pidfd_open(os.getpid()))   # Linux 5.3 or later; else the grader falls back to plain kernels
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    sys.path[:] = [p for p in sys.path if p]   # not the working folder, which `python -c` adds
    not_traceable()
    preload()
    mounts = mount_points()
    server = socket.socket(fileno=listen_fd)
    while True:
        conn, _ = server.accept()
        with conn:
            try:
                request = read_request(conn)
            except (OSError, ValueError):
                continue
            if "files" in request:
                # A new home for each kernel, so that nothing an earlier one
                # planted (IPython startup files, Jupyter config) is read.
                home = tempfile.mkdtemp(prefix="home-", dir="/tmp")
                run(server, conn, request, home)
                clean_up(mounts)
            elif request.get("sync"):
                conn.sendall(b'{"clean": true}\n')


if __name__ == "__main__":
    serve(int(sys.argv[1]))
