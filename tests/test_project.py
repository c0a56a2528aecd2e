"""Project-level promises: dependency lists agree, the README leads with the
two commands, and CI runs the README's test command."""
import re
import tomllib

from conftest import REPO


def names(reqs):
    return {re.split(r"[<>=!~ ]", r.strip(), maxsplit=1)[0].lower() for r in reqs}


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    text = (REPO / "environment.yml").read_text().split("dependencies:", 1)[1]
    yml = [l.strip()[2:] for l in text.splitlines() if l.strip().startswith("- ") and not l.strip().endswith(":")]
    conda = names(y for y in yml if y.split()[0] not in ("python>=3.11", "pip"))
    assert names(deps) == conda


def test_readme_starts_with_demo_and_test_commands_and_ci_runs_the_tests():
    readme = (REPO / "README.md").read_text()
    first_block = re.search(r"```(?:sh|bash)?\n(.*?)```", readme, re.S).group(1)
    commands = [l for l in first_block.splitlines() if l.strip() and not l.startswith("#")]
    assert commands[:2] == ["make demo", "make test"]
    assert "make test" in (REPO / ".ci" / "run").read_text()
