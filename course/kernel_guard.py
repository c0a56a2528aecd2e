"""The grading guard: code that runs inside the student's kernel during
autograde, around every locked cell (the imports and the tests).

It is not imported there (the kernel cannot see course/): GuardedExecute
sends this file's source to the kernel before the first cell, then calls

    __course_guard__.before(NONCE)   right before each locked cell
    __course_guard__.after(NONCE, is_test)   right after it

Each call prints one line: NONCE, a signature, and a JSON list of findings.
The signature is an HMAC of the nonce and the findings under a key the
guard draws when it is installed, and prints once, before any student code
has run. So the grader can tell that the real guard ran: a kernel whose
execution was hijacked prints no such line, and a stand-in put in place of
`__course_guard__` cannot sign one without digging the key out of the
guard (introspection, which the static scan flags).

`before` puts back what student code changed since the last locked cell:
attributes of numpy, numpy.testing, math, builtins and the course helpers
(and the code inside their functions), the IPython machinery that runs cells
and reports errors, sys hooks, and every name a locked cell defined (the
imports, the check helpers). The test then runs against the real functions.

`after` of a test cell reports what changed while the test ran (student code
called by the test may patch something); the grader then fails that test.
After a locked cell that is not a test (the imports), its changes become the
new baseline.

This is in-process protection: code written against this guard, by someone
who has read it, can still defeat it. The static scan (course/suspicious.py)
shows the instructor the tools such code needs.
"""


KEY_LINE = "course-guard-key:"


