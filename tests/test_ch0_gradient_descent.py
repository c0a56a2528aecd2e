"""Chapter 0's own tests: the checks' references and the notebook reproduce
the numbers the course's source notes print (seed 002, sections 2.2 and
2.4; seed 004, section 7.2), digit for digit."""
import re

import numpy as np

from course.checks import ch0_gradient_descent as checks
from course.checks import public

ASSIGNMENT = "ch0_gradient_descent"


def outputs_text(nb):
    return "\n".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))


def test_the_references_reproduce_the_notes():
    path = checks.gradient_descent(public.cubic_slope, 1.0, 0.01, 200)
    assert repr(float(path[-1])) == "2.999999999256501" and len(path) == 177   # 176 steps, then |f'| < 1e-8
    estimate = checks.numerical_gradient(public.narrow_bowl, np.array([2.0, 3.0]), 1e-8)
    assert estimate.tolist() == [0.2500001983207767, 54.00000020472362]
    difference = np.abs(public.narrow_bowl_gradient(np.array([2.0, 3.0])) - estimate)
    assert np.allclose(difference, [1.98320777e-07, 2.04723619e-07], rtol=1e-8)
    # x**2 from 10 with eta = 0.2, ten steps: 10 * 0.6**10
    assert np.isclose(checks.gradient_descent(public.square_slope, 10.0, 0.2, 10)[-1], 0.060466176, rtol=1e-9)


def test_the_notebook_prints_the_notes_numbers(reference_runs):
    text = outputs_text(reference_runs[ASSIGNMENT])
    assert "steps taken: 176 (of at most 200)" in text
    assert "last point: 2.999999999256501" in text
    assert re.search(r"numerical gradient: \[ ?0\.2500002 +54\.0000002\]", text), text[:3000]
    assert "absolute difference: [1.98320777e-07 2.04723619e-07]" in text
    assert re.search(r"^\s+0\.2\s+0\.6\s+0\.060466176\s", text, re.M)
