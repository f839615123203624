"""The package's folders are its layers, and imports run one way: cli -> show -> ask/write -> store -> root."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "iranaz_cli"
# How high each layer stands; a module may import only from layers below its own, or from its own folder.
# ``ask`` and ``write`` stand side by side and import neither each other.
LAYERS = {"cli": 4, "show": 3, "ask": 2, "write": 2, "store": 1, "": 0}
ROOT_MODULES = {"model", "edtf", "text", "errors"}
# The package's entry points stand above every layer: the library API (lazy) and `python -m`.
ENTRY = {"iranaz_cli", "iranaz_cli.__main__"}
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """Return (imported module, line, at module level) for every import of the package, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("iranaz_cli"):
                continue
            # `from . import x` imports the module x when x is one
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in MODULES else target, node.lineno, id(node) in top_level))
        elif isinstance(node, ast.Import):
            found += [
                (a.name, node.lineno, id(node) in top_level) for a in node.names if a.name.startswith("iranaz_cli")
            ]
    return found


MODULES = _modules()


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else ""


def test_the_folders_are_the_layers_and_the_root_holds_only_what_every_layer_uses():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == {"cli", "show", "ask", "write", "store"}
    root = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert root == ROOT_MODULES
    for folder in PACKAGE.rglob("__init__.py"):
        if folder.parent != PACKAGE:  # each folder's __init__ says in one line what lives there
            text = folder.read_text(encoding="utf-8").strip()
            assert text.startswith('"""') and text.endswith('"""') and text.count("\n") == 0, folder


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m not in ENTRY))
def test_imports_run_downward(module):
    layer = _layer(module)
    wrong = []
    for target, line, _ in _imports(module, MODULES[module]):
        other = _layer(target)
        if target in ENTRY and target == "iranaz_cli":
            continue  # `from .. import __version__`: the version, not the API
        same_folder = other == layer and (layer != "" or target.rpartition(".")[2] in ROOT_MODULES)
        if not (same_folder or LAYERS[other] < LAYERS[layer]):
            wrong.append(f"{MODULES[module].name}:{line} imports {target}")
    assert not wrong, wrong


def test_no_module_imports_in_a_circle():
    graph = {m: {t for t, _, top in _imports(m, p) if top and t in MODULES and t != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                pytest.fail(" -> ".join([*path[path.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_no_module_is_longer_than_the_limit():
    long = {
        str(p.relative_to(PACKAGE)): n for p in MODULES.values() if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long


def test_the_checker_catches_an_upward_import(tmp_path, monkeypatch):
    """The direction test itself can fail: a store module importing the command line is caught."""
    bad = tmp_path / "iranaz_cli" / "store"
    bad.mkdir(parents=True)
    (bad / "x.py").write_text("def f():\n    from ..cli.app import app\n")
    monkeypatch.setitem(MODULES, "iranaz_cli.store.x", bad / "x.py")
    with pytest.raises(AssertionError, match=r"x.py:2 imports iranaz_cli.cli.app"):
        test_imports_run_downward("iranaz_cli.store.x")


def test_the_readme_s_architecture_names_every_folder_and_module():
    text = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    for folder in ("cli", "show", "ask", "write", "store"):
        assert f"- `{folder}/`" in section
    for path in PACKAGE.rglob("*.py"):
        if path.stem not in ("__init__", "__main__", "errors") and path.parent.name != "checks":
            assert f"`{path.stem}`" in section, path
