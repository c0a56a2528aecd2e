"""Instructor tooling for the optimization course: a thin layer over nbgrader."""


class CourseError(Exception):
    """A problem the instructor must fix; the CLI prints it and exits non-zero."""
