"""Sample answers as Python functions, without a kernel: each solution cell
of an assignment's source notebook, with the sample's code filled in, run
in one namespace in notebook order."""
import math

import numpy as np

from course import cohort, layout
from course import notebooks as nbs
from conftest import REPO


def functions(assignment, answers, root=REPO):
    """{name: value} after running every solution cell with `answers` filled in
    ({solution grade_id: code or "reference"}; a cell not in `answers` is the release's stub)."""
    reference = cohort.reference_answers(root, assignment)
    namespace = {"np": np, "math": math}
    for path in layout.notebooks(root / layout.RELEASE / assignment):
        for cell in nbs.read(path).cells:
            if not nbs.is_solution(cell):
                continue
            code = answers.get(nbs.grade_id(cell))
            if code is not None:
                nbs.fill_answer(cell, reference[nbs.grade_id(cell)] if code == "reference" else code)
            exec(compile(nbs.python_of(cell), nbs.grade_id(cell), "exec"), namespace)
    return namespace
