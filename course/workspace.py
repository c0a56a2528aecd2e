"""Grade each submission in a scratch workspace of its own.

    prepare (a throwaway course: config, helper files, a copy of the
    gradebook, the submitted notebooks) -> autograde there, in a child
    process, with the kernel in the sandbox (course/sandbox.py) -> read the
    grades from the scratch gradebook -> merge them into the course
    gradebook in one transaction -> put the autograded folder in place ->
    write the "done" record

Why a workspace: the kernel's working folder holds nothing but this
submission, so student code cannot reach the gradebook, the source
notebooks or other students' work (with bubblewrap it cannot even see
them); a submission that crashes or hangs its grader takes only its own
child process down; and the course gradebook has exactly one writer, this
process, so parallel graders never meet in SQLite.

Submitted files are only read. Files a student added beside the notebooks
are not copied: a `numpy.py` next to the notebook would shadow numpy.

Kernels from a factory: when a batch has at least as many students as
workers, each worker has a lane: one kernel factory (course/zygote.py),
started once, in a sandbox that sees only the lane's notebook folders, one
per assignment, and the folder of its kernels' Unix sockets. The worker
takes one student at a time; each of the student's workspaces reaches its
notebook folder through a link. Before each notebook it waits until the
factory has killed everything the last notebook left running and wiped the
sandbox's /tmp and /dev/shm, then empties every folder of the lane: nothing
of the last notebook, or of the last student, stays where the next kernel
can see it. A job taken by an idle worker at the end of the batch is graded
in a workspace of its own, with a fresh kernel, so that no factory's
sandbox ever shows it.
"""
import contextlib
import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from . import CourseError, layout, nbgrader_cli, sandbox

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
    """sha256 over every submitted file's name and bytes."""
    folder = Path(root) / layout.SUBMITTED / student / assignment
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def record_path(root, assignment, student):
    return Path(root) / layout.AUTOGRADED / student / assignment / RECORD


def read_record(root, assignment, student):
    try:
        return json.loads(record_path(root, assignment, student).read_text())
    except (OSError, ValueError):
        return None


def is_done(root, assignment, student):
    """Graded already, from exactly the files submitted now."""
    record = read_record(root, assignment, student)
    return bool(record) and record.get("digest") == submission_digest(root, assignment, student)


def prepare(root, assignment, student, scratch, gradebook_copy, limits):
    """Build the scratch course for one submission; return (folder, files left out)."""
    root = Path(root)
    ws = Path(scratch) / ("%s--%s" % (assignment, student))
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", ws / "nbgrader_config.py")
    shutil.copy(gradebook_copy, ws / "gradebook.db")
    src = ws / layout.SOURCE / assignment       # helper files only: no notebook, no solution
    src.mkdir(parents=True)
    for f in (root / layout.SOURCE / assignment).iterdir():
        if f.is_file() and f.suffix != ".ipynb":
            shutil.copy(f, src / f.name)
    submitted = root / layout.SUBMITTED / student / assignment
    dest = ws / layout.SUBMITTED / student / assignment
    dest.mkdir(parents=True)
    wanted = {p.name for p in layout.notebooks(root / layout.RELEASE / assignment)} | {"timestamp.txt"}
    left_out = []
    for f in sorted(submitted.rglob("*")):
        rel = f.relative_to(submitted)
        if f.is_file() and str(rel) in wanted:
            shutil.copy(f, dest / rel)
        elif f.is_file():
            left_out.append(str(rel))
    sandbox.write_kernelspec(str(ws / "jupyter"), limits)
    return ws, left_out


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
    outcome = {"error": error, "log": log[-20000:]}
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


