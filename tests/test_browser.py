"""A student's first exercise, end to end in a real browser.

JupyterLab is started on a copy of the released ch4_lr_decay folder and
driven in headless Chromium with Playwright, as a student would: open the
notebook, run it down to the visible test of `update_lr`, and type answers
into the cell through the notebook editor. It proves that the release works
in JupyterLab as shipped: the untouched exercise says it is not written yet,
a typed sign error is named as the known mistake, and the right answer
passes the visible test with no error.

Skipped, saying why, where Chromium (Debian's /usr/bin/chromium, or
`chromium` on PATH) or the playwright package is missing.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "ch4_lr_decay"
NOTEBOOK = ASSIGNMENT + ".ipynb"

WRONG = "learning_rate = learning_rate0 / (1 - decay_rate * epoch_num)"
RIGHT = "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)"

# Playwright's own browser downloads do not run everywhere; the system's does.
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

SERVER_START = 60     # seconds for `jupyter lab` to answer
FIRST_RUN = 90_000    # ms: kernel start and the notebook's imports (matplotlib's first font cache)
CELL_RUN = 30_000     # ms for one of these cells to run


def find_chromium():
    """The system's Chromium, or None."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture
def chromium():
    """The path of Chromium; skips the test (with the reason) when Chromium
    or Playwright is not there."""
    path = find_chromium()
    if path is None:
        pytest.skip("no Chromium: neither /usr/bin/chromium nor `chromium` on PATH "
                    "(on Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as e:
        pytest.skip("the playwright package cannot be imported (%s); pip install -e '.[test]'" % e)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_command():
    jupyter = Path(sys.executable).with_name("jupyter")
    return [str(jupyter), "lab"] if jupyter.exists() else [sys.executable, "-m", "jupyterlab"]


def write_settings(settings_dir):
    """User settings of the isolated JupyterLab: never ask about nor fetch the
    Jupyter news (no network here, and no toast over the notebook)."""
    path = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


@pytest.fixture
def lab(chromium, tmp_path):
    """(base URL, log file) of `jupyter lab` serving a copy of the release,
    with no token, on a free local port, and its own HOME, config, data and
    runtime folders. Stopped, kernels included, however the test ends."""
    folder = tmp_path / ASSIGNMENT
    shutil.copytree(REPO / "release" / ASSIGNMENT, folder)
    home = tmp_path / "home"
    dirs = {
        "HOME": home,
        "JUPYTER_CONFIG_DIR": home / ".jupyter",
        "JUPYTER_DATA_DIR": home / ".local" / "share" / "jupyter",
        "JUPYTER_RUNTIME_DIR": tmp_path / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / ".jupyter" / "lab" / "user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / ".jupyter" / "lab" / "workspaces",
        "IPYTHONDIR": home / ".ipython",
        "MPLCONFIGDIR": home / ".config" / "matplotlib",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_DATA_HOME": home / ".local" / "share",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    write_settings(dirs["JUPYTERLAB_SETTINGS_DIR"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env.update({k: str(v) for k, v in dirs.items()})
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONNOUSERSITE"] = "1"

    port = free_port()
    url = "http://127.0.0.1:%d" % port
    log_path = tmp_path / "jupyter-lab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            jupyter_command() + [
                "--no-browser", "--ip=127.0.0.1", "--port=%d" % port, "--ServerApp.port_retries=0",
                "--IdentityProvider.token=", "--PasswordIdentityProvider.hashed_password=",
                "--ServerApp.root_dir=%s" % folder, "--allow-root"],   # CI containers run as root
            cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)   # its own process group: kernels are stopped with it
    try:
        deadline = time.monotonic() + SERVER_START
        while True:
            if proc.poll() is not None:
                pytest.fail("jupyter lab exited with %s:\n%s" % (proc.returncode, log_path.read_text()[-3000:]))
            try:
                with urllib.request.urlopen(url + "/api/status", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("jupyter lab did not answer in %d s:\n%s" % (SERVER_START, log_path.read_text()[-3000:]))
            time.sleep(0.2)
        yield url, log_path
    finally:
        if proc.poll() is None:
            proc.terminate()   # jupyter server stops cleanly on SIGTERM, shutting its kernels down
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # anything of its session left (a kernel)
        except ProcessLookupError:
            pass
        proc.wait()


@pytest.fixture
def page(chromium, lab, tmp_path):
    """A page of headless Chromium with a fresh profile; closed at the end."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(CELL_RUN)
            yield page
        finally:
            context.close()


def wait_for_kernel(url, page):
    """Wait until the notebook's kernel has started and the page is connected
    to it: JupyterLab drops (does not queue) a cell run before then."""
    deadline = time.monotonic() + FIRST_RUN / 1000
    while True:   # the server's side: a session of the notebook, its kernel idle
        with urllib.request.urlopen(url + "/api/sessions", timeout=5) as r:
            sessions = json.load(r)
        if any(s["path"].endswith(NOTEBOOK) and (s.get("kernel") or {}).get("execution_state") == "idle"
               for s in sessions):
            break
        assert time.monotonic() < deadline, "the kernel did not start: %s" % sessions
        time.sleep(0.2)
    # the page's side: its kernel indicator, connecting until then, is idle
    page.locator('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(timeout=FIRST_RUN)


def prompt_of(cell):
    return cell.locator(".jp-InputArea-prompt").first


def wait_until_run(page, cell, before, timeout=CELL_RUN):
    """Wait until the cell's prompt shows an execution count other than
    `before` (it shows [*] while queued or running)."""
    page.wait_for_function(
        """([el, before]) => { const t = el.textContent.trim();
                               return /^\\[\\d+\\]:?$/.test(t) && t !== before; }""",
        arg=[prompt_of(cell).element_handle(), before], timeout=timeout)


def run(page, cell, timeout=CELL_RUN):
    """Run a cell as a student does: click into its editor, Shift+Enter; then
    wait for the kernel to have run it. Returns the text of its output."""
    before = prompt_of(cell).text_content().strip()
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    wait_until_run(page, cell, before, timeout)
    return output_of(cell)


def output_of(cell):
    area = cell.locator(".jp-OutputArea")
    if not area.count():
        return ""
    area.scroll_into_view_if_needed()
    return area.inner_text()


def errors_in(cell):
    return cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count()


def replace_line(page, cell, old, new):
    """Select the text of the line of `cell` that holds `old` (indentation
    kept) and type `new` over it, key by key, in the notebook's editor."""
    line = cell.locator(".cm-line", has_text=old)
    assert line.count() == 1, "no single line with %r in the cell" % old
    line.click()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")   # CodeMirror: back to the end of the indentation
    page.keyboard.type(new)
    lines = [l.replace("\u00a0", " ") for l in cell.locator(".cm-line").all_text_contents()]
    assert "    " + new in lines, "the editor holds:\n" + "\n".join(lines)
    assert not any(old in l for l in lines), "the editor holds:\n" + "\n".join(lines)


def test_student_types_update_lr_in_jupyterlab(lab, page, tmp_path):
    url, log_path = lab
    try:
        page.goto("%s/lab/tree/%s" % (url, NOTEBOOK))
        code_cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell")
        exercise = code_cells.filter(has=page.locator(".cm-content", has_text="def update_lr("))
        visible = code_cells.filter(has=page.locator(
            ".cm-content", has_text=re.compile(r"^learning_rate = visible_test\(update_lr,")))
        exercise.first.wait_for(timeout=FIRST_RUN)
        wait_for_kernel(url, page)
        assert exercise.count() == 1 and visible.count() == 1
        source = exercise.locator(".cm-content").text_content()   # (off screen: no inner_text)
        assert "### START CODE HERE ###" in source and "raise NotImplementedError()" in source

        # a. from the top down to the visible test: Run > Run All Above
        # Selected Cell with the visible test selected, then the test itself.
        prompt_of(visible).click()
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-item", has_text="Run All Above Selected Cell").click()
        out = run(page, visible, timeout=FIRST_RUN)
        above = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
        index = above.evaluate_all("(cells, v) => cells.indexOf(v)", visible.element_handle())
        prompts = [t.strip() for t in above.evaluate_all(
            """cells => cells.map(c => c.classList.contains('jp-CodeCell')
                                   ? c.querySelector('.jp-InputArea-prompt').textContent : '-')""")[:index]]
        assert all(p == "-" or re.fullmatch(r"\[\d+\]:?", p) for p in prompts), prompts
        assert "update_lr is not written yet" in out, out

        # b. a sign error, typed in place of `raise NotImplementedError()`.
        replace_line(page, exercise, "raise NotImplementedError()", WRONG)
        out = run(page, exercise)   # a definition: no output
        assert out == "" and not errors_in(exercise), out
        out = run(page, visible)
        assert "known mistake [sign-error]" in out, out

        # c. the right answer.
        replace_line(page, exercise, WRONG, RIGHT)
        out = run(page, exercise)   # a definition: no output
        assert out == "" and not errors_in(exercise), out
        out = run(page, visible)
        assert out.count("All values match.") == 2, out
        assert not errors_in(visible) and "Error" not in out and "Traceback" not in out, out
    except BaseException as e:
        shot = tmp_path / "failure.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            e.add_note("screenshot: %s" % shot)
        except Exception:
            pass
        e.add_note("jupyter lab log (%s):\n%s" % (log_path, log_path.read_text()[-3000:]))
        raise
