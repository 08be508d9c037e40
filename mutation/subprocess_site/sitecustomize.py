"""Loaded at start-up by the child processes of tests under `make mutation` (see
mutation/subprocess_hits.py): while mutmut collects which tests reach which function, each
function this process calls is appended to a file of its own in MUTATION_HITS_DIR, as it
happens (a provider process is killed, not left to exit): once per test, since the test
process takes the file after each test, and a process that outlives a test (a provider shared
by a test module) serves the next ones too.

And while a mutant runs: the component provider builds its schema from the components'
docstrings, and inspect finds a class's source by parsing its whole module again for each
class. A mutated module holds every mutant of each function (workspace.py is megabytes), so
that was some 20 parses of a second each before the provider printed its port. A module's
parse is kept, for sources this large only (inspect's class finder only reads the tree)."""

import os

if os.environ.get("MUTANT_UNDER_TEST"):
    import ast
    from typing import Any

    _parse = ast.parse
    _trees: dict[tuple[str, object, str], ast.AST] = {}
    _LARGE = 200_000  # characters: mutated modules (the package's own are under 30,000)

    def _parse_large_once(
        source: Any, filename: Any = "<unknown>", mode: str = "exec", **options: Any
    ) -> Any:
        if options or not isinstance(source, str) or len(source) < _LARGE:
            return _parse(source, filename, mode, **options)
        key = (source, filename, mode)
        if key not in _trees:
            _trees[key] = _parse(source, filename, mode)
        return _trees[key]

    ast.parse = _parse_large_once  # type: ignore[assignment]

if os.environ.get("MUTANT_UNDER_TEST") == "stats" and os.environ.get("MUTATION_HITS_DIR"):
    try:
        from mutmut.mutation import trampoline
    except ImportError:  # a child on another interpreter (the training environment)
        pass
    else:
        _path = os.path.join(os.environ["MUTATION_HITS_DIR"], f"{os.getpid()}.txt")
        _seen: set[str] = set()

        def _record(name: str, caller: object = None) -> None:
            if _seen and not os.path.exists(_path):
                _seen.clear()  # taken by the test process: the next test is starting
            if name not in _seen:
                _seen.add(name)
                with open(_path, "a", encoding="utf-8") as f:
                    f.write(name + "\n")

        trampoline.record_trampoline_hit = _record
