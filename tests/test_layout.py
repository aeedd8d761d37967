"""The house's layout rules, read from the source: one import root, and no import circles between modules."""
import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("flows", "coding", "corpus", "models", "outputs", "codebooks")


def _modules() -> dict[str, Path]:
    found = {"qualmine": REPO / "__init__.py"}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(("qualmine", *parts))
            found[name.removesuffix(".__init__")] = path
    return found


def _top_level_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import at module level (imports inside functions are deliberate and lazy)."""
    out = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names] + [(node.lineno, node.module)]
    return out


def test_every_import_goes_through_the_one_root():
    bare = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                       [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
            bare += [f"{path.relative_to(REPO)}:{node.lineno} imports {m}" for m in modules
                     if m.split(".")[0] in PACKAGES]
    assert not bare, "\n".join(bare)


def test_no_import_circle_between_modules():
    modules = _modules()
    graph = {name: {m for _, m in _top_level_imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    # A package importing its own submodules (re-exports in __init__) is how packages work, not a circle.
    for name in graph:
        graph[name] = {m for m in graph[name] if not (m.startswith(name + ".") or name.startswith(m + "."))}
    state: dict[str, int] = {}
    circles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, "\n".join(circles)
