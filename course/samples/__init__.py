"""Sample answers per assignment, for `course demo` and the grading tests."""
