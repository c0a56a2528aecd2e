"""Feedback HTML shows each check's points, pass or fail and the grader's
message. The hidden test cells hold nothing to hide (their cases, references
and mistakes live in course/checks/, outside the notebook), so feedback is
nbgrader's own pipeline; the course only renders the page its own way
(course/feedback_html.py): math as MathML, read offline; error outputs that
wrap; an index that names the exercises; no temporary path of the grader's.
The last test opens real pages in headless Chromium, with no network."""
import html
import os
import re
import shutil

import pytest
from traitlets.config.loader import PyFileConfigLoader

from course import feedback, feedback_html, layout
from course.checks import exercises
from conftest import REPO


def visible_text(page):
    """What a reader sees: the HTML without its tags (pygments splits code into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


def test_feedback_is_nbgraders_own_pipeline():
    from nbgrader.converters import GenerateFeedback
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    assert "preprocessors" not in config.GenerateFeedback
    assert GenerateFeedback.class_traits()["preprocessors"].default()
    # formgrader renders submissions with a plain HTMLExporter and its own
    # `formgrade` template: the course's template is set for its exporter only
    assert "template_name" not in config.HTMLExporter and "preprocessors" not in config.HTMLExporter
    assert issubclass(config.GenerateFeedback.exporter_class, feedback_html.FeedbackExporter)


def test_feedback_shows_points_and_the_graders_messages(graded):
    root, results, _, _ = graded
    assignment = layout.assignments(root)[-1]
    pages = feedback.generate(root, assignment)
    graded_ok = [r for r in results.values() if r.assignment == assignment and not r.error]
    assert len(pages) == len(graded_ok)
    for page in pages:
        student = page.parent.parent.name
        assert not GRADING_PATH.search(page.read_text()), page
        text = visible_text(page)
        result = results[(assignment, student)]
        for exercise in result.max_scores:
            for kind in ("visible", "hidden"):   # each check: its points, then its outcome
                assert re.search(r"Grade cell: %s-%s\s+Score: [\d.]+ / [\d.]+" % (exercise, kind), text), (student, exercise, kind)
        for exercise, ids in result.mistakes.items():
            for mistake in ids:
                assert "known mistake [%s]" % mistake in text, (student, mistake)
        if student == "reference":
            assert text.count("Checked by the grader: All ") == 2 * len(exercises(assignment))
        if student == "untouched_release":
            assert "Score: 0.0 / 2.0" in text and "is not written yet" in text


# What a page must never show: the grader's temporary folders (a batch's
# scratch folder and its lanes, a forked kernel's working folder, a sandboxed
# kernel's working folder).
GRADING_PATH = re.compile(r"course-grading-|/tmp/work-|/kernel/|lane-\d")


def test_the_graders_temporary_paths_are_shortened_to_file_names():
    traceback = [
        "\x1b[0;31mValueError\x1b[0m  Traceback (most recent call last)",
        "File \x1b[0;32m/tmp/work-k2j4h1/opt_utils.py:58\x1b[0m, in \x1b[0;36mload_temperatures\x1b[0;34m(year)",
        "File /tmp/course-grading-x8y/lane-0/helpers/ch2_ewa/testCases.py:120, in visible_test(fn, *inputs)",
        "FileNotFoundError: [Errno 2] No such file or directory: '/kernel/weather.csv'",
        "cwd: /kernel, PosixPath('/tmp/work-k2j4h1')",
    ]
    shown = [feedback_html.hide_grading_paths(line) for line in traceback]
    assert not any(GRADING_PATH.search(line) for line in shown), shown
    assert "opt_utils.py:58" in shown[1] and "testCases.py:120, in visible_test" in shown[2]
    assert "'weather.csv'" in shown[3] and shown[4] == "cwd: ., PosixPath('.')"
    for other in ("/usr/lib/python3/dist-packages/ipykernel/kernelbase.py:12", "/home/me/kernel/x.py", "a/lane-x"):
        assert feedback_html.hide_grading_paths(other) == other


def test_formulas_become_mathml_and_nothing_else_does():
    """TeX is never HTML: latex2mathml's own serializer would let
    `\\text{<img ...>}` through as markup."""
    mathml = feedback_html.tex_to_mathml(r"\text{<img src=x onerror=alert(1)>} a < b \quad \text{mini\_batch}")
    assert mathml.startswith("<math") and "<img" not in mathml and "&lt;img" in mathml
    assert "<mtext>mini_batch</mtext>" in mathml
    aligned = feedback_html.tex_to_mathml(r"\begin{aligned} v &= \beta v \\ W &= W - \alpha v \end{aligned}", "block")
    assert "<mtable" in aligned and "&amp;" not in aligned.split("alttext")[0]
    assert feedback_html.tex_to_mathml(r"\frac{1}{") is None   # left as TeX on the page


CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path():
    """The system's Chromium (Playwright's own downloads do not run everywhere), or None."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


