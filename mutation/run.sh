#!/usr/bin/env bash
# make mutation: mutation testing of the infrastructure code, on demand (hours on 2 cores;
# not in CI). Both tools rewrite source files, so they work on a copy of the working tree.
#   mutation/run.sh PYTHON WORKDIR OUTDIR
#   - mutmut (pyproject.toml [tool.mutmut]): the synapse_dl package (components/synapse_dl/),
#     its three layers (library, engine, cli), against the infrastructure suite;
#   - cosmic-ray (mutation/policies.toml): policies/, against tests/policies, because the pack
#     runs as its own process and mutmut's trampolines only switch mutants in-process.
# MUTATION_ONLY=mutmut or MUTATION_ONLY=cosmic-ray runs one of them; MUTATION_SELECT takes
# mutmut's name patterns (say 'synapse_dl.engine.analyzer.*') to run part of its mutants.
# MUTATION_SAMPLE=N runs N mutants drawn at random from those not run yet (all of them in a
# first run), instead of the rest of mutmut's pass; the report estimates the whole score from them.
# MUTATION_RESUME=1 goes on from the last run (a full run outlasts a working session): mutmut
# keeps the results of functions whose source is unchanged and runs its survivors (accepted
# ones too with MUTATION_RERUN_ACCEPTED=1) and "no tests" mutants again (the tests may have
# changed); cosmic-ray's mutants are positions in the
# source, so its session goes on only while policies/ is unchanged, and starts over otherwise.
set -euo pipefail
# Absolute, but not resolved: a venv's python is a link to the base interpreter.
python=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
out=$(realpath -m "$3")
bin=$(dirname "$python")
only=${MUTATION_ONLY:-}
# The mutated copy is 18 MB of source (each function with all its mutants): without bytecode
# caches, every child process a test starts (the component provider, pr-check's plans)
# compiles it again, about 4 s here. Its files do not change during a run.
unset PYTHONDONTWRITEBYTECODE

resume=
if [[ -n "${MUTATION_RESUME:-}" && -d "$work" ]]; then
    resume=1
else
    rm -rf "$work"
    # The report reads what is in $out: nothing from an earlier run may pass for this one's.
    rm -f "$out/mutmut-results.txt" "$out/mutmut-sample.txt" "$out"/cosmic-ray.* "$out/report.md"
fi
mkdir -p "$work" "$out"
# The copy is the working tree as git sees it, and a `src` link to components/: mutmut 3.8.1
# finds a package only under ./, src/ or source/ (pyproject.toml [tool.mutmut]). The package
# keeps its folder's name, synapse_dl. mutmut keeps its state in mutants/.
rm -rf "${work:?}/components" "${work:?}/src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work"
cd "$work"
ln -s components src

if [[ -z "$only" || "$only" == mutmut ]]; then
    survivors=()
    if [[ -n "$resume" && -d mutants/src/synapse_dl ]]; then
        # mutmut copies a source file into mutants/ only when it is not there yet: the
        # package's data files (the runtime package lists) would stay as the last run had them.
        (cd components/synapse_dl && find . -type f ! -name '*.py' -print0 \
            | xargs -0 -r cp --parents -t ../../mutants/src/synapse_dl)
    fi
    if [[ -n "$resume" ]]; then
        # Which tests reach which function: collected again, since mutmut re-runs only new
        # tests for it, and an edited test may now reach a function it did not.
        rm -f mutants/mutmut-stats.json
        # "no tests" too: the tests that reach a function are collected afresh below. With
        # MUTATION_RERUN_TIMEOUTS=1 the timeouts too, once their limits have changed (a timeout
        # counts as killed; mutmut resets them itself only while it keeps its own stats).
        rerun='survived\|no tests'
        [[ -n "${MUTATION_RERUN_TIMEOUTS:-}" ]] && rerun="$rerun\|timeout"
        # Accepted survivors run all their tests, the slowest mutants there are: again only
        # with MUTATION_RERUN_ACCEPTED=1, after the tests they escaped have changed.
        accepted=mutation/accepted.txt
        [[ -n "${MUTATION_RERUN_ACCEPTED:-}" ]] && accepted=/dev/null
        mapfile -t survivors < <("$bin/mutmut" results \
            | sed -n "s/^ *\([^ :]*\): \($rerun\)\$/\1/p" \
            | grep -vxF -f <(grep -v '^#' "$accepted" | cut -d' ' -f1) || true)
    fi
    if [[ -n "${MUTATION_SAMPLE:-}" && ! -d mutants/src/synapse_dl ]]; then
        # A first run's sample needs the mutants' names, and mutmut has no command that only
        # generates them: its run's first step, without its stats and clean tests (20 min).
        "$python" -c 'import os
