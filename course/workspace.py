"""Grade each submission in a scratch workspace of its own.

    prepare (a throwaway course: config, helper files, a copy of the
    gradebook, the submitted notebooks) -> autograde there, in a child
    process, with the kernel in the sandbox (course/sandbox.py) -> read the
    grades from the scratch gradebook -> merge them into the course
    gradebook in one transaction -> put the autograded folder in place ->
    write the "done" record

Why a workspace: a submission that crashes or hangs its grader takes only
its own child process down, and the course gradebook has exactly one
writer, this process, so parallel graders never meet in SQLite.

The kernel never sees the workspace. It works in a folder of its own
(course/sandbox.py: a size-limited tmpfs in its sandbox, holding read-only
copies of the workspace's `kernel` folder, the files the notebook needs),
and nothing it writes reaches the host but its Unix sockets. nbgrader
writes the autograded notebook into the workspace, where no kernel can
reach, and only regular files are copied from there into the course.

Submitted files are only read, never through a link. Files a student added
beside the notebooks are not copied: a `numpy.py` next to the notebook
would shadow numpy.

Kernels from a factory: when a batch has at least as many students as
workers, each worker has a lane: one kernel factory (course/zygote.py),
started once, in a sandbox that sees only, read-only, the files each
assignment's notebook needs, and the folder of its kernels' Unix sockets.
The worker takes one student at a time. Before each notebook it waits
until the factory has killed everything the last notebook left running and
wiped the sandbox's /tmp (with the last kernel's working folder),
/dev/shm and /dev/mqueue, then empties the sockets folder. A job taken by
an idle worker at the end of the batch is graded with a kernel of its own.
"""
import contextlib
import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.connection
import os
import resource
import shutil
import signal
import tempfile
import time
from pathlib import Path

from . import CourseError, cgroups, files, layout, nbgrader_cli, sandbox

RECORD = ".course-graded.json"   # in autograded/<student>/<assignment>/, written last
SCRATCH_PREFIX = "course-grading-"
OWNER = "owner"   # in a batch's scratch folder: the pid and start time of the process grading


