"""Loaded at start-up by the child processes of tests under `make mutation` (see
mutation/subprocess_hits.py): while mutmut collects which tests reach which function, each
function this process calls is appended to a file of its own in MUTATION_HITS_DIR, as it
happens (a provider process is killed, not left to exit): once per test, since the test
process takes the file after each test, and a process that outlives a test (a provider shared
by a test module) serves the next ones too."""

import os

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
