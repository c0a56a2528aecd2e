"""Point the instructor at code that tries to game the grader.

A static scan of every cell a student could edit (nothing locked: those
nbgrader restores). Each finding names the cell, the line and what the line
does. A finding is information, not a verdict: no grade depends on it, and
none depends on what such code could change either, since every test is
judged outside the kernel (course/preprocessors.py). The instructor decides.

    patches-module     assigns to or deletes an attribute of a module
                       (np.allclose = ..., setattr(np.testing, ...))
    redefines-helper   defines a name the tests use (visible_test, run_cases,
                       np)
    ipython-internals  reaches into IPython or the kernel (get_ipython,
                       set_custom_exc, showtraceback, sys.excepthook, settrace)
    introspection      reads frames, globals, code objects or the garbage
                       collector, or defines how a value compares or converts
    dynamic-code       exec, eval, compile, __import__, importlib, ctypes
    exits-or-signals   os._exit, sys.exit, os.kill, signal
    touches-files      open, os, shutil, subprocess, pathlib
    prints-success     prints text that looks like a test result
"""
import ast
import functools
import re
from pathlib import Path

from . import layout, precheck
from . import notebooks as nbs

MODULES = {"np", "numpy", "math", "builtins", "__builtins__", "sys", "testCases", "opt_utils",
           "IPython", "plt", "matplotlib", "os", "random", "scipy", "sklearn"}
IPYTHON = {"get_ipython", "set_custom_exc", "showtraceback", "_showtraceback", "showsyntaxerror",
           "excepthook", "displayhook", "settrace", "setprofile", "events", "input_transformers_cleanup",
           "input_transformers_post", "ast_transformers", "shell_handlers", "do_execute", "run_cell",
           "kernel", "CustomTB", "custom_exceptions"}
INTROSPECTION = {"_getframe", "f_back", "f_locals", "f_globals", "f_code", "__globals__", "__code__",
                 "__closure__", "__subclasses__", "__dict__", "inspect", "gc", "currentframe", "stack"}
COMPARISON_HOOKS = {"__eq__", "__ne__", "__array__", "__array_ufunc__", "__array_function__",
                    "__float__", "__bool__", "__lt__", "__gt__", "__abs__", "__sub__"}
DYNAMIC = {"exec", "eval", "compile", "__import__", "importlib", "ctypes"}
EXITS = {"_exit", "exit", "quit", "kill", "abort", "signal", "alarm"}
FILES = {"open", "os", "shutil", "subprocess", "pathlib", "Path", "glob", "remove", "unlink", "system"}
SUCCESS = re.compile(r"pass|correct|all tests|tests? ok|\u2713|\u2714|full marks|points", re.I)


def helper_names(root, assignment):
    """Names the checks rely on: the helpers' public names and whatever the
    locked cells of the source define at top level (imports, hidden helpers)."""
    root = Path(root)
    names = set()
    for helper in ("testCases.py", "opt_utils.py"):
        tree = ast.parse((root / helper).read_text())
        names |= {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                  and not n.name.startswith("__")}
    for path in layout.notebooks(root / layout.SOURCE / assignment):
        for cell in nbs.read(path).cells:
            if cell.cell_type == "code" and nbs.is_locked(cell):
                try:
                    names |= bound_names(ast.parse(nbs.python_of(cell)))
                except SyntaxError:
                    pass
    return names


def bound_names(tree):
    """Functions, classes and imports a cell defines at top level (not data)."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    return names


def node_binds(node):
    """Names one top-level statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
        if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def findings_in(code, helpers):
    """[(line, rule)] for one cell's code."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []

    def add(node, rule):
        found.append((node.lineno, rule))

    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for t in targets:
            if isinstance(t, (ast.Attribute, ast.Subscript)) and root_name(t) in MODULES:
                add(node, "patches-module")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in COMPARISON_HOOKS:
                add(node, "introspection")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = {a.name.split(".")[0] for a in node.names} | {(node.module or "").split(".")[0]} \
                if isinstance(node, ast.ImportFrom) else {a.name.split(".")[0] for a in node.names}
            if mods & {"inspect", "gc"}:
                add(node, "introspection")
            if mods & {"importlib", "ctypes"}:
                add(node, "dynamic-code")
            if mods & {"os", "shutil", "subprocess", "pathlib", "glob", "signal"}:
                add(node, "touches-files" if not mods & {"signal"} else "exits-or-signals")
            if mods & {"builtins", "IPython"}:
                add(node, "ipython-internals" if "IPython" in mods else "patches-module")
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is None:
            continue
        if name in ("setattr", "delattr"):
            add(node, "patches-module")
        elif name in IPYTHON:
            add(node, "ipython-internals")
        elif name in INTROSPECTION:
            add(node, "introspection")
        elif name in DYNAMIC:
            add(node, "dynamic-code")
        elif name in EXITS and (isinstance(node, ast.Attribute) or name in ("exit", "quit")):
            add(node, "exits-or-signals")
        elif name in FILES and isinstance(node, ast.Name):
            add(node, "touches-files")
    for node in tree.body:   # names bound at the top of the cell, where the tests look them up
        if node_binds(node) & helpers:
            add(node, "redefines-helper")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "print", "display", "write", "HTML", "Markdown"):
            texts = [c.value for a in node.args for c in ast.walk(a)
                     if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            if any(SUCCESS.search(t) for t in texts):
                add(node, "prints-success")
    return sorted(set(found))


def given_lines(root, assignment):
    """Every line of the release's code cells: code the course wrote is not suspect."""
    return {l.strip() for p in layout.notebooks(Path(root) / layout.RELEASE / assignment)
            for c in nbs.read(p).cells if c.cell_type == "code" for l in c.source.splitlines()}


def scan_context(root, assignment):
    """(helper names, given lines) of an assignment, read once per batch:
    cached until one of the files they come from changes."""
    root = Path(root)
    sources = [root / h for h in ("testCases.py", "opt_utils.py")] + \
        layout.notebooks(root / layout.SOURCE / assignment) + layout.notebooks(root / layout.RELEASE / assignment)
    return _scan_context(str(root), assignment, tuple(p.stat().st_mtime_ns for p in sources))


@functools.lru_cache(maxsize=16)
def _scan_context(root, assignment, _stamps):
    return helper_names(root, assignment), given_lines(root, assignment)


def scan_submission(root, assignment, student):
    """Findings in one submission's notebooks (unreadable ones have none)."""
    helpers, given = scan_context(root, assignment)
    out = []
    for released in layout.notebooks(Path(root) / layout.RELEASE / assignment):
        nb = precheck.read_notebook(Path(root) / layout.SUBMITTED / student / assignment / released.name)
        if nb is None:
            continue
        out += scan(nb, helpers, given)
    return out


def scan(nb, helpers, given=frozenset()):
    """Findings in every cell a student could edit, as sentences."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code" or nbs.is_locked(cell):
            continue
        code = nbs.python_of(cell)
        lines = code.splitlines()
        where = nbs.grade_id(cell) or "cell %d" % (i + 1)
        for line, rule in findings_in(code, helpers):
            text = lines[line - 1].strip() if line <= len(lines) else ""
            if text in given:
                continue
            out.append("%s line %d: %s: %s" % (where, line, rule, text[:80]))
    return out