from mutmut import __main__ as m
from mutmut.mutation.trampoline import set_mutant_under_test
set_mutant_under_test("mutant_generation")
os.makedirs("mutants", exist_ok=True)
m.copy_src_dir(); m.copy_also_copy_files(); m.setup_source_paths()
m.store_lines_covered_by_tests(); m.create_mutants(int(os.environ.get("MUTATION_JOBS", 2)))'
    fi
    if [[ -n "${MUTATION_SAMPLE:-}" ]]; then
        # A uniform random sample of the mutants not run yet (MUTATION_SEED picks it), in place
        # of the rest of the pass: the report estimates the score of those from it. In one
        # mutmut run with the survivors, which runs the clean tests of its mutants once.
        mapfile -t sample < <("$bin/mutmut" results --all true \
            | sed -n 's/^ *\([^ :]*\): not checked$/\1/p' \
            | "$python" -c 'import random, sys
names = sorted(sys.stdin.read().split())
n, seed = int(sys.argv[1]), int(sys.argv[2])
print("\n".join(random.Random(seed).sample(names, min(n, len(names)))))' \
                "$MUTATION_SAMPLE" "${MUTATION_SEED:-0}")
        if (( ! ${#sample[@]} )); then
            echo "MUTATION_SAMPLE: no mutant left that has not run" >&2
            exit 2
        fi
        # A new sample replaces the last: tests written for that one's survivors make it no
        # longer a fair measure of the rest.
        printf '%s\n' "${sample[@]}" > "$out/mutmut-sample.txt"
        "$bin/mutmut" run --max-children "${MUTATION_JOBS:-2}" "${survivors[@]}" "${sample[@]}"
    else
        if (( ${#survivors[@]} )); then
            # Named mutants run again even when they have a result. First: a pass outlasts a
            # session, and what still survives is what to work on.
            "$bin/mutmut" run --max-children "${MUTATION_JOBS:-2}" "${survivors[@]}"
        fi
        # shellcheck disable=SC2086  # patterns are separate words
        "$bin/mutmut" run --max-children "${MUTATION_JOBS:-2}" ${MUTATION_SELECT:-}
    fi
    "$bin/mutmut" results --all true > "$out/mutmut-results.txt"
fi
if [[ -z "$only" || "$only" == cosmic-ray ]]; then
    # The test command says `python`: this environment's.
    export PATH="$bin:$PATH"
    policies=$(find policies -type f | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
    if [[ -z "$resume" || "$(cat "$out/cosmic-ray.policies" 2>/dev/null)" != "$policies" ]]; then
        rm -f "$out"/cosmic-ray.*
        cosmic-ray init mutation/policies.toml "$out/cosmic-ray.sqlite"
        cr-filter-operators "$out/cosmic-ray.sqlite" mutation/policies.toml
        cosmic-ray baseline mutation/policies.toml
        echo "$policies" > "$out/cosmic-ray.policies"
    fi
    cosmic-ray exec mutation/policies.toml "$out/cosmic-ray.sqlite"
    cosmic-ray dump "$out/cosmic-ray.sqlite" > "$out/cosmic-ray.jsonl"
fi
"$python" mutation/report.py --out "$out"