def socket_settings(folder):
    """Config for a grader whose kernel talks to it over Unix sockets in
    `folder` (ipc), not TCP: the kernel's sandbox binds that folder and has
    no network at all."""
    return {"KernelManager.transport": "ipc", "KernelManager.ip": os.path.join(str(folder), "kernel")}


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
    """Move the autograded folder into the course, then write the record."""
    final = Path(root) / layout.AUTOGRADED / student / assignment
    made = Path(ws) / layout.AUTOGRADED / student / assignment
    for rel, data in outcome.pop("autograded", {}).items():   # sent back as data by a Dask worker
        (made / rel).parent.mkdir(parents=True, exist_ok=True)
        (made / rel).write_bytes(data)
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    final.parent.mkdir(parents=True, exist_ok=True)
    if made.is_dir():
        shutil.move(str(made), str(final))
    else:
        final.mkdir()
    shutil.rmtree(old, ignore_errors=True)
    record = {"digest": digest, "error": outcome.get("error", ""), "left_out": left_out,
              "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (final / RECORD).write_text(json.dumps(record, indent=1))


def grade_many(root, jobs, scratch, workers=1, limits=None, settings=None, wall_limit=900, on_done=None):
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
    factories = len(by_student) >= workers and bool(sandbox.bwrap())
    if factories:
        queue = list(by_student.items())
    else:
        queue = [(student, [assignment]) for assignment, student in jobs]
    assignments = sorted({assignment for assignment, _ in jobs})
    lane_numbers = itertools.count()
    slots = []
    try:
        while queue or slots:
            while len(slots) < workers and (queue or _busiest(slots)):
                if queue:
                    lane = _lane(scratch, next(lane_numbers), assignments) if factories else None
                    slot = _open_slot(root, *queue.pop(0), lane, scratch, gradebook_copy, limits)
                else:   # the batch's tail: a worker would idle, so it takes a job from a busy one
                    slot = _open_slot(root, *_take_last(_busiest(slots)), None, scratch, gradebook_copy, limits)
                _next_job(root, slot, gradebook_copy, limits, settings)
                slots.append(slot)
            # wake as soon as a grader ends (its sentinel), or each second for the wall limit
            multiprocessing.connection.wait([slot["job"][1].sentinel for slot in slots], timeout=1.0)
            for slot in list(slots):
                assignment, proc, ws, left_out, digest, started = slot["job"]
                timed_out = proc.is_alive() and time.monotonic() - started > wall_limit
                if proc.is_alive() and not timed_out:
                    continue
                if not timed_out:
                    proc.join()
                stop(proc)   # with whatever the grader left behind in its group
                finish(root, assignment, slot["student"], ws, left_out, digest,
                       outcome_of(ws, proc, timed_out, wall_limit), on_done)
                if not slot["todo"] and slot["lane"] and queue:
                    # the worker's next student, in the same factory
                    new = _open_slot(root, *queue.pop(0), slot["lane"], scratch, gradebook_copy, limits)
                    new["zygote"], slot["zygote"] = slot["zygote"], None
                    slots[slots.index(slot)] = slot = new
                if slot["todo"]:
                    _next_job(root, slot, gradebook_copy, limits, settings)
                else:
                    _stop_zygote(slot)
                    slots.remove(slot)
    finally:
        for slot in slots:
            stop(slot["job"][1])
            _stop_zygote(slot)


def _busiest(slots):
    """The slot with the most jobs waiting, or None if no job waits."""
    busiest = max(slots, key=lambda slot: len(slot["todo"]), default=None)
    return busiest if busiest and busiest["todo"] else None


def _take_last(slot):
    """Take the last job waiting in `slot` out of it: (student, [assignment])."""
    assignment = slot["todo"].pop()
    ready = slot["ready"].pop(assignment, None)
    if ready:   # its workspace, made in advance: the job gets one of its own, outside any factory
        shutil.rmtree(ready[0], ignore_errors=True)   # removes the link to the lane, not the lane
    return slot["student"], [assignment]


def _lane(scratch, number, assignments):
    """A worker's folders: {"notebooks": {assignment: folder}, "sockets":
    folder}. Its kernel factory's sandbox sees these and nothing else of the
    course: a notebook folder per assignment, and one for the sockets its
    kernels and their graders talk through."""
    top = Path(scratch) / ("lane-%d" % number)
    lane = {"notebooks": {a: top / a / layout.AUTOGRADED for a in assignments}, "sockets": top / "sockets"}
    for folder in _lane_folders(lane):
        folder.mkdir(parents=True)
    return lane


def _lane_folders(lane):
    return [*lane["notebooks"].values(), lane["sockets"]]


def _open_slot(root, student, assignments, lane, scratch, gradebook_copy, limits):
    """One student's jobs, graded in turn. With a `lane`, every workspace is
    made now, its autograded folder a link to the lane's notebook folder for
    that assignment. Other slots get their own scratch folder: none of theirs
    may ever be in a factory's sandbox."""
    scratch = Path(scratch) / ("student-%s" % student if lane else "alone")
    slot = {"student": student, "todo": list(assignments), "ready": {}, "zygote": None, "scratch": scratch,
            "lane": lane}
    for assignment in (assignments if lane else []):
        digest = submission_digest(root, assignment, student)
        ws, left_out = prepare(root, assignment, student, scratch, gradebook_copy, limits)
        (ws / layout.AUTOGRADED).symlink_to(lane["notebooks"][assignment], target_is_directory=True)
        slot["ready"][assignment] = (ws, left_out, digest)
    return slot


def _next_job(root, slot, gradebook_copy, limits, settings):
    assignment, student, scratch = slot["todo"].pop(0), slot["student"], slot["scratch"]
    if assignment in slot["ready"]:
        ws, left_out, digest = slot["ready"].pop(assignment)
        address = _clean_zygote(slot, _lane_folders(slot["lane"]), scratch, limits)
        for folder in _lane_folders(slot["lane"]):   # nothing an earlier kernel left may stay
            for p in folder.iterdir():
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)
                else:
                    p.unlink()
        sandbox.write_kernelspec(str(ws / "jupyter"), limits, zygote=address)
        sockets = slot["lane"]["sockets"]
    else:
        digest = submission_digest(root, assignment, student)
        ws, left_out = prepare(root, assignment, student, scratch, gradebook_copy, limits)
        sockets = tempfile.mkdtemp(prefix="sockets-", dir=Path(scratch).parent)   # the batch's: a short path
    settings = dict(settings or {}, **socket_settings(sockets))
    slot["job"] = (assignment, start(ws, assignment, student, settings), ws, left_out, digest, time.monotonic())


