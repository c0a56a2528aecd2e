"""How `nbgrader generate_feedback` renders a page, named in nbgrader_config.py.

nbgrader's feedback pipeline runs unchanged, with an HTMLExporter of the
course's, FeedbackExporter, configured in a section of its own (formgrader's
HTMLExporter keeps nbgrader's settings). It adds:

* a template, `course_feedback` (course/templates/), which extends nbgrader's
  `feedback` template: the index names each test cell's exercise instead of
  "Test cell", error outputs wrap instead of scrolling sideways, and no
  MathJax is loaded from the network;
* a filter, `markdown2html_mathml`, used by that template for markdown
  cells: nbconvert's markdown rendering, except that each formula becomes
  MathML (by latex2mathml) when the page is written, which browsers typeset
  with no script, no font file and no network. A page is a single file that
  reads the same offline, wherever it is copied;
* a preprocessor, `HideGradingPaths`, which shortens the grader's temporary
  paths (a kernel's working folder, a batch's scratch folder) to the file's
  name in every output, e.g. in the traceback of an error raised in a helper.
"""
import os
import re

import jinja2
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from xml.etree.ElementTree import tostring

TEMPLATE_NAME = "course_feedback"
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def nbgrader_templates():
    """The folder of nbgrader's own `feedback` template, which the course's extends."""
    import nbgrader
    return os.path.join(os.path.dirname(os.path.abspath(nbgrader.__file__)),
                        "server_extensions", "formgrader", "templates")


# --- math -------------------------------------------------------------------

# What latex2mathml does not know, said in what it knows.
ENVIRONMENTS = {"aligned": "align*", "alignedat": "align*", "gathered": "displaylines",
                "equation": None, "equation*": None}
COLUMN_COUNT = re.compile(r"(\\begin\s*\{alignedat\})\s*\{\d+\}")   # align* needs none
TEXT_ARGUMENT = re.compile(r"(\\(?:text|textrm|textit|textbf|mathrm|operatorname)\s*\{)([^{}]*)\}")
ESCAPED_IN_TEXT = re.compile(r"\\([_%&#$\{\} ])")
MATHREL = re.compile(r"\\mathrel\s*\{([^{}]*)\}")
CHARACTER_REFERENCE = re.compile(r"&#(x[0-9A-Fa-f]+|[0-9]+);")


def _environments(tex):
    def swap(m):
        name = ENVIRONMENTS[m.group(2)]
        return "" if name is None else "\\%s{%s}" % (m.group(1), name)
    tex = COLUMN_COUNT.sub(r"\1", tex)
    return re.sub(r"\\(begin|end)\s*\{(%s)\}" % "|".join(map(re.escape, ENVIRONMENTS)), swap, tex)


def normalize_tex(tex):
    """TeX as latex2mathml reads it: `\\text{mini\\_batch}` shows an
    underscore, `\\mathrel{-}=` is a plain `-=`, `aligned` is `align*`."""
    tex = TEXT_ARGUMENT.sub(lambda m: m.group(1) + ESCAPED_IN_TEXT.sub(r"\1", m.group(2)) + "}", tex)
    tex = MATHREL.sub(r"{\1}", tex)
    return _environments(tex)


def _decode(text):
    """latex2mathml stores characters as `&#x...;` text, which its own
    serializer leaves unescaped along with any `<` of the TeX: decode the
    references here and let ElementTree escape everything."""
    def char(m):
        code = m.group(1)
        return chr(int(code[1:], 16) if code[0] == "x" else int(code))
    return CHARACTER_REFERENCE.sub(char, text) if text else text


