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

Scrubbing feedback
------------------
nbgrader restores the hidden tests into the autograded notebook, and its
feedback HTML shows them, with tracebacks that quote their lines (#917,
#1363). ScrubHiddenTests runs in `generate_feedback` only: in each test
cell it replaces the hidden block with one line saying it is hidden, and
reduces error tracebacks to the final message, which the checks write
without expected values. Points, pass or fail and the message stay.
"""
import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path
from queue import Empty

import nbformat
import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from nbclient.exceptions import DeadKernelError
from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer

from .notebooks import BEGIN_HIDDEN, END_HIDDEN

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


HIDDEN_NOTE = "# The hidden tests are not shown; their result is below."


class ScrubHiddenTests(NbGraderPreprocessor):
    """Keep hidden test source and the tracebacks quoting it out of feedback."""

    def preprocess_cell(self, cell, resources, index):
        if not utils.is_grade(cell) or BEGIN_HIDDEN not in cell.source:
            return cell, resources
        lines = cell.source.splitlines()
        begin = next(i for i, l in enumerate(lines) if BEGIN_HIDDEN in l)
        end = next((i for i, l in enumerate(lines) if END_HIDDEN in l and i > begin), len(lines) - 1)
        cell.source = "\n".join(lines[:begin] + [HIDDEN_NOTE] + lines[end + 1:])
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = ["%s: %s" % (output.get("ename", "Error"), output.get("evalue", ""))]
        return cell, resources


# Grading that student code cannot talk its way around
# -----------------------------------------------------
# GuardedExecute replaces nbgrader's Execute in autograde. It runs the same
# cells in the same kernel, and adds:
#   * the grading guard (course/kernel_guard.py) around every locked cell;
#   * a time limit for the whole notebook, on top of nbgrader's per cell;
#   * a cap on the output one cell may produce;
#   * a clear error in the cell where the kernel died, and in every later one.
GUARD_SOURCE = Path(__file__).with_name("kernel_guard.py").read_text()
GUARD_KEY_LINE = "course-guard-key:"   # kernel_guard.KEY_LINE: that file is sent, not imported
GUARD_MARK = "course-guard-step:"      # starts every nonce, so one search finds guard lines in a stream
TAMPERING = "GradingGuard"


def error_output(ename, evalue):
    return nbformat.from_dict({"output_type": "error", "ename": ename, "evalue": evalue,
                               "traceback": ["%s: %s" % (ename, evalue)]})


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

    It also carries GuardedExecute's guard steps on the next request, as
    user expressions (see GuardedExecute)."""

    guard_expressions = None   # for the next execute request only

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
        return super().start_channels(*args, **kwargs)

    def execute(self, code, *args, **kwargs):
        expressions, self.guard_expressions = self.guard_expressions, None
        if expressions:
            kwargs["user_expressions"] = expressions
        return super().execute(code, *args, **kwargs)


class GuardedExecute(Execute):
    """nbgrader's Execute with the grading guard around every locked cell.

    Each guard step is a call that prints one signed line (see
    course/kernel_guard.py). A step rides along on a request the grader
    sends anyway, as a user expression, which the kernel evaluates right
    after that request's code: "after" on the locked cell's own request,
    "before" on the request of the cell that runs just before it. A kernel
    evaluates user expressions only after code that raised nothing, so after
    an error the step is sent on its own, as a hidden cell. Either way
    nothing runs between the step and the cell it guards, and a reference
    solution needs no extra round trip to the kernel (66 per student)."""

    notebook_timeout = Integer(600, help="Seconds the whole notebook may run.").tag(config=True)
    max_output_chars = Integer(200_000, help="Output kept per cell; the rest is dropped.").tag(config=True)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.client_class = "course.preprocessors.ReadyClient"
        return km

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._limit = None
        self._stopped = ""          # why no more cells run, once the kernel died or time ran out
        self._guard_ready = False
        self._guard_key = None
        self._chars = 0
        self._nonces = set()        # of every guard step sent
        self._lines = {}            # nonce -> [the rest of each line it starts], taken out of the outputs
        self._carried = {}          # cell index -> nonce of its "before" step, already run
        self._status = None         # of the last execute reply
        return super().preprocess(nb, resources, km)

    def on_cell_executed(self, **kwargs):
        self._status = kwargs["execute_reply"].get("content", {}).get("status")
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
        locked, is_test = utils.is_locked(cell), utils.is_grade(cell)
        try:
            if not self._guard_ready:
                installed = self._run_hidden(GUARD_SOURCE, index, self._steps(None, index))
                self._guard_key = next((bytes.fromhex(l[len(GUARD_KEY_LINE):]) for l in installed.splitlines()
                                        if l.startswith(GUARD_KEY_LINE)), None)
                self._guard_ready = True
            before = self._before(index) if locked else []
            self._chars = 0
            steps = self._send(self._steps(cell, self._next_to_run(index)))
            cell, resources = super().preprocess_cell(cell, resources, index)
            printed = self._chars
            rode = self._rode(steps)
            timed_out = any(o.get("ename") == "CellTimeoutError" for o in cell.outputs)
            after = []
            if locked and not timed_out:
                after = self._ridden(steps["after"][0]) if rode else self._guard("after", index, is_test)
        except DeadKernelError:
            self._stopped = "the kernel died earlier (os._exit, a crash, or out of memory)"
            cell.outputs.append(error_output("DeadKernelError", "the kernel died while running this cell "
                                             "(os._exit, a crash, or out of memory); later cells were not run"))
            return cell, resources
        self._report(cell, before, after, printed)
        return cell, resources

    def _next_to_run(self, index):
        return next((i for i in range(index + 1, len(self.nb.cells)) if self._runs(self.nb.cells[i])), None)

    def _steps(self, cell, next_index):
        """{name: (nonce, expression, next_index)}: the guard steps to ride
        along on the request for `cell` (None: a hidden cell)."""
        steps = {}
        if cell is not None and utils.is_locked(cell):
            nonce = self._nonce()
            steps["after"] = (nonce, self._call("after", nonce, utils.is_grade(cell)), None)
        if next_index is not None and utils.is_locked(self.nb.cells[next_index]):
            nonce = self._nonce()
            steps["before"] = (nonce, self._call("before", nonce), next_index)
        return steps

    def _send(self, steps):
        """Have the next request carry `steps`; return those it will carry
        (none if the client is not ours: then each step goes on its own)."""
        self._status = None
        if not isinstance(self.kc, ReadyClient):
            return {}
        self.kc.guard_expressions = {name: expression for name, (_, expression, _) in steps.items()}
        return steps

    def _rode(self, steps):
        """Whether the kernel evaluated the steps sent with the last request;
        if so, the next cell's "before" is done."""
        if not steps or self._status != "ok":
            return False
        if "before" in steps:
            nonce, _, next_index = steps["before"]
            self._carried[next_index] = nonce
        return True

    def _before(self, index):
        if index in self._carried:
            return self._ridden(self._carried.pop(index))
        return self._guard("before", index)

    def _ridden(self, nonce):
        """The findings of a step that has run: None if no line came back
        signed by the guard's key (a student may print lines of their own)."""
        for rest in self._lines.pop(nonce, []):
            found = self._signed(nonce, rest)
            if found is not None:
                return found
        return None

    def _report(self, cell, before, after, printed):
        if printed > self.max_output_chars:
            cell.outputs.append(note_output("[output cut: the cell printed %d characters, the limit is %d]"
                                            % (printed, self.max_output_chars)))
        if before is None or (after is None and utils.is_grade(cell)):
            cell.outputs.append(error_output(TAMPERING, "the grading guard could not run around this cell, "
                                             "or its answer was forged: the kernel's cell execution or the "
                                             "guard itself was altered, so it scores 0"))
            return
        if before:
            cell.outputs.append(note_output("grading guard: restored before this cell: " + "; ".join(before)))
        if after and utils.is_grade(cell):
            cell.outputs.append(error_output(TAMPERING, "while this test ran, " + "; ".join(after)
                                             + "; a test that ran in a tampered kernel scores 0"))

    def _get_timeout(self, cell):
        return self._limit or super()._get_timeout(cell)

    def _run_hidden(self, source, index, steps=None):
        """Run code in the kernel outside the notebook; return its stdout."""
        probe = nbformat.v4.new_code_cell(source)
        real = self.nb.cells[index]
        self._chars = 0
        steps = self._send(steps or {})
        try:
            self.execute_cell(probe, index, store_history=False)
        finally:
            self.nb.cells[index] = real   # nbclient stores the executed cell at its index
        self._rode(steps)
        return "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")

    def _nonce(self):
        nonce = GUARD_MARK + secrets.token_hex(16)
        self._nonces.add(nonce)   # output() takes its line out of the stream
        return nonce

    @staticmethod
    def _call(step, nonce, is_test=False):
        """The code of one guard step."""
        args = "%r, %r" % (nonce, is_test) if step == "after" else repr(nonce)
        return "__course_guard__.%s(%s)" % (step, args)

    def _guard(self, step, index, is_test=False):
        """Run one guard step in a hidden cell; its findings, or None if it did not run."""
        nonce = self._nonce()
        self._run_hidden(self._call(step, nonce, is_test), index)
        return self._ridden(nonce)

    def _signed(self, nonce, rest):
        """The findings in a guard line, if the guard's key signed them."""
        signature, findings = rest[:64], rest[64:]
        if self._guard_key is None or not hmac.compare_digest(
                signature, hmac.new(self._guard_key, (nonce + findings).encode(), hashlib.sha256).hexdigest()):
            return None
        try:
            return json.loads(findings)
        except ValueError:
            return None

    def _take_guard_lines(self, text):
        """Take every awaited guard line out of a stream's text, before the
        output cap can cut it; return the rest."""
        kept = []
        for line in text.splitlines(True):
            at = line.find(GUARD_MARK)
            nonce = line[at:at + len(GUARD_MARK) + 32] if at >= 0 else None
            if nonce not in self._nonces:   # a student may print the mark too
                kept.append(line)
                continue
            self._lines.setdefault(nonce, []).append(line[at + len(nonce):].rstrip("\n"))
            kept.append(line[:at])   # what the student printed without a newline before it
        return "".join(kept)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg.get("msg_type") == "stream" and GUARD_MARK in content.get("text", ""):
            content = dict(content, text=self._take_guard_lines(content["text"]))
            msg = dict(msg, content=content)
            if not content["text"]:
                return None
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        room = self.max_output_chars - self._chars
        self._chars += size
        if size > room:
            if room <= 0 or "text" not in content:
                return None   # dropped; _report says so
            msg = dict(msg, content=dict(content, text=content["text"][:room]))
        return super().output(outs, msg, display_id, cell_index)
