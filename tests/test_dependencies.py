"""Every third-party module that the package and the benchmarks import is declared in pyproject.toml, as a
core dependency or in an extra: an undeclared one works on the machine that happens to have it and fails
with a traceback on a fresh install."""
import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11")

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("toolkit", "training", "eval")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return {_normal(re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0]) for r in requirements}


def imported() -> dict[str, set[str]]:
    """{top-level module: files importing it}, for absolute imports of neither the stdlib nor this repository."""
    # the package, the eval folder, and what the scripts in eval/ import from beside them (benchmarks/, tests/tiny_mt.py)
    local = set(SCANNED) | {p.stem for folder in ("eval", "eval/benchmarks", "tests") for p in (ROOT / folder).glob("*")}
    found: dict[str, set[str]] = {}
    for folder in SCANNED:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in local:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_imported_module_is_declared():
    providers = packages_distributions()
    wanted = declared()
    undeclared = {
        module: sorted(files) for module, files in imported().items()
        if not any(_normal(dist) in wanted for dist in providers.get(module, []))
    }
    assert not undeclared, ("imported but not declared in pyproject.toml (add it to the dependencies or an "
                            f"extra, or it is not installed here): {undeclared}")
