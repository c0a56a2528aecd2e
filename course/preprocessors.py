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
    nothing the kernel sent at start-up can land in a cell's output."""

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


class GuardedExecute(Execute):
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
        self._chars = 0
        self._nonces = []
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip() \
                or self.skip_cells_with_tag in cell.metadata.get("tags", []):
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
            if not self._guard_ready:
                self._run_hidden(GUARD_SOURCE, index)
                self._guard_ready = True
            locked = utils.is_locked(cell)
            before = self._guard("before", index) if locked else []
            self._chars = 0
            cell, resources = super().preprocess_cell(cell, resources, index)
            printed = self._chars
            timed_out = any(o.get("ename") == "CellTimeoutError" for o in cell.outputs)
            after = self._guard("after", index, utils.is_grade(cell)) if locked and not timed_out else []
        except DeadKernelError:
            self._stopped = "the kernel died earlier (os._exit, a crash, or out of memory)"
            cell.outputs.append(error_output("DeadKernelError", "the kernel died while running this cell "
                                             "(os._exit, a crash, or out of memory); later cells were not run"))
            return cell, resources
        self._report(cell, before, after, printed)
        return cell, resources

    def _drop_guard_lines(self, cell):
        """A guard line that arrived late must not show up in a cell's output."""
        for out in cell.outputs:
            if out.get("output_type") == "stream" and any(n in out.text for n in self._nonces):
                out.text = "".join(l for l in out.text.splitlines(True)
                                   if not any(l.startswith(n) for n in self._nonces))
        cell.outputs = [o for o in cell.outputs if o.get("output_type") != "stream" or o.text]

    def _report(self, cell, before, after, printed):
        self._drop_guard_lines(cell)
        if printed > self.max_output_chars:
            cell.outputs.append(note_output("[output cut: the cell printed %d characters, the limit is %d]"
                                            % (printed, self.max_output_chars)))
        if before is None or (after is None and utils.is_grade(cell)):
            cell.outputs.append(error_output(TAMPERING, "the grading guard could not run around this cell: "
                                             "the kernel's cell execution was altered, so it scores 0"))
            return
        if before:
            cell.outputs.append(note_output("grading guard: restored before this cell: " + "; ".join(before)))
        if after and utils.is_grade(cell):
            cell.outputs.append(error_output(TAMPERING, "while this test ran, " + "; ".join(after)
                                             + "; a test that ran in a tampered kernel scores 0"))

    def _get_timeout(self, cell):
        return self._limit or super()._get_timeout(cell)

    def _run_hidden(self, source, index):
        """Run code in the kernel outside the notebook; return its stdout."""
        probe = nbformat.v4.new_code_cell(source)
        real = self.nb.cells[index]
        self._chars = 0
        try:
            self.execute_cell(probe, index, store_history=False)
        finally:
            self.nb.cells[index] = real   # nbclient stores the executed cell at its index
        return "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")

    def _guard(self, step, index, is_test=False):
        """Run one guard step; its findings, or None if it did not run."""
        nonce = secrets.token_hex(16)
        self._nonces.append(nonce)
        args = "%r, %r" % (nonce, is_test) if step == "after" else repr(nonce)
        out = self._run_hidden("__course_guard__.%s(%s)" % (step, args), index)
        for line in out.splitlines():
            if line.startswith(nonce):
                try:
                    return json.loads(line[len(nonce):])
                except ValueError:
                    return None
        return None

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        room = self.max_output_chars - self._chars
        self._chars += size
        if size > room:
            if room <= 0 or "text" not in content:
                return None   # dropped; _report says so
            msg = dict(msg, content=dict(content, text=content["text"][:room]))
        return super().output(outs, msg, display_id, cell_index)
