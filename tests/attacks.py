"""Hostile and broken submissions for the adversarial suite, all on chapter 2
(the quickest to grade). Each is built from the release like a real
submission. See tests/test_adversarial.py for what each must (not) achieve.

WRONG is a wrong answer to exercise 1 (a named mistake) with a right answer
to exercise 2: every tamper attempt is that wrong answer plus the tamper,
and must score no more than WRONG alone."""
import socket

import nbformat

from course import cohort
from course import notebooks as nbs
from course.samples.ch2_ewa import BIAS_CELL, EWA_CELL, EWA_WRONG

ASSIGNMENT = "ch2_ewa"
WRONG = "zz_wrong_alone"
WRONG_CODE = EWA_WRONG["no-one-minus-beta"]

# name: (code added to the end of the exercise-1 cell, or None, code put first inside the function, or None)
TAMPER = {
    "patch_numpy": ("import numpy\n"
                    "numpy.isclose = lambda a, b, **k: numpy.ones(numpy.shape(a), dtype=bool)\n"
                    "numpy.allclose = lambda *a, **k: True\n", None),
    "patch_numpy_during_test": (None, "np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)\n"
                                      "np.testing.assert_allclose = lambda *a, **k: None\n"),
    "patch_builtins": ("import builtins\nbuiltins.print = lambda *a, **k: None\n"
                       "builtins.AssertionError = Warning\n", None),
    "custom_exc": ("get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n", None),
    "showtraceback": ("get_ipython().showtraceback = lambda *a, **k: None\n"
                      "get_ipython()._showtraceback = lambda *a, **k: None\n", None),
    "redefine_visible_test": ("def visible_test(fn, *args, **kwargs):\n    print('All values match.')\n"
                              "    return fn(*args, **kwargs)\n", None),
    "fake_passed": ("print('All tests passed: 6/6 points')\n", None),
    "hijack_execution": ("async def _skip(*args, **kwargs):\n"
                         "    return {'status': 'ok', 'execution_count': 0, 'user_expressions': {}, 'payload': []}\n"
                         "get_ipython().kernel.do_execute = _skip\n", None),
    # the grader's runner made to hand back the right answers, read from the release, for the visible cases
    "replace_runner": ("import json, testCases\n"
                       "_known = json.load(open('visible_checks.json'))['cases']\n"
                       "_run = testCases.run_cases\n"
                       "def _lie(request, namespace):\n"
                       "    calls = testCases.decode(json.loads(request))['calls']\n"
                       "    out = [testCases.encode(testCases.decode(_known[k]['expected'])) if k in _known else None\n"
                       "           for k in (testCases.fingerprint(c['function'], *c['input']) for c in calls)]\n"
                       "    real = testCases.decode(json.loads(_run(request, namespace)))\n"
                       "    return json.dumps([o if o is not None else testCases.encode(r) for o, r in zip(out, real)])\n"
                       "testCases.run_cases = _lie\n", None),
    # the right answers copied from the release for the visible cases, the wrong answer elsewhere
    "hardcoded_visible": (None, "import json, testCases\n"
                                "_cases = json.load(open('visible_checks.json'))['cases']\n"
                                "for _theta in (theta.tolist(), theta):\n"
                                "    _key = testCases.fingerprint('exponentially_weighted_average', (_theta, beta), {})\n"
                                "    if _key in _cases:\n"
                                "        return testCases.decode(_cases[_key]['expected'])['result']\n"),
    # a value shown by the function: nbgrader gives points to a cell whose first output is a result
    "displayed_result": (None, "import sys\nsys.displayhook('passed')\n"),
    # looks for expected values in the frames that call it
    "reads_frames": (None, "import sys\n"
                           "_f = sys._getframe(1)\n"
                           "while _f is not None:\n"
                           "    for _name, _value in list(_f.f_locals.items()):\n"
                           "        if 'expect' in _name or 'reference' in _name:\n"
                           "            print('found', _name)\n"
                           "            if isinstance(_value, np.ndarray):\n"
                           "                return _value\n"
                           "    _f = _f.f_back\n"),
    # a result that says it equals anything
    "lying_eq": (None, "class _Liar(np.ndarray):\n"
                       "    def __eq__(self, other):\n"
                       "        return np.ones(np.shape(self), dtype=bool)\n"
                       "    __ne__ = lambda self, other: np.zeros(np.shape(self), dtype=bool)\n"
                       "    def __array_ufunc__(self, *a, **k):\n"
                       "        return np.ones(np.shape(self), dtype=bool)\n"
                       + WRONG_CODE + "return v.view(_Liar)\n"),
    "lying_object": (None, "class _Anything:\n"
                           "    def __eq__(self, other):\n        return True\n"
                           "    def __array__(self, *a, **k):\n        raise TypeError('no')\n"
                           "    def __len__(self):\n        return len(theta)\n"
                           "return _Anything()\n"),
    # a printed answers payload, in the grader's own form, with the right visible answers
    "printed_payload": (None, "import json, testCases\n"
                              "_known = json.load(open('visible_checks.json'))['cases']\n"
                              "print('%s = ' % '__course_answers__' + json.dumps([_e['expected'] for _e in _known.values()]))\n"),
    # prints what it is given, hidden cases included, hoping to read them in the feedback
    "prints_its_inputs": (None, "print('LEAKED INPUT', repr(theta)[:60])\n"),
}
# Attacks that fool a verdict made in the kernel: under stock nbgrader, which
# trusts what the kernel says, they pass the visible test of the wrong answer.
FOOL_THE_KERNEL = ("patch_numpy", "patch_numpy_during_test", "redefine_visible_test", "hijack_execution",
                   "hardcoded_visible", "displayed_result")

