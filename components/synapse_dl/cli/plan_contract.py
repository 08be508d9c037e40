"""What the offline plan promises its callers (`synapse-dl plan`, make plan, bin/plan, the
pull-request check).

Exit status: EXIT_PLANNED when the stack plans with no mandatory violation; EXIT_INVALID_INPUT
for a stack file, config or policy config it refuses, or a program error; EXIT_MANDATORY_VIOLATION
when it plans and a mandatory policy fails; EXIT_BLOCKING_CHANGE when it plans against a
baseline (--against) and a change would stop the deploy halfway (a protected resource
replaced or deleted, a pool's runtime changed under its libraries), no mandatory policy
failing. The JSON it writes with --json is the plan
({"stack", "resources", "outputs", "warnings", "policy"}) or {"stack", "error"};
synapse_dl.cli.plan_json parses it. Stacks are named by synapse_dl.project.stack_name.
"""

EXIT_PLANNED = 0
EXIT_INVALID_INPUT = 1
EXIT_MANDATORY_VIOLATION = 3
EXIT_BLOCKING_CHANGE = 4
