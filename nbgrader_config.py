"""nbgrader configuration for the course. Plain `nbgrader ...` run from this
folder, formgrader, and the `course` CLI all read it."""
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "optimization-for-deep-learning"
c.CourseDirectory.root = __import__("os").path.dirname(__import__("os").path.abspath(__file__))
c.CourseDirectory.source_directory = "source_notebooks"
# A course-local exchange: release, fetch, submit and collect work on one
# machine with no system folder (nbgrader's default root is
# /usr/local/share/nbgrader/exchange, which a fresh machine lacks).
c.Exchange.root = __import__("os").path.join(c.CourseDirectory.root, "exchange")

# Solutions sit between "### BEGIN SOLUTION" and "### END SOLUTION", nested
# inside the "### START CODE HERE ###" / "### END CODE HERE ###" lines, so the
# release keeps the markers and shows this stub between them.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Per cell. The slowest cells train small networks for a few seconds; a runaway
# loop is stopped well before it holds up a whole batch.
c.Execute.timeout = 120

# Long training cells that no grade depends on are tagged "skip-when-grading"
# and not run by autograde (see course/preprocessors.py). The tag is stripped
# from graded, solution and locked cells right after nbgrader restores them,
# so a student cannot use it to skip a test. Everything else is nbgrader's
# default sanitize pipeline, in its order.
from nbgrader.preprocessors import (  # noqa: E402
    CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec)

c.Execute.skip_cells_with_tag = "skip-when-grading"
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
    "course.preprocessors.OnlySkipUngradedCells", CheckCellMetadata,
]

# Autograde runs the cells with JudgedExecute instead of nbgrader's Execute:
# the same execution, except that every test cell is judged outside the
# kernel, by the checks in course/checks/ (see course/preprocessors.py), plus
# a time limit for the whole notebook, a cap on each cell's output, and a
# clear error when the kernel dies.
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, IgnorePattern, LimitOutput, SaveAutoGrades)

c.JudgedExecute.notebook_timeout = 600
# Once the last cell has answered, every output is in: kill the kernel rather
# than wait for a graceful shutdown (0.3 to 0.5 s per notebook).
c.Execute.shutdown_kernel = "immediate"
c.JudgedExecute.max_output_chars = 200_000
c.Autograde.autograde_preprocessors = [
    "course.preprocessors.JudgedExecute", IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]

# A deleted test cell, or one whose nbgrader metadata was stripped, is put
# back from the gradebook and graded (stock nbgrader leaves it ungraded,
# "needs manual grade"). course grade reports that it happened.
c.OverwriteCells.add_missing_cells = True

# Feedback pages (`nbgrader generate_feedback`, course/feedback_html.py):
# nbgrader's pipeline, with an HTMLExporter of the course's that uses its own
# template, which extends nbgrader's `feedback` one: formulas are MathML,
# typeset offline with no MathJax, error outputs wrap, and the index names
# each test's exercise; and a preprocessor shortens the grader's temporary
# paths in outputs. Its own section, FeedbackExporter, leaves formgrader's
# HTMLExporter (and its `formgrade` template) as nbgrader sets it.
from course import feedback_html  # noqa: E402

c.GenerateFeedback.exporter_class = feedback_html.FeedbackExporter
c.FeedbackExporter.template_name = feedback_html.TEMPLATE_NAME
c.FeedbackExporter.extra_template_basedirs = feedback_html.template_basedirs()
c.FeedbackExporter.extra_template_paths = feedback_html.template_paths()
c.FeedbackExporter.preprocessors = [feedback_html.HideGradingPaths]

# Feedback pages show what students' code displayed: keep its scripts out.
c.HTMLExporter.sanitize_html = True