def tex_to_mathml(tex, display="inline"):
    """One formula as a <math> element (escaped like any HTML), or None if
    latex2mathml cannot read it."""
    # Imported here: every nbgrader command loads this module (nbgrader_config.py
    # imports it), and only feedback needs latex2mathml.
    from latex2mathml.converter import convert_to_element
    try:
        root = convert_to_element(normalize_tex(tex), display=display)
    except Exception:   # latex2mathml raises its own and plain errors on TeX it does not know
        return None
    for element in root.iter():
        element.text, element.tail = _decode(element.text), _decode(element.tail)
        for name, value in element.attrib.items():
            element.attrib[name] = _decode(value)
    root.set("alttext", tex.strip())   # for a screen reader, and for copying
    return tostring(root, encoding="unicode", short_empty_elements=True)


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with each formula typeset as MathML.
    A formula latex2mathml cannot read stays as its TeX, as before."""

    def _math(self, tex, display, source):
        mathml = tex_to_mathml(tex, display)
        if mathml is None:
            return '<span class="tex-source">%s</span>' % self.escape_html(source)
        return mathml

    def inline_math(self, body):
        return self._math(body, "inline", "$%s$" % body)

    def block_math(self, body):
        return self._math(body, "block", "$$%s$$" % body)

    def latex_environment(self, name, body):
        source = "\\begin{%s}%s\\end{%s}" % (name, body, name)
        return self._math(source, "block", source)


# --- the grader's temporary paths -----------------------------------------

# A path: a slash, then anything but what ends one in a message or a
# traceback (quotes, spaces, `:line`, brackets, an ANSI colour code).
PATH = re.compile(r"""(?<![\w.~-])/[^\s'"`:,;()<>\[\]{}\x1b]*""")
ANSI_CODE = re.compile(r"(\x1b\[[0-9;]*[A-Za-z])")   # IPython colours its tracebacks


def is_grading_folder(parts, i):
    """Whether parts[i] of an absolute path is one of the grader's temporary
    folders: a batch's scratch folder (workspace.SCRATCH_PREFIX) or one of its
    lanes, a forked kernel's working folder in /tmp (zygote.working_folder),
    or a sandboxed kernel's working folder (sandbox.WORKDIR, /kernel)."""
    part = parts[i]
    return (part.startswith("course-grading-") or re.fullmatch(r"lane-\d+", part) is not None
            or (i == 2 and parts[1] == "tmp" and part.startswith("work-"))
            or (i == 1 and part == "kernel"))


def shorten_path(path):
    """A path under one of the grader's temporary folders, as the name of its
    file ('.' for the folder itself); any other path as it is."""
    parts = path.split("/")
    marked = [i for i in range(1, len(parts)) if is_grading_folder(parts, i)]
    if not marked:
        return path
    rest = [p for p in parts[marked[-1] + 1:] if p]
    return rest[-1] if rest else "."


def hide_grading_paths(text):
    """`text` with every path under the grader's temporary folders shortened."""
    if not isinstance(text, str):
        return text
    pieces = ANSI_CODE.split(text)   # the colour codes at odd places, the text between them at even
    return "".join(piece if i % 2 else PATH.sub(lambda m: shorten_path(m.group(0)), piece)
                   for i, piece in enumerate(pieces))


class HideGradingPaths(Preprocessor):
    """Shorten the grader's temporary paths in every output of every cell:
    tracebacks, error messages, printed text and rich outputs alike."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["ename"] = hide_grading_paths(output.get("ename", ""))
                output["evalue"] = hide_grading_paths(output.get("evalue", ""))
                output["traceback"] = [hide_grading_paths(line) for line in output.get("traceback", [])]
            elif output.get("output_type") == "stream":
                output["text"] = hide_grading_paths(output.get("text", ""))
            for mimetype, value in list(output.get("data", {}).items()):
                if mimetype.startswith("text/") or mimetype == "image/svg+xml":
                    output["data"][mimetype] = hide_grading_paths(value)
        return cell, resources


# --- the exporter -----------------------------------------------------------

class FeedbackExporter(HTMLExporter):
    """The exporter of `nbgrader generate_feedback` (GenerateFeedback.exporter_class
    in nbgrader_config.py): nbgrader's HTMLExporter, plus the filter
    `markdown2html_mathml`. Its settings (template, preprocessor) are given
    in its own section of the configuration, FeedbackExporter, so that the
    HTMLExporter of formgrader keeps nbgrader's."""

    def default_filters(self):
        yield from super().default_filters()
        yield ("markdown2html_mathml", self.markdown2html_mathml)

    @jinja2.pass_context
    def markdown2html_mathml(self, context, source):
        """nbconvert's `markdown2html` filter, with each formula as MathML."""
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False, attachments=cell.get("attachments", {}), embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text, exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options)
        return clean_markdown_html(MarkdownWithMath(renderer=renderer).render(source))


# --- what a student's markdown may put on the page -----------------------------

MARKDOWN_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "b", "i", "u", "code",
                 "pre", "blockquote", "hr", "br", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "span",
                 "div", "del", "s", "sup", "sub", "details", "summary", "dl", "dt", "dd", "kbd"}
MATHML_TAGS = {"math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub",
               "msubsup", "mfrac", "msqrt", "mroot", "mtable", "mtr", "mtd", "mover", "munder", "munderover",
               "mstyle", "mpadded", "mphantom", "menclose", "mfenced"}
MATHML_ATTRIBUTES = {"xmlns", "display", "alttext", "mathvariant", "stretchy", "fence", "separator", "lspace",
                     "rspace", "columnalign", "rowspacing", "columnspacing", "displaystyle", "scriptlevel",
                     "linethickness", "accent", "accentunder", "width", "height", "depth", "minsize", "maxsize",
                     "form", "largeop", "movablelimits", "symmetric", "encoding", "open", "close", "separators",
                     "notation"}


def _allowed(tag, name, value):
    """Which attributes a tag of a student's markdown keeps: no event
    handler, no style, and links and images only to harmless places."""
    if name in ("class", "id", "title", "alt", "align", "colspan", "rowspan"):
        return True
    if tag == "a" and name == "href":
        return value.startswith(("http://", "https://", "mailto:", "#"))
    if tag == "img" and name == "src":
        return value.startswith(("data:image/png", "data:image/jpeg", "data:image/gif", "http://", "https://"))
    if tag == "img" and name in ("width", "height"):
        return True
    return tag in MATHML_TAGS and name in MATHML_ATTRIBUTES


def clean_markdown_html(html):
    """A markdown cell's HTML with only markdown's and MathML's tags and
    harmless attributes: a student's <script>, event handler or javascript:
    link does not reach the page (nbconvert's sanitize_html covers outputs,
    not nbgrader's markdown cells)."""
    import bleach
    return bleach.clean(html, tags=MARKDOWN_TAGS | MATHML_TAGS, attributes=_allowed,
                        protocols=["http", "https", "mailto", "data"], strip=True, strip_comments=True)


def template_basedirs():
    """Where the course's template and nbgrader's `feedback` template that it extends are."""
    return [TEMPLATES, nbgrader_templates()]


def template_paths():
    """Folders searched for a template by name: nbgrader's templates, so that
    the course's can extend 'feedback/index.html.j2', and the folder of
    bootstrap.min.css, which nbgrader's template includes (GenerateFeedback
    sets it for the HTMLExporter; the course's exporter is configured apart)."""
    nbgrader_static = os.path.join(os.path.dirname(nbgrader_templates()), "static")
    return [nbgrader_templates(), os.path.join(nbgrader_static, "node_modules", "bootstrap", "dist", "css")]