# A port listening on this machine's loopback for the whole test session: a
# kernel that shared the machine's network could connect to it.
LISTENER = socket.create_server(("127.0.0.1", 0))

# Runs in the kernel; ROOT is filled in with the course folder being graded.
REACH = '''
import os, socket
for _what, _try in [
        ("connect to a port on this machine", lambda: socket.create_connection(("127.0.0.1", %d), timeout=5)),
        ("list the course folder", lambda: os.listdir(ROOT)),
        ("read a source notebook", lambda: open(ROOT + "/source_notebooks/ch2_ewa/ch2_ewa.ipynb").read()),
        ("write to the gradebook", lambda: open(ROOT + "/gradebook.db", "r+b").write(b"x")),
        ("delete another submission", lambda: os.remove(ROOT + "/submitted/reference/ch2_ewa/ch2_ewa.ipynb")),
        ("write into the course", lambda: open(ROOT + "/release/planted.txt", "w").write("x")),
        ("reach the gradebook by a relative path", lambda: open("../../../gradebook.db", "r+b").write(b"x")),
        ]:
    try:
        _try()
        print("REACHED: " + _what)
    except Exception as _e:
        print("blocked: " + _what)
''' % LISTENER.getsockname()[1]
# Issue 18: code added after a right answer to exercise 1, trying the
# plumbing around the kernel. ROOT is filled in with the course folder.
CANARY = "COURSE_TEST_CANARY"   # set in the grading process's environment by the test session
ESCAPES = {
    # links named like what the grader writes or reads, pointing into the course, and a FIFO named like a notebook
    "plants_links": """
import os
for _name, _target in [("ch2_ewa.ipynb", ROOT + "/gradebook.db"), (".course-graded.json", ROOT + "/gradebook.db"),
                       ("leak.ipynb", ROOT + "/source_notebooks/ch2_ewa/ch2_ewa.ipynb"),
                       ("other.py", ROOT + "/submitted/reference/ch2_ewa/ch2_ewa.ipynb"),
                       ("home", os.path.expanduser("~"))]:
    for _where in (".", "/tmp"):
        try:
            os.symlink(_target, os.path.join(_where, _name))
        except OSError:
            pass
os.mkfifo("fifo.ipynb")
open("not-a-notebook.ipynb", "w").write("this is not JSON")
_planted = {".course-graded.json", "ch2_ewa.ipynb", "leak.ipynb", "other.py", "home", "fifo.ipynb", "not-a-notebook.ipynb"}
print("planted in the working folder:", sorted(_planted & set(os.listdir("."))))
""",
    # the grading process's environment, through /proc
    "reads_environment": """
import glob
_seen = []
for _p in glob.glob("/proc/[0-9]*/environ"):
    try:
        _seen.append(open(_p, "rb").read())
    except OSError:
        pass
print("environment bytes seen:", sum(map(len, _seen)), "canary seen:", any(CANARY.encode() in e for e in _seen))
""",
    # fills /tmp and the working folder, and starts processes without end
    "exhausts_limits": """
import os, time
def _fill(folder):
    total, err = 0, "no limit met"
    try:
        for i in range(64):
            with open(os.path.join(folder, "fill%d" % i), "wb") as f:
                for _ in range(32):
                    f.write(b"x" * (1 << 20))
                    total += 1
    except OSError as e:
        err = e.strerror
    for i in range(64):
        try:
            os.remove(os.path.join(folder, "fill%d" % i))
        except OSError:
            pass
    return "%d MB, then %s" % (total, err)
print("tmp:", _fill("/tmp"))
print("working folder:", _fill("."))
_pids, _err = [], "no limit met"
for _ in range(400):
    try:
        _pid = os.fork()
    except OSError as e:
        _err = e.strerror
        break
    if _pid == 0:
        time.sleep(60)
        os._exit(0)
    _pids.append(_pid)
print("processes started:", len(_pids), "then", _err)
for _pid in _pids:
    os.kill(_pid, 9)
    os.waitpid(_pid, 0)
""",
    # one output message of 300 MB
    "huge_message": "print('y' * 300_000_000)\n",
    # three processes of 900 MB each, at once
    "memory_across_processes": """
import os, time
_held, _children = 0, []
for _ in range(3):
    _read, _write = os.pipe()
    _pid = os.fork()
    if _pid == 0:
        _block = bytearray(900 << 20)
        _block[::4096] = b"x" * len(range(0, len(_block), 4096))   # touch every page
        os.write(_write, b"k")
        time.sleep(30)
        os._exit(0)
    os.close(_write)
    _children.append((_pid, _read))
for _pid, _read in _children:
    if os.read(_read, 1) == b"k":   # it held its 900 MB: does it still, now that all have tried?
        _held += 1
time.sleep(1)
_alive = sum(os.waitpid(_pid, os.WNOHANG) == (0, 0) for _pid, _ in _children)
print("children holding 900 MB at once:", min(_held, _alive))
for _pid, _ in _children:
    try:
        os.kill(_pid, 9)
        os.waitpid(_pid, 0)
    except OSError:
        pass
""",
    # a script in the HTML the feedback page shows
    "script_in_output": """
from IPython.display import HTML, display
display(HTML("<b>bold</b><script>document.title = 'INJECTED'</script>"))
""",
}
RESOURCE = {  # code added after exercise 1's function; the function is still defined
    "infinite_loop": "while True:\n    pass\n",
    "memory_bomb": "_hog = []\nwhile True:\n    _hog.append(bytearray(100 * 2**20))\n",
    "output_flood": "for _ in range(200000):\n    print('flood ' * 20)\n",
}


