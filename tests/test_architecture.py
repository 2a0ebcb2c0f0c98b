"""The package's layers import downward only, with no cycles (read with ast, so lazy
imports inside functions count too); the library holds no benchmark or demo code."""
import ast
import os
import os.path as osp
from collections import defaultdict

PKG = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'rtmpose_plugin')

#: each part of the package and its layer; a module may import its own layer's parts
#: listed under SIDEWAYS and any lower layer, never a higher one
LAYERS = {
    'errors': 0, 'checks': 0,
    'core': 1, 'compat': 1, 'hub': 1,
    'config': 2,
    'codecs': 3, 'models': 3, 'datasets': 3, 'recipe': 3,
    'build': 4,
    'analysis': 5, 'zoo': 5,
    'runtime': 6,
    'deploy': 7,
    'inference': 8, 'model_index': 8,
    'register': 9, 'api': 9, 'testing': 9,
    'apis': 10, 'solutions': 10, 'corpus': 10,
    'console': 11,
    '__init__': 12,
}
#: same-layer imports that are allowed (importer part -> imported parts)
SIDEWAYS = {'analysis': {'zoo'}, 'zoo': {'analysis'},
            'compat': {'hub', 'errors'}}  # checkpoints download through the one downloader


def part_of(rel: str) -> str:
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith('.py') else first


def imports(path: str, rel: str):
    """The parts of rtmpose_plugin a module imports (absolute or relative)."""
    tree = ast.parse(open(path).read(), path)
    pkg_parts = rel.split(os.sep)[:-1]  # the module's package inside rtmpose_plugin
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith('rtmpose_plugin.'):
                    yield alias.name.split('.')[1], node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg_parts[:len(pkg_parts) - node.level + 1]
                names = base + (node.module.split('.') if node.module else [])
                if names:
                    yield names[0], node.lineno
                else:  # from .. import x (from the package root)
                    for alias in node.names:
                        yield alias.name, node.lineno
            elif node.module and (node.module == 'rtmpose_plugin'
                                  or node.module.startswith('rtmpose_plugin.')):
                names = node.module.split('.')[1:]
                if names:
                    yield names[0], node.lineno
                else:
                    for alias in node.names:
                        yield alias.name, node.lineno


def modules():
    for dirpath, _, files in os.walk(PKG):
        for f in files:
            if f.endswith('.py'):
                path = osp.join(dirpath, f)
                yield path, osp.relpath(path, PKG)


def test_every_part_has_a_layer():
    parts = {part_of(rel) for _, rel in modules()}
    assert parts <= set(LAYERS), sorted(parts - set(LAYERS))


def test_layers_import_downward_only():
    bad = []
    for path, rel in modules():
        me = part_of(rel)
        for other, line in imports(path, rel):
            if other == me or other not in LAYERS:
                continue
            if other in SIDEWAYS.get(me, ()):
                continue
            if LAYERS[other] >= LAYERS[me]:
                bad.append(f'{rel}:{line} ({me}, layer {LAYERS[me]}) imports {other} '
                           f'(layer {LAYERS[other]})')
    assert not bad, '\n'.join(bad)


def test_no_import_cycles_between_modules():
    """Imports between our modules, lazy ones inside functions included, form no cycle
    (a package's ``__init__`` re-exporting its modules is not an edge back)."""
    graph = defaultdict(set)
    for path, rel in modules():
        mod = rel[:-3].replace(os.sep, '.').replace('.__init__', '')
        tree = ast.parse(open(path).read(), path)
        pkg = mod.split('.') if rel.endswith('__init__.py') else mod.split('.')[:-1]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = pkg[:len(pkg) - node.level + 1]
                target = '.'.join(base + ([node.module] if node.module else []))
                if not node.module:  # from . import a, b: the modules a and b
                    for alias in node.names:
                        graph[mod].add(f'{target}.{alias.name}'.strip('.'))
                elif not mod.startswith(target + '.'):  # not a package's own __init__
                    graph[mod].add(target)
    seen, stack = set(), set()

    def visit(m, trail):
        if m in stack:
            raise AssertionError('import cycle: ' + ' -> '.join(trail + [m]))
        if m in seen:
            return
        stack.add(m)
        for n in graph.get(m, ()):
            visit(n, trail + [m])
        stack.discard(m)
        seen.add(m)

    for m in list(graph):
        visit(m, [])


def test_the_library_has_no_benchmark_or_demo_code():
    parts = {part_of(rel) for _, rel in modules()}
    assert not parts & {'benchmark', 'benchmarks', 'demo'}
    for path, _ in modules():
        text = open(path).read()
        assert 'import rtmlib' not in text and 'from rtmlib' not in text, path


def test_every_docstring_opens_with_a_one_line_summary():
    """PEP 257: the first line is the summary, then a blank line; and no issue numbers
    (history belongs in commit messages and docs/)."""
    import re
    tools = os.path.join(os.path.dirname(PKG), 'tools')
    files = [p for p, _ in modules()] + [os.path.join(d, f) for d, _, fs in os.walk(tools)
                                         for f in fs if f.endswith('.py')]
    bad = []
    for path in files:
        tree = ast.parse(open(path).read(), path)
        for node in [tree] + [n for n in ast.walk(tree) if isinstance(
                n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]:
            doc = ast.get_docstring(node)
            if not doc:
                continue
            lines = doc.split('\n')
            where = f'{os.path.relpath(path, os.path.dirname(PKG))}:{getattr(node, "lineno", 1)}'
            if len(lines) > 1 and lines[1].strip():
                bad.append(f'{where}: no one-line summary ({lines[0][:50]!r} runs on)')
            if re.search(r'\bissue \d+\b', doc):
                bad.append(f'{where}: an issue number')
    assert not bad, '\n'.join(bad)
