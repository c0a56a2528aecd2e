"""nbgrader preprocessors of this course, named in nbgrader_config.py.

Skipping slow cells under grading
---------------------------------
Cells tagged SKIP_TAG (long training runs, and the plots that read their
results) are not executed by `nbgrader autograde`: nbgrader's Execute skips
them through nbclient's `skip_cells_with_tag`, set in nbgrader_config.py. No
grade depends on them; tests/test_skipping.py proves that statically for
every source notebook.

A student could add the tag to a test cell so that a failing test never runs.
OnlySkipUngradedCells runs right after nbgrader restores the locked cells,
and removes the tag from every graded, solution or locked cell, so the tag
can only skip cells that a student could have emptied anyway.

Judging outside the kernel
--------------------------
JudgedExecute replaces nbgrader's Execute in autograde. It runs the same
cells in the same kernel, except that no test cell's verdict comes from the
kernel: at each test cell it has the kernel call the student's function on
the cases of course/checks/<assignment>.py and hand back what it returned,
as plain data (testCases.run_cases), and judges that here
(course/checks/judge.py). The cell's outputs are then the grader's verdict,
and for a visible test also what the cell printed. A hidden test cell is not
run in the kernel at all.
"""
import ast
import time
from queue import Empty

import nbformat
import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from nbclient.exceptions import DeadKernelError
from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Integer, Unicode

from . import checks
from . import notebooks as nbs
from .checks import judge, public

SKIP_TAG = "skip-when-grading"


def skip_tagged(cell):
    """Whether the cell carries the skip tag."""
    return SKIP_TAG in cell.metadata.get("tags", [])


def may_skip(cell):
    """Whether the skip tag is honoured on this cell."""
    return not (utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell))


class OnlySkipUngradedCells(NbGraderPreprocessor):
    """Drop the skip tag from every cell that a grade depends on."""

    def preprocess_cell(self, cell, resources, index):
        if skip_tagged(cell) and not may_skip(cell):
            cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != SKIP_TAG]
        return cell, resources



# Grading that student code cannot talk its way around
# -----------------------------------------------------
# Besides judging each test cell outside the kernel, JudgedExecute adds:
#   * a time limit for the whole notebook, on top of nbgrader's per cell;
#   * a cap on the output one cell may produce;
#   * a clear error in the cell where the kernel died, and in every later one.
WRONG = "WrongAnswer"        # the ename of a failed check
ANSWERS = "__course_answers__"
MAX_ANSWER_CHARS = judge.MAX_ANSWER_CHARS
MAX_MESSAGE_BYTES = 2 * MAX_ANSWER_CHARS   # a reply that carries the answers fits


def error_output(ename, evalue):
    return nbformat.from_dict({"output_type": "error", "ename": ename, "evalue": evalue,
                               "traceback": ["%s: %s" % (ename, evalue)]})


def stdout_output(text):
    return nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": text})


NOTE = "course-note"   # marks the grader's own notes among a cell's outputs


def note_output(text):
    """A note from the grader. Not a stream: nbclient and LimitOutput would
    merge it into the cell's own printout, and cut it with it."""
    return nbformat.from_dict({"output_type": "display_data", "data": {"text/plain": text},
                               "metadata": {NOTE: True}})


def note_text(output):
    """The text of a grader's note, or None for any other output."""
    if output.get("output_type") == "display_data" and output.get("metadata", {}).get(NOTE):
        return output["data"]["text/plain"]
    return None


class ReadyClient(AsyncKernelClient):
    """jupyter_client's kernel client, less the last step of wait_for_ready:
    0.2 s spent waiting for IOPub to fall quiet, on every kernel start.
    nbclient reads only IOPub messages that answer its own requests, so
    nothing the kernel sent at start-up can land in a cell's output.

    It also sends the user expressions JudgedExecute asks for with the next
    request (they are how the answers come back)."""

    next_expressions = None   # for the next execute request only

    async def _ready(self, timeout=None):
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply and reply["msg_type"] == "kernel_info_reply":
                try:   # an IOPub message proves the subscription is live (zmq's "slow joiner")
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError("Kernel didn't respond in %d seconds" % timeout)

    wait_for_ready = _ready

    def start_channels(self, *args, **kwargs):
        # The kernel opens its ports a moment after it starts; zmq retries a
        # refused connection every 100 ms by default.
        self.context.setsockopt(zmq.RECONNECT_IVL, 10)
        # A larger message from the kernel is dropped (its connection reset),
        # never held in this process's memory.
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        return super().start_channels(*args, **kwargs)

    def execute(self, code, *args, **kwargs):
        expressions, self.next_expressions = self.next_expressions, None
        if expressions:
            kwargs["user_expressions"] = expressions
        return super().execute(code, *args, **kwargs)