# In the page: everything the browser test reads, in one call.
READ_PAGE = """() => {
  const visible = el => { const c = el.cloneNode(true); c.querySelectorAll('math, code, pre').forEach(e => e.remove());
                          return c.textContent; };
  const fits = el => { for (let e = el; e && !e.classList.contains('cell'); e = e.parentElement)   // up to its cell
                         if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) return false;
                       const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth; };
  const stacked = f => { const [num, den] = f.children; return num.getBoundingClientRect().bottom
                                                             <= den.getBoundingClientRect().top + 1; };
  const cells = [...document.querySelectorAll('.text_cell_render')];
  const maths = cells.flatMap(c => [...c.querySelectorAll('math')]);
  return {
    index: [...document.querySelectorAll('#toc li a')].map(a => a.textContent.trim()),
    mathCount: maths.length,
    mathShown: maths.filter(m => m.getBoundingClientRect().height > 0).length,
    fractions: maths.flatMap(m => [...m.querySelectorAll('mfrac')]).map(stacked),
    rawTex: cells.map(visible).filter(t => /\\$|\\\\[A-Za-z]{2,}/.test(t)),
    mistakes: [...document.querySelectorAll('div.output_error pre')].filter(p => p.textContent.includes('known mistake ['))
                 .map(p => ({text: p.textContent.trim(), fits: fits(p)})),
    pageFits: document.documentElement.scrollWidth <= window.innerWidth,
    text: document.body.innerText,
  };
}"""


def test_a_feedback_page_reads_offline_at_1280_px(graded):
    """A student's feedback pages, opened from their folder in headless
    Chromium with no network, in a 1280-px window: the formulas are typeset
    (MathML: a fraction's numerator sits above its denominator) with no TeX
    left, every named mistake reads to its end without scrolling sideways,
    the index names each exercise's tests, and no page asks for anything
    but its own file or shows a temporary path of the grader's."""
    try:
        from playwright.sync_api import Error as PlaywrightError, sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright; the system's Chromium is used)")
    chromium = chromium_path()
    if chromium is None:
        pytest.skip("no Chromium: neither /usr/bin/chromium nor `chromium` on PATH (on Debian: apt-get install chromium)")

    root, results, _, _ = graded
    opened = []
    for assignment in layout.assignments(root):
        # of each chapter, the page of the sample that makes the most known mistakes
        student = max((r for r in results.values() if r.assignment == assignment and not r.error),
                      key=lambda r: sum(map(len, r.mistakes.values()))).student
        page, = feedback.generate(root, assignment, student)
        assert not GRADING_PATH.search(page.read_text()), page
        opened.append((assignment, student, page))

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.skip("Chromium at %s does not start here: %s" % (chromium, str(error).splitlines()[0]))
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            asked = []   # every request that is not the page's own file, refused
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                          else (asked.append(route.request.url), route.abort()))
            fractions = 0
            for assignment, student, path in opened:
                page = context.new_page()
                page.goto(path.as_uri(), wait_until="load")
                seen = page.evaluate(READ_PAGE)
                page.close()
                where = (assignment, student)
                assert seen["mathCount"] > 5 and seen["mathShown"] == seen["mathCount"], (where, seen["mathCount"])
                assert all(seen["fractions"]), where
                fractions += len(seen["fractions"])
                assert not seen["rawTex"], (where, [t[:300] for t in seen["rawTex"]])
                named = [m for ids in results[(assignment, student)].mistakes.values() for m in ids]
                assert named and len(seen["mistakes"]) >= 1, where
                for mistake in seen["mistakes"]:
                    assert mistake["fits"], (where, mistake["text"])
                assert seen["pageFits"], where
                for exercise in exercises(assignment):
                    for kind in ("visible test", "hidden tests"):
                        assert "%s: %s" % (exercise, kind) in seen["index"], (where, exercise, seen["index"])
                assert "Test cell" not in seen["index"], where
                assert not GRADING_PATH.search(seen["text"]), where
            assert fractions > 10 and not asked, (fractions, asked)
        finally:
            browser.close()


def test_a_students_markdown_cannot_put_a_script_on_the_page():
    """Markdown cells are the student's too: scripts, event handlers and
    javascript: links are dropped; headings, tables and formulas stay."""
    from course import feedback_html
    html = feedback_html.clean_markdown_html(
        '<h2 id="x">Title</h2><table><tr><td>1</td></tr></table><p>text<script>document.title="X"</script>'
        '<img src="x" onerror="alert(1)"><a href="javascript:alert(1)">link</a></p>'
        + feedback_html.tex_to_mathml(r"\frac{a}{b}"))
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert '<h2 id="x">Title</h2>' in html and "<td>1</td>" in html and "<mfrac>" in html
