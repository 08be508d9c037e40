#!/usr/bin/env bash
# make mutation: mutation testing of the infrastructure code, on demand (hours on 2 cores;
# not in CI). Both tools rewrite source files, so they work on a copy of the working tree.
#   mutation/run.sh PYTHON WORKDIR OUTDIR
#   - mutmut (pyproject.toml [tool.mutmut]): components/, offline_plan/, policy_harness/,
#     job_runner/, against the infrastructure suite;
#   - cosmic-ray (mutation/policies.toml): policies/, against tests/policies, because the pack
#     runs as its own process and mutmut's trampolines only switch mutants in-process.
# MUTATION_ONLY=mutmut or MUTATION_ONLY=cosmic-ray runs one of them; MUTATION_SELECT takes
# mutmut's name patterns (say 'policy_harness.*') to run part of its mutants.
set -euo pipefail
# Absolute, but not resolved: a venv's python is a link to the base interpreter.
python=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
out=$(realpath -m "$3")
bin=$(dirname "$python")
only=${MUTATION_ONLY:-}

rm -rf "$work" && mkdir -p "$work" "$out"
# The report reads what is in $out: nothing from an earlier run may pass for this one's.
rm -f "$out/mutmut-results.txt" "$out"/cosmic-ray.* "$out/report.md"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work"
cd "$work"

if [[ -z "$only" || "$only" == mutmut ]]; then
    # shellcheck disable=SC2086  # patterns are separate words
    "$bin/mutmut" run --max-children "${MUTATION_JOBS:-2}" ${MUTATION_SELECT:-}
    "$bin/mutmut" results --all true > "$out/mutmut-results.txt"
fi
if [[ -z "$only" || "$only" == cosmic-ray ]]; then
    # The test command says `python`: this environment's.
    export PATH="$bin:$PATH"
    cosmic-ray init mutation/policies.toml "$out/cosmic-ray.sqlite"
    cr-filter-operators "$out/cosmic-ray.sqlite" mutation/policies.toml
    cosmic-ray baseline mutation/policies.toml
    cosmic-ray exec mutation/policies.toml "$out/cosmic-ray.sqlite"
    cosmic-ray dump "$out/cosmic-ray.sqlite" > "$out/cosmic-ray.jsonl"
fi
"$python" mutation/report.py --out "$out"