def install():
    import builtins
    import hashlib
    import hmac
    import json
    import os
    import re
    import sys
    import types

    import numpy
    import numpy.testing
    import math
    import testCases
    import opt_utils
    import IPython

    shell = IPython.get_ipython()
    kernel = getattr(shell, "kernel", None)
    _print, _isinstance, _sorted = builtins.print, builtins.isinstance, builtins.sorted
    _dumps, _sign, _sha256 = json.dumps, hmac.new, hashlib.sha256
    key = os.urandom(32)
    _print(KEY_LINE + key.hex())

    def say(nonce, found):
        findings = _dumps(_sorted(set(found)))
        _print(nonce + _sign(key, (nonce + findings).encode(), _sha256).hexdigest() + findings)
        sys.stdout.flush()   # now, so that the line is sent as this step's output
    missing = object()

    watched_roots = ("numpy", "math", "builtins", "testCases", "opt_utils")
    # IPython keeps its output history in names like _, __, _i3, _5, In, Out.
    history_name = re.compile(r"^(_+|_i+|_i?\d+|_ih|_oh|_dh|In|Out|exit|quit|get_ipython)$")
    machinery = ("run_cell", "run_cell_async", "run_code", "run_ast_nodes", "transform_cell",
                 "should_run_async", "showtraceback", "_showtraceback", "showsyntaxerror",
                 "showindentationerror", "_get_exc_info", "set_custom_exc", "get_exception_only",
                 "do_execute", "execute_request", "dispatch_shell", "send_response")
    shell_state = ("custom_exceptions", "CustomTB", "InteractiveTB", "SyntaxTB", "displayhook",
                   "display_pub", "display_formatter", "compile", "events", "input_transformer_manager")
    shell_lists = ("ast_transformers", "input_transformers_cleanup", "input_transformers_post")
    sys_hooks = ("displayhook", "stdout", "stderr")
    # ipykernel itself swaps these on every execution (stdin forwarding)
    per_execution = {("builtins", "input"), ("builtins", "raw_input"), ("getpass", "getpass")}

    def modules():
        return [m for name, m in list(sys.modules.items())
                if _isinstance(m, types.ModuleType) and name.split(".")[0] in watched_roots]

    def function_parts(f):
        return (f.__code__, f.__defaults__, f.__kwdefaults__)

    def same(parts, other):
        return all(a is b for a, b in zip(parts, other))

    def take():
        state = {"modules": {}, "functions": {}, "sys_modules": {}, "classes": {}, "objects": {},
                 "lists": {}, "events": {}, "sys": {}}
        for m in modules():
            attrs = {k: v for k, v in vars(m).items() if (m.__name__, k) not in per_execution}
            state["modules"][m] = attrs
            state["sys_modules"][m.__name__] = m
            for value in attrs.values():
                if _isinstance(value, types.FunctionType):
                    state["functions"][value] = function_parts(value)
        for obj in (shell, kernel):
            if obj is None:
                continue
            state["objects"][obj] = {n: vars(obj).get(n, missing) for n in machinery + shell_state}
            for cls in type(obj).__mro__:
                if cls is object:
                    continue
                state["classes"][cls] = {n: vars(cls).get(n, missing) for n in machinery}
                for n in machinery:
                    f = vars(cls).get(n)
                    if _isinstance(f, types.FunctionType):
                        state["functions"][f] = function_parts(f)
        state["lists"] = {n: list(getattr(shell, n, [])) for n in shell_lists}
        # ipykernel dispatches messages through these tables, not the methods
        state["handlers"] = {n: dict(getattr(kernel, n, {})) for n in ("shell_handlers", "control_handlers")}
        state["events"] = {k: list(v) for k, v in shell.events.callbacks.items()}
        state["sys"] = {n: getattr(sys, n) for n in sys_hooks}
        state["trace"] = (sys.gettrace(), sys.getprofile())
        state["ns_builtins"] = shell.user_ns.get("__builtins__", missing)
        return state

    def restore(state):
        """Put everything back as in `state`; return what had changed."""
        found = []
        for m, attrs in state["modules"].items():
            now = vars(m)
            for name, value in attrs.items():
                if now.get(name, missing) is not value:
                    found.append("%s.%s was replaced" % (m.__name__, name))
                    setattr(m, name, value)
        for f, parts in state["functions"].items():
            if not same(function_parts(f), parts):
                found.append("the code of %s.%s was replaced" % (f.__module__, f.__qualname__))
                f.__code__, f.__defaults__, f.__kwdefaults__ = parts
        for name, m in state["sys_modules"].items():
            if sys.modules.get(name) is not m:
                found.append("sys.modules[%r] was replaced" % name)
                sys.modules[name] = m
        for obj, attrs in state["objects"].items():
            for name, value in attrs.items():
                if vars(obj).get(name, missing) is not value:
                    found.append("IPython's %s.%s was changed" % (type(obj).__name__, name))
                    if value is missing:
                        delattr(obj, name)
                    else:
                        setattr(obj, name, value)
        for cls, attrs in state["classes"].items():
            for name, value in attrs.items():
                if vars(cls).get(name, missing) is not value:
                    found.append("IPython's %s.%s was replaced" % (cls.__name__, name))
                    if value is missing:
                        delattr(cls, name)
                    else:
                        setattr(cls, name, value)
        for name, items in state["lists"].items():
            now = getattr(shell, name)
            if now != items:
                found.append("IPython's %s was changed" % name)
                now[:] = items
        for name, table in state["handlers"].items():
            now = getattr(kernel, name, {})
            if _sorted(now) != _sorted(table) or any(now[k] is not v for k, v in table.items()):
                found.append("ipykernel's %s was changed" % name)
                now.clear()
                now.update(table)
        for event, callbacks in state["events"].items():
            now = shell.events.callbacks.get(event)
            if now != callbacks:
                if event.startswith("pre_"):   # runs before each cell: could rewrite the tests
                    found.append("an IPython %s callback was added" % event)
                shell.events.callbacks[event] = list(callbacks)
        for name, value in state["sys"].items():
            if getattr(sys, name) is not value:
                found.append("sys.%s was replaced" % name)
                setattr(sys, name, value)
        if (sys.gettrace(), sys.getprofile()) != state["trace"]:
            found.append("a trace or profile function was set")
            sys.settrace(state["trace"][0])
            sys.setprofile(state["trace"][1])
        if shell.user_ns.get("__builtins__", missing) is not state["ns_builtins"]:
            found.append("__builtins__ was replaced")
            shell.user_ns["__builtins__"] = state["ns_builtins"]
        return found

    def restore_names(trusted):
        found = []
        ns = shell.user_ns
        for name, value in trusted.items():
            if ns.get(name, missing) is not value:
                ns[name] = value
                if _isinstance(value, (types.ModuleType, types.FunctionType, type, types.BuiltinFunctionType)):
                    found.append("`%s` (defined by a locked cell) was redefined" % name)
        return found

    def user_names():
        return {k: v for k, v in shell.user_ns.items() if not history_name.match(k)}

    baseline = take()
    trusted = {}
    before_cell = {}

    # While a cell runs, IPython swaps in its own exit, quit, get_ipython and
    # sys.displayhook. The baseline is taken inside a cell; a step may run
    # just after one (as a user expression), so each step enters the same traps.
    builtin_trap, display_trap = shell.builtin_trap, shell.display_trap

    class Guard:
        __slots__ = ()

        def before(self, nonce):
            with builtin_trap, display_trap:
                found = restore(baseline) + restore_names(trusted)
                before_cell.clear()
                before_cell.update(user_names())
                say(nonce, found)

        def after(self, nonce, is_test):
            nonlocal baseline
            with builtin_trap, display_trap:
                for name, value in user_names().items():
                    if before_cell.get(name, missing) is not value:
                        trusted[name] = value
                if is_test:
                    found = restore(baseline)
                else:   # a locked cell's own imports and setup become the baseline
                    found = []
                    baseline = take()
                say(nonce, found)

    return Guard()


__course_guard__ = install()
del install, KEY_LINE