def _clean_zygote(slot, folders, scratch, limits):
    """The address of the student's kernel factory once nothing of the last
    notebook runs in it; a new factory if the old one is gone or stuck (a
    notebook may kill it); None, for plain kernels, if that fails too."""
    for attempt in range(2):
        if slot["zygote"] and sandbox.zygote_clean(slot["zygote"][1]):
            return slot["zygote"][1]
        _stop_zygote(slot)
        if attempt == 0:
            # its socket in the batch's scratch folder: a short path (the limit is 108 bytes)
            slot["zygote"] = sandbox.start_zygote(str(Path(scratch).parent), [str(f) for f in folders], limits)
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

def payload(ws, assignment, student, settings):
    ws = Path(ws)
    files = {str(p.relative_to(ws)): p.read_bytes() for p in sorted(ws.rglob("*"))
             if p.is_file() and "jupyter" not in p.relative_to(ws).parts}
    return {"assignment": assignment, "student": student, "files": files, "settings": settings}


def run_payload(job, limits=None):
    """Grade one job in a temporary workspace on this machine (a Dask task)."""
    with tempfile.TemporaryDirectory(prefix="course-job-") as tmp:
        ws = Path(tmp) / ("%s--%s" % (job["assignment"], job["student"]))
        for rel, data in job["files"].items():
            (ws / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws / rel).write_bytes(data)
        sandbox.write_kernelspec(str(ws / "jupyter"), limits)
        sockets = Path(tmp) / "sockets"
        sockets.mkdir()
        try:
            autograde_in(ws, job["assignment"], job["student"], dict(job["settings"], **socket_settings(sockets)))
            outcome = json.loads((ws / "outcome.json").read_text())
        except Exception as e:   # reported for this submission; the batch goes on
            return {"error": "grading failed on the worker: %s: %s" % (type(e).__name__, e)}
        made = ws / layout.AUTOGRADED / job["student"] / job["assignment"]
        outcome["autograded"] = {str(p.relative_to(made)): p.read_bytes() for p in made.rglob("*")
                                 if p.is_file() and "__pycache__" not in p.parts}
        return outcome


def grade_many_dask(root, jobs, scratch, workers=1, limits=None, settings=None, on_done=None, scheduler=None):
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
            ws, left_out = prepare(root, assignment, student, scratch, gradebook_copy, limits)
            future = client.submit(run_payload, payload(ws, assignment, student, settings or {}), limits, pure=False)
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