def _release(root):
    return nbs.read(root / "release" / ASSIGNMENT / (ASSIGNMENT + ".ipynb"))


def _answered(root, ewa_code):
    nb = _release(root)
    reference = cohort.reference_answers(root, ASSIGNMENT)
    nbs.fill_answer(nbs.cell_by_id(nb, EWA_CELL), ewa_code)
    nbs.fill_answer(nbs.cell_by_id(nb, BIAS_CELL), reference[BIAS_CELL])
    return nb


def _file(root, student, nb, extra_files=None):
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / (ASSIGNMENT + ".ipynb")))
    for name, text in (extra_files or {}).items():
        (folder / name).write_text(text)


def tamper_submissions(root, prefix="zz_tamper_"):
    """{student: attack} for every tamper attempt (plus WRONG itself)."""
    _file(root, WRONG, _answered(root, WRONG_CODE))
    made = {}
    for name, (after, inside) in TAMPER.items():
        nb = _answered(root, (inside or "") + WRONG_CODE)
        if after:
            nbs.cell_by_id(nb, EWA_CELL).source += "\n" + after
        _file(root, prefix + name, nb)
        made[prefix + name] = name
    _file(root, prefix + "shadow_numpy", _answered(root, WRONG_CODE),
          {"numpy.py": "raise SystemExit('a student file shadowed numpy')\n"})
    made[prefix + "shadow_numpy"] = "shadow_numpy"
    return made