def _started(pid):
    """When process `pid` started (clock ticks since boot), or None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


@contextlib.contextmanager
def scratch_folder():
    """A batch's temporary folder. A batch killed by SIGKILL cannot remove
    its own, so the next batch first removes those whose process is gone."""
    remove_stale_scratch(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX) as scratch:
        Path(scratch, OWNER).write_text("%d %s" % (os.getpid(), _started(os.getpid())))
        yield scratch


def remove_stale_scratch(where):
    """Remove the scratch folders under `where` whose grading process has
    ended. A folder with no owner file (being made, or not ours) is kept;
    so is everything where /proc cannot tell whether a process lives."""
    if _started(os.getpid()) is None:
        return
    for folder in Path(where).glob(SCRATCH_PREFIX + "*"):
        try:
            pid, started = (folder / OWNER).read_text().split()
            gone = _started(int(pid)) != started
        except (OSError, ValueError):
            continue
        if gone:
            shutil.rmtree(folder, ignore_errors=True)


def submission_digest(root, assignment, student):
    """sha256 over the names, kinds and bytes of everything submitted; a link
    or a special file counts by its name and kind, and is never read."""
    folder = Path(root) / layout.SUBMITTED / student / assignment
    h = hashlib.sha256()
    for rel, what in files.entries(folder):
        h.update(rel.encode() + b"\0" + what.encode() + b"\0")
        if what == "a file":
            h.update(files.read_bytes(folder / rel) + b"\0")
    return h.hexdigest()


def record_path(root, assignment, student):
    return Path(root) / layout.AUTOGRADED / student / assignment / RECORD


def read_record(root, assignment, student):
    try:
        return json.loads(files.read_bytes(record_path(root, assignment, student)))
    except (files.UnsafeFile, ValueError, RecursionError):
        return None


def is_done(root, assignment, student):
    """Graded already, from exactly the files submitted now."""
    record = read_record(root, assignment, student)
    try:
        return bool(record) and record.get("digest") == submission_digest(root, assignment, student)
    except (OSError, files.UnsafeFile):
        return False


KERNEL = "kernel"   # in a workspace: the files the notebook needs, for the kernel's working folder


def prepare(root, assignment, student, scratch, gradebook_copy, limits, isolated=True):
    """Build the scratch course for one submission; return (folder, files left out)."""
    root = Path(root)
    ws = Path(scratch) / ("%s--%s" % (assignment, student))
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", ws / "nbgrader_config.py")
    shutil.copy(gradebook_copy, ws / "gradebook.db")
    source = root / layout.SOURCE / assignment
    helpers = [f.name for f in source.iterdir() if f.is_file() and f.suffix != ".ipynb"]
    for where in (ws / layout.SOURCE / assignment, ws / KERNEL):   # helper files only: no notebook, no solution
        files.copy_files(source, where, helpers)
    wanted = {p.name for p in layout.notebooks(root / layout.RELEASE / assignment)} | {"timestamp.txt"}
    left_out = files.copy_files(root / layout.SUBMITTED / student / assignment,
                                ws / layout.SUBMITTED / student / assignment, wanted)
    return ws, left_out


def control_group(limits):
    """A control group for one sandbox (course/cgroups.py): its memory, all
    processes together, a little above one kernel's address space, and its
    number of processes. [] where the system lets us make none."""
    if not cgroups.available():
        return []
    settings = dict(sandbox.LIMITS, **(limits or {}))
    return cgroups.make(int(settings["COURSE_KERNEL_MEMORY_MB"]) + 512, int(settings["COURSE_KERNEL_PROCESSES"]))


def autograde_in(ws, assignment, student, settings):
    """Run nbgrader's autograde inside the workspace (call in a child process).
    Writes outcome.json: the error, if any, and the grades to merge."""
    with reused_engines(throwaway=True):
        _autograde(Path(ws), assignment, student, settings)


def _autograde(ws, assignment, student, settings):
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    os.environ["JUPYTER_PATH"] = str(ws / "jupyter")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(ws / "runtime")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ws)).load_config()
    config.CourseDirectory.root = str(ws)
    config.Execute.kernel_name = sandbox.KERNEL_NAME
    for name, value in settings.items():     # e.g. {"Execute.timeout": 10}
        section, trait = name.split(".")
        config[section][trait] = value
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    result = api.autograde(assignment, student, force=True, create=True)
    log = result.get("log", "") + result.get("error", "")
    error = ""
    if not result["success"]:   # a cell that timed out or a kernel that died is not a grading failure
        error = nbgrader_cli.reason_in(log) or "nbgrader could not grade this submission"
    outcome = {"error": error, "log": log[-20000:],
               "grader_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    with Gradebook("sqlite:///%s" % (ws / "gradebook.db")) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except Exception:
            sub = None
        if sub is not None:
            outcome["timestamp"] = sub.timestamp.isoformat() if sub.timestamp else None
            outcome["notebooks"] = {
                nb.name: {"penalty": nb.late_submission_penalty,
                          "grades": {g.name: [g.auto_score, g.needs_manual_grade] for g in nb.grades},
                          "comments": {c.name: c.auto_comment for c in nb.comments}}
                for nb in sub.notebooks}
    (ws / "outcome.json").write_text(json.dumps(outcome))


@contextlib.contextmanager
def reused_engines(throwaway=False):
    """One SQLAlchemy engine per gradebook inside this block. nbgrader opens
    a Gradebook about ten times per notebook, each with a new engine, and so
    compiles the same SQL statements again each time. With `throwaway` (the
    workspace's copy, which a crash makes worthless anyway), SQLite does not
    wait for the disk on each of its forty-odd commits per notebook."""
    import sqlalchemy
    from nbgrader import api
    outer, made = api.create_engine, {}

    def create_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in made:
            made[key] = sqlalchemy.create_engine(url, **options)
            if throwaway:
                sqlalchemy.event.listen(made[key], "connect", _no_sync)
        return made[key]   # Gradebook.close() disposes of its pool; the engine makes a new one

    api.create_engine = create_engine
    try:
        yield
    finally:
        api.create_engine = outer
        for engine in made.values():
            engine.dispose()


def _no_sync(connection, _record):
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA journal_mode = MEMORY")


# A Unix socket's path may have at most 107 bytes. The longest a batch makes
# is SCRATCH/sockets-XXXXXXXX/kernel-NNNNN.
SOCKET_PATH_ROOM = 107 - len("/sockets-XXXXXXXX/kernel-NNNNN")


def kernel_settings(sockets, kernel_folder):
    """Config for a grader whose kernel talks to it over Unix sockets in
    `sockets` (ipc), not TCP: the kernel's sandbox binds that folder and has
    no network at all; and works on the files of `kernel_folder`."""
    return {"KernelManager.transport": "ipc", "KernelManager.ip": os.path.join(str(sockets), "kernel"),
            "JudgedExecute.kernel_folder": str(kernel_folder)}


def _child(ws, assignment, student, settings, parent):
    os.setpgrp()   # the kernel and its helpers share this group, to be killed together
    # If the grading process is killed (SIGKILL skips its clean-up), the
    # grader dies too, and with it the kernel (bwrap --die-with-parent).
    sandbox.die_with_parent(parent)
    log = os.open(os.path.join(ws, "grader.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    autograde_in(ws, assignment, student, settings)


def start(ws, assignment, student, settings):
    ctx = multiprocessing.get_context("fork")   # nbgrader is already imported: no start-up cost
    proc = ctx.Process(target=_child, args=(str(ws), assignment, student, settings, os.getpid()), daemon=False)
    proc.start()
    return proc


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.join()


def outcome_of(ws, proc, timed_out, wall_limit):
    if timed_out:
        return {"error": "grading took longer than %d s and was stopped" % wall_limit}
    try:
        return json.loads((Path(ws) / "outcome.json").read_text())
    except (OSError, ValueError):
        return {"error": "the grading process died (exit code %s)" % proc.exitcode}


def merge(root, assignment, student, outcome):
    """Write one submission's grades into the course gradebook, in one
    transaction: a crash leaves either all of them or none."""
    from nbgrader.api import Gradebook
    from nbgrader import utils

    notebooks = outcome.get("notebooks")
    if not notebooks:
        return
    with Gradebook("sqlite:///%s" % (Path(root) / "gradebook.db")) as gb:
        gb.update_or_create_student(student)
        try:
            sub = gb.find_submission(assignment, student)
        except Exception:   # mirror of Gradebook.add_submission, without its commit
            with gb.db.no_autoflush:
                sub = _new_submission(gb, assignment, student)
            gb.db.add(sub)
            gb.db.flush()
        if outcome.get("timestamp"):
            sub.timestamp = utils.parse_utc(outcome["timestamp"])
        for nb in sub.notebooks:
            theirs = notebooks.get(nb.name)
            if theirs is None:
                continue
            nb.late_submission_penalty = theirs["penalty"]
            for grade in nb.grades:
                if grade.name in theirs["grades"]:
                    grade.auto_score, grade.needs_manual_grade = theirs["grades"][grade.name]
            for comment in nb.comments:
                if comment.name in theirs["comments"]:
                    comment.auto_comment = theirs["comments"][comment.name]
        gb.db.commit()


def _new_submission(gb, assignment, student):
    from nbgrader.api import Comment, Grade, SubmittedAssignment, SubmittedNotebook
    sub = SubmittedAssignment(assignment=gb.find_assignment(assignment), student=gb.find_student(student))
    for notebook in sub.assignment.notebooks:
        nb = SubmittedNotebook(notebook=notebook, assignment=sub)
        for cell in notebook.grade_cells:
            Grade(cell_id=cell.id, notebook=nb)
        for cell in list(notebook.solution_cells) + list(notebook.task_cells):
            Comment(cell_id=cell.id, notebook=nb)
        for cell in notebook.task_cells:
            Grade(cell_id=cell.id, notebook=nb)
    return sub


def put_in_place(root, ws, assignment, student, outcome, left_out, digest):
    """Copy the autograded notebook and files into the course (regular files
    only, never through a link), then write the record."""
    final = Path(root) / layout.AUTOGRADED / student / assignment
    made = Path(ws) / layout.AUTOGRADED / student / assignment
    for rel, data in outcome.pop("autograded", {}).items():   # sent back as data by a Dask worker
        if "/" not in rel and rel not in (".", ".."):
            made.mkdir(parents=True, exist_ok=True)
            (made / rel).write_bytes(data)
    new = final.with_name(final.name + ".new")
    shutil.rmtree(new, ignore_errors=True)
    if files.is_folder(made):
        files.copy_files(made, new)
    else:
        new.mkdir(parents=True)
    record = {"digest": digest, "error": outcome.get("error", ""), "left_out": left_out,
              "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "grader_max_rss_mb": outcome.get("grader_max_rss_mb")}
    (new / RECORD).write_text(json.dumps(record, indent=1))
    shutil.rmtree(final, ignore_errors=True)
    new.rename(final)


def grade_many(root, jobs, scratch, workers=1, limits=None, settings=None, wall_limit=900, on_done=None,
               isolated=True):
    """Grade [(assignment, student)] in workspaces, `workers` at a time.
    Calls on_done(assignment, student, error) as each finishes.

    With at least as many students as workers, and bubblewrap, a worker
    takes one student at a time and its kernels come from the worker's
    kernel factory (course/zygote.py): each notebook skips about 1 s of
    Python start-up and imports."""
    if len(str(scratch)) > SOCKET_PATH_ROOM:
        raise CourseError("the grading scratch folder's path is too long for the kernels' sockets (%d characters, "
                          "at most %d): %s; set TMPDIR to a shorter folder" % (len(str(scratch)), SOCKET_PATH_ROOM,
                                                                                scratch))
    warm_up()
    root = Path(root)
    gradebook_copy = gradebook_at_start(root, scratch)
    workers = max(1, workers)
    by_student = {}
    for assignment, student in jobs:
        by_student.setdefault(student, []).append(assignment)
    factories = len(by_student) >= workers and isolated and bool(sandbox.bwrap())
    if factories:
        queue = list(by_student.items())
    else:
        queue = [(student, [assignment]) for assignment, student in jobs]
    assignments = sorted({assignment for assignment, _ in jobs})
    lane_numbers = itertools.count()
    slots, lanes = [], []
    if cgroups.available():
        cgroups.remove_stale()
    try:
        while queue or slots:
            while len(slots) < workers and (queue or _busiest(slots)):
                if queue:
                    lane = _lane(root, scratch, next(lane_numbers), assignments, limits) if factories else None
                    lanes += [lane] if lane else []
                    slot = _open_slot(*queue.pop(0), lane, scratch)
                else:   # the batch's tail: a worker would idle, so it takes a job from a busy one
                    slot = _open_slot(*_take_last(_busiest(slots)), None, scratch)
                _next_job(root, slot, gradebook_copy, limits, settings, isolated)
                slots.append(slot)
            # wake as soon as a grader ends (its sentinel), or each second for the wall limit
            multiprocessing.connection.wait([slot["job"][1].sentinel for slot in slots], timeout=1.0)
            for slot in list(slots):
                assignment, proc, ws, left_out, digest, started, group = slot["job"]
                timed_out = proc.is_alive() and time.monotonic() - started > wall_limit
                if proc.is_alive() and not timed_out:
                    continue
                if not timed_out:
                    proc.join()
                stop(proc)   # with whatever the grader left behind in its group
                cgroups.remove(group)
                finish(root, assignment, slot["student"], ws, left_out, digest,
                       outcome_of(ws, proc, timed_out, wall_limit), on_done)
                if not slot["todo"] and slot["lane"] and queue:
                    # the worker's next student, in the same factory
                    new = _open_slot(*queue.pop(0), slot["lane"], scratch)
                    new["zygote"], slot["zygote"] = slot["zygote"], None
                    slots[slots.index(slot)] = slot = new
                if slot["todo"]:
                    _next_job(root, slot, gradebook_copy, limits, settings, isolated)
                else:
                    _stop_zygote(slot)
                    slots.remove(slot)
    finally:
        for slot in slots:
            stop(slot["job"][1])
            cgroups.remove(slot["job"][-1])
            _stop_zygote(slot)
        for lane in lanes:
            cgroups.remove(lane["group"])


def _busiest(slots):
    """The slot with the most jobs waiting, or None if no job waits."""
    busiest = max(slots, key=lambda slot: len(slot["todo"]), default=None)
    return busiest if busiest and busiest["todo"] else None


def _take_last(slot):
    """Take the last job waiting in `slot` out of it: (student, [assignment])."""
    return slot["student"], [slot["todo"].pop()]


def _lane(root, scratch, number, assignments, limits):
    """A worker's folders: {"helpers": {assignment: folder}, "sockets":
    folder}. Its kernel factory's sandbox sees these and nothing else of the
    course: read-only, the files each assignment's notebook needs (the same
    for every student), and read-write, the folder of the sockets its
    kernels and their graders talk through."""
    top = Path(scratch) / ("lane-%d" % number)
    lane = {"top": top, "helpers": {a: top / "helpers" / a for a in assignments}, "sockets": top / "sockets",
            "group": control_group(limits)}   # the factory's, for one notebook at a time
    for assignment, folder in lane["helpers"].items():
        source = Path(root) / layout.SOURCE / assignment
        files.copy_files(source, folder, [f.name for f in source.iterdir() if f.is_file() and f.suffix != ".ipynb"])
    lane["sockets"].mkdir(parents=True)
    return lane


def _open_slot(student, assignments, lane, scratch):
    """One student's jobs, graded in turn, with the lane's factory if any.
    Other slots get their own scratch folder."""
    scratch = Path(scratch) / ("student-%s" % student if lane else "alone")
    return {"student": student, "todo": list(assignments), "zygote": None, "scratch": scratch, "lane": lane}


def _next_job(root, slot, gradebook_copy, limits, settings, isolated):
    assignment, student, scratch = slot["todo"].pop(0), slot["student"], slot["scratch"]
    digest = submission_digest(root, assignment, student)
    ws, left_out = prepare(root, assignment, student, scratch, gradebook_copy, limits, isolated)
    group = []
    if slot["lane"]:
        sockets = slot["lane"]["sockets"]
        address = _clean_zygote(slot, scratch, limits)
        for p in sockets.iterdir():   # nothing an earlier kernel left may stay
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
        if address is None:   # no factory: a kernel of its own, in a group of its own
            group = control_group(limits)
        sandbox.write_kernelspec(str(ws / "jupyter"), limits, zygote=address, isolated=isolated, cgroups=group)
        kernel_folder = slot["lane"]["helpers"][assignment]
    else:
        sockets = tempfile.mkdtemp(prefix="sockets-", dir=Path(scratch).parent)   # the batch's: a short path
        group = control_group(limits)
        sandbox.write_kernelspec(str(ws / "jupyter"), limits, isolated=isolated, cgroups=group)
        kernel_folder = ws / KERNEL
    settings = dict(settings or {}, **kernel_settings(sockets, kernel_folder))
    slot["job"] = (assignment, start(ws, assignment, student, settings), ws, left_out, digest, time.monotonic(),
                   group)


def _clean_zygote(slot, scratch, limits):
    """The address of the student's kernel factory once nothing of the last
    notebook runs in it; a new factory if the old one is gone or stuck (a
    notebook may kill it); None, for plain kernels, if that fails too."""
    lane = slot["lane"]
    for attempt in range(2):
        if slot["zygote"] and sandbox.zygote_clean(slot["zygote"][1]):
            return slot["zygote"][1]
        _stop_zygote(slot)
        if attempt == 0:
            # its socket in the batch's scratch folder: a short path (the limit is 108 bytes)
            slot["zygote"] = sandbox.start_zygote(str(Path(scratch).parent), [str(lane["sockets"])],
                                                  [str(lane["top"] / "helpers")], limits, lane["group"])
    return None


def _stop_zygote(slot):
    if slot.get("zygote"):
        proc, address = slot.pop("zygote")
        proc.kill()   # bwrap: its pid namespace, and every process in it, goes too
        proc.wait()
        Path(address).unlink(missing_ok=True)
    slot["zygote"] = None


def warm_up():
    """Load, once and in this process, what each forked grader would otherwise
    load again: nbgrader and its database mappings, what jupyter_client
    imports when it starts a kernel (0.1 s), and nbformat's compiled notebook
    schemas (0.15 s per notebook)."""
    import IPython  # noqa: F401
    import nbgrader.apps  # noqa: F401
    import nbgrader.converters.autograde  # noqa: F401
    import psutil  # noqa: F401
    import sqlalchemy.orm
    from nbformat import validator
    sqlalchemy.orm.configure_mappers()   # nbgrader's ORM classes, set up on first use (0.05 s)
    for relax in (False, True):
        validator.get_validator(relax_add_props=relax)


def gradebook_at_start(root, scratch):
    """A consistent copy of the course gradebook (sqlite's backup API), from
    which every workspace of the batch starts."""
    import sqlite3
    copy = Path(scratch) / "gradebook-at-start.db"
    copy.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(str(Path(root) / "gradebook.db")), sqlite3.connect(str(copy))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return copy


def finish(root, assignment, student, ws, left_out, digest, outcome, on_done=None):
    """The end of every job, whichever engine ran it: grades into the
    gradebook, autograded folder and record into the course, workspace gone."""
    merge(root, assignment, student, outcome)
    put_in_place(root, ws, assignment, student, outcome, left_out, digest)
    shutil.rmtree(ws, ignore_errors=True)
    if on_done:
        on_done(assignment, student, outcome.get("error", ""))


# The Dask engine
# ---------------
# A Dask worker may be on another machine, so a job travels as data: the
# workspace's files go out, the outcome and the autograded files come back.
# The worker grades with the same autograde_in as the local engine; the
# merge into the gradebook stays here, with the one writer.

def payload(ws, assignment, student, settings, isolated=True):
    ws = Path(ws)
    data = {str(p.relative_to(ws)): p.read_bytes() for p in sorted(ws.rglob("*"))
            if p.is_file() and "jupyter" not in p.relative_to(ws).parts}
    return {"assignment": assignment, "student": student, "files": data, "settings": settings,
            "isolated": isolated}


def run_payload(job, limits=None):
    """Grade one job in a temporary workspace on this machine (a Dask task)."""
    with tempfile.TemporaryDirectory(prefix="course-job-") as tmp:
        ws = Path(tmp) / ("%s--%s" % (job["assignment"], job["student"]))
        for rel, data in job["files"].items():
            (ws / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws / rel).write_bytes(data)
        group = control_group(limits)
        sandbox.write_kernelspec(str(ws / "jupyter"), limits, isolated=job["isolated"], cgroups=group)
        sockets = Path(tmp) / "sockets"
        sockets.mkdir()
        try:
            autograde_in(ws, job["assignment"], job["student"],
                         dict(job["settings"], **kernel_settings(sockets, ws / KERNEL)))
            outcome = json.loads((ws / "outcome.json").read_text())
            made = ws / layout.AUTOGRADED / job["student"] / job["assignment"]
            outcome["autograded"] = {rel: files.read_bytes(made / rel) for rel, what in files.entries(made)
                                     if what == "a file" and "/" not in rel}
        except Exception as e:   # reported for this submission; the batch goes on
            return {"error": "grading failed on the worker: %s: %s" % (type(e).__name__, e)}
        finally:
            cgroups.remove(group)
        return outcome


def grade_many_dask(root, jobs, scratch, workers=1, limits=None, settings=None, on_done=None, scheduler=None,
                    isolated=True):
    """grade_many on Dask: an embedded LocalCluster, or the cluster at `scheduler`."""
    from dask.distributed import Client, LocalCluster, as_completed
    root = Path(root)
    gradebook_copy = gradebook_at_start(root, scratch)
    if scheduler:
        client, cluster = Client(scheduler), None
    else:   # one thread per worker process: autograde sets process-wide environment variables
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        futures = {}
        for assignment, student in jobs:
            digest = submission_digest(root, assignment, student)
            ws, left_out = prepare(root, assignment, student, scratch, gradebook_copy, limits, isolated)
            future = client.submit(run_payload, payload(ws, assignment, student, settings or {}, isolated), limits,
                                   pure=False)
            futures[future] = (assignment, student, ws, left_out, digest)
        for future in as_completed(futures):
            assignment, student, ws, left_out, digest = futures[future]
            try:
                outcome = future.result()
            except Exception as e:
                outcome = {"error": "the Dask task failed: %s: %s" % (type(e).__name__, e)}
            finish(root, assignment, student, ws, left_out, digest, outcome, on_done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
