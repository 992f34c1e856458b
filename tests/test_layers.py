"""The runtime package stands alone: it never imports the training and evaluation code beside it, names no
path of the shared data, and its modules import each other without cycles."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "toolkit"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The toolkit modules a file imports (relative imports resolved), anywhere in the file."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from . import x` imports x
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_the_runtime_never_imports_the_training_code():
    offenders = {_module(p): sorted(m for m in _imports(p) if m.split(".")[0] in ("training", "eval"))
                 for p in PACKAGE.rglob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_importing_every_runtime_module_loads_no_training_module():
    names = sorted(_module(p) for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")
    script = ("import importlib, sys\n"
              f"for name in {names!r}:\n"
              "    try:\n        importlib.import_module(name)\n"
              "    except ImportError:\n        pass  # an optional extra that is missing\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('training', 'eval')))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                         check=True).stdout.strip().splitlines()[-1]
    assert out == "[]"


def test_no_runtime_module_names_the_shared_data():
    named = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py") if "shared/data" in p.read_text("utf-8")
             or '"shared" / "data"' in p.read_text("utf-8")]
    assert not named


def test_no_import_cycles_in_the_package():
    graph = _graph()
    # a module's package __init__ is imported before it by Python itself: an edge to one's own parent is no cycle
    graph = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, cycles[:5]