def other_submissions(root):
    """{student: kind}: isolation probes, runaway code and edited structure."""
    reference = cohort.reference_answers(root, ASSIGNMENT)
    made = {}
    nb = _answered(root, reference[EWA_CELL])
    nbs.cell_by_id(nb, EWA_CELL).source += "\nROOT = %r\n%s" % (str(root), REACH)
    _file(root, "zz_reach_course", nb)
    made["zz_reach_course"] = "reach_course"
    for name, code in RESOURCE.items():
        nb = _answered(root, reference[EWA_CELL])
        nbs.cell_by_id(nb, EWA_CELL).source += "\n" + code
        _file(root, "zz_" + name, nb)
        made["zz_" + name] = name
    for name, code in ESCAPES.items():
        nb = _answered(root, reference[EWA_CELL])
        nbs.cell_by_id(nb, EWA_CELL).source += "\nROOT = %r\nCANARY = %r\n%s" % (str(root), CANARY, code)
        _file(root, "zz_" + name, nb)
        made["zz_" + name] = name
    nb = _answered(root, reference[EWA_CELL])
    nbs.cell_by_id(nb, BIAS_CELL).source += "\nimport os\nos._exit(1)\n"
    _file(root, "zz_os_exit", nb)
    made["zz_os_exit"] = "os_exit"
    hidden = EWA_CELL.replace("-code", "-hidden")
    edits = {
        "deleted_test": lambda nb: nb.cells.remove(nbs.cell_by_id(nb, hidden)),
        "stripped_metadata": lambda nb: [c.metadata.pop("nbgrader", None) for c in nb.cells if nbs.is_test(c)],
        "retyped_test": lambda nb: nb.cells.__setitem__(
            nb.cells.index(nbs.cell_by_id(nb, hidden)),
            nbformat.v4.new_markdown_cell(nbs.cell_by_id(nb, hidden).source,
                                          metadata=nbs.cell_by_id(nb, hidden).metadata)),
        "reordered": lambda nb: nb.cells.append(nb.cells.pop(nb.cells.index(nbs.cell_by_id(nb, hidden)))),
    }
    for name, edit in edits.items():
        nb = _answered(root, WRONG_CODE)
        edit(nb)
        _file(root, "zz_" + name, nb)
        made["zz_" + name] = name
    return made


def hostile_folders(root):
    """{student: phrase}: submission folders that must be refused before
    grading, each with a phrase its message must contain."""
    release = root / "release" / ASSIGNMENT / (ASSIGNMENT + ".ipynb")
    made = {}

    def folder(student):
        path = root / "submitted" / student / ASSIGNMENT
        path.mkdir(parents=True)
        return path

    import os
    os.symlink(root / "source_notebooks" / ASSIGNMENT / (ASSIGNMENT + ".ipynb"),
               folder("zz_link_to_the_source") / (ASSIGNMENT + ".ipynb"))
    made["zz_link_to_the_source"] = "is a link"
    path = folder("zz_fifo")
    path.joinpath(ASSIGNMENT + ".ipynb").write_bytes(release.read_bytes())
    os.mkfifo(path / "pipe.ipynb")
    made["zz_fifo"] = "pipe.ipynb is a FIFO"
    path = folder("zz_proc_mem")
    path.joinpath(ASSIGNMENT + ".ipynb").write_bytes(release.read_bytes())
    os.symlink("/proc/self/mem", path / "data.bin")
    made["zz_proc_mem"] = "data.bin is a link"
    nb = nbformat.read(str(release), as_version=4)
    nb.metadata["deep"] = "@DEEP@"
    text = nbformat.writes(nb).replace('"@DEEP@"', '{"d": ' * 100000 + "{}" + "}" * 100000)
    folder("zz_deep_metadata").joinpath(ASSIGNMENT + ".ipynb").write_text(text)
    made["zz_deep_metadata"] = "nested more than"
    nb = nbformat.read(str(release), as_version=4)
    nb.metadata["padding"] = "x" * (40 << 20)
    folder("zz_huge").joinpath(ASSIGNMENT + ".ipynb").write_text(nbformat.writes(nb))
    made["zz_huge"] = "larger than"
    (root / "submitted" / "zz_bad\nid").mkdir()
    (root / "submitted" / "zz_bad\nid" / ASSIGNMENT).symlink_to(root / "submitted" / WRONG / ASSIGNMENT)
    made["zz_bad\nid"] = "student id"
    hostile_folders.made = made
    return made