def unquote(text):
    """The str whose repr the kernel sent, or None if `text` is anything else."""
    if not isinstance(text, str) or len(text) > MAX_ANSWER_CHARS or text[:1] not in ("'", '"'):
        return None
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class JudgedExecute(Execute):
    """nbgrader's Execute, with every test cell judged outside the kernel."""

    notebook_timeout = Integer(600, help="Seconds the whole notebook may run.").tag(config=True)
    max_output_chars = Integer(200_000, help="Output kept per cell; the rest is dropped.").tag(config=True)
    # No grade depends on what the kernel sends on IOPub, which may go
    # quiet early (a message over MAX_MESSAGE_BYTES is dropped with its
    # connection): a cell whose output stops short is not an error.
    raise_on_iopub_timeout = Bool(False).tag(config=True)
    kernel_folder = Unicode("", help="Where the kernel starts, if not beside the notebook: a folder of the "
                                     "files the notebook needs, which the grader never reads back "
                                     "(course/sandbox.py).").tag(config=True)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.client_class = "course.preprocessors.ReadyClient"
        return km

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._limit = None
        self._stopped = ""          # why no more cells run, once the kernel died or time ran out
        self._chars = 0
        self._reply = None          # the last execute reply
        self._exercises = checks.exercises((resources or {}).get("nbgrader", {}).get("assignment", ""))
        if not self.kernel_folder:
            return super().preprocess(nb, resources, km)
        metadata = resources.setdefault("metadata", {})
        beside = metadata.get("path")
        metadata["path"] = self.kernel_folder   # nbclient starts the kernel there
        try:
            return super().preprocess(nb, resources, km)
        finally:
            metadata["path"] = beside

    def on_cell_executed(self, **kwargs):
        self._reply = kwargs["execute_reply"]
        return super().on_cell_executed(**kwargs)   # nbgrader's: records a timeout as the cell's error

    def _runs(self, cell):
        return bool(cell.cell_type == "code" and cell.source.strip()
                    and self.skip_cells_with_tag not in cell.metadata.get("tags", []))

    def preprocess_cell(self, cell, resources, index):
        if not self._runs(cell):
            return super().preprocess_cell(cell, resources, index)
        left = self._deadline - time.monotonic()
        if not self._stopped and left <= 0:
            self._stopped = "the notebook used up its %d s time limit" % self.notebook_timeout
        if self._stopped:
            cell.outputs = [error_output("NotRun", "this cell was not run: " + self._stopped)]
            return cell, resources
        self._limit = max(1, int(min(self.timeout or left, left)))
        self.error_on_timeout = {"ename": "CellTimeoutError", "evalue": "stopped after %d s" % self._limit,
                                 "traceback": ["CellTimeoutError: this cell ran longer than %d s and was stopped"
                                               % self._limit]}
        try:
            if utils.is_grade(cell) and not utils.is_solution(cell):
                return self._judged(cell, resources, index)
            self._chars = 0
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stopped = "the kernel died earlier (os._exit, a crash, or out of memory)"
            cell.outputs.append(error_output("DeadKernelError", "the kernel died while running this cell "
                                             "(os._exit, a crash, or out of memory); later cells were not run"))
            return cell, resources
        self._note_cut(cell)
        return cell, resources

    def _judged(self, cell, resources, index):
        """A test cell: its verdict, judged here on the answers the kernel hands back."""
        name, _, part = nbs.grade_id(cell).rpartition("-")
        kept = []
        if part != "hidden":   # run as the student ran it; what it printed stays, its verdict does not count
            self._chars = 0
            cell, resources = super().preprocess_cell(cell, resources, index)
            self._note_cut(cell)
            kept = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stdout" or note_text(o)]
        exercise = self._exercises.get(name)
        if exercise is None:
            cell.outputs = kept + [error_output("NoChecks", "the grader has no checks for %s (course/checks/%s.py)"
                                                % (name, resources["nbgrader"]["assignment"]))]
            return cell, resources
        hidden = part == "hidden"
        cases = exercise.hidden if hidden else exercise.graded_visible()
        text, problem = self._answers(judge.request(exercise, cases), index)
        if problem:
            verdict = judge.Verdict(False, problem)
        else:
            try:
                answers, own = judge.read_answers(exercise, cases, text)
                verdict = judge.judge(exercise, cases, answers, own, carry=hidden)
            except public.Malformed as e:
                verdict = judge.Verdict(False, "the answers the kernel handed back could not be read (%s)" % e)
        if verdict.passed:
            cell.outputs = kept + [stdout_output("Checked by the grader: %s\n" % verdict.message)]
        else:
            cell.outputs = kept + [error_output(WRONG, verdict.message)]
        return cell, resources

    def _answers(self, request, index):
        """(text, None): the answers as run_cases wrote them; or (None, why not)."""
        probe = nbformat.v4.new_code_cell("%s = __import__('testCases').run_cases(%r, globals())" % (ANSWERS, request))
        real = self.nb.cells[index]
        self._reply = None
        self.kc.next_expressions = {"answers": ANSWERS}
        try:
            self.execute_cell(probe, index, store_history=False)
        finally:
            self.nb.cells[index] = real   # nbclient stores the executed cell at its index
            self.kc.next_expressions = None
        if any(o.get("ename") == "CellTimeoutError" for o in probe.outputs):
            return None, "the function ran longer than %d s on the test cases and was stopped" % self._limit
        content = (self._reply or {}).get("content", {})
        answer = content.get("user_expressions", {}).get("answers", {}) if content.get("status") == "ok" else {}
        if answer.get("status") != "ok":
            why = content.get("ename") or answer.get("ename") or "no reply"
            return None, "the kernel did not hand back the function's answers (%s)" % why
        text = unquote(answer.get("data", {}).get("text/plain"))
        if text is None:
            return None, "the answers the kernel handed back are not in the form the grader reads"
        return text, None

    def _note_cut(self, cell):
        if self._chars > self.max_output_chars:
            cell.outputs.append(note_output("[output cut: the cell printed %d characters, the limit is %d]"
                                            % (self._chars, self.max_output_chars)))

    def _get_timeout(self, cell):
        return self._limit or super()._get_timeout(cell)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        room = self.max_output_chars - self._chars
        self._chars += size
        if size > room:
            if room <= 0 or "text" not in content:
                return None   # dropped; _note_cut says so
            msg = dict(msg, content=dict(content, text=content["text"][:room]))
        return super().output(outs, msg, display_id, cell_index)
