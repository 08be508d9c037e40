"""The program runs under the offline plan as Pulumi's Python language host runs it."""

from __future__ import annotations

from synapse_dl.engine.offline_runtime import plan_stack


def test_the_program_runs_as_main_so_a_guarded_program_registers_too(tmp_path):
    # The language host runs __main__.py as the __main__ module (runpy, run_name "__main__").
    (tmp_path / "Pulumi.yaml").write_text("name: guarded\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        'import pulumi\n\nif __name__ == "__main__":\n    pulumi.export("ran", True)\n'
    )
    stack = tmp_path / "Pulumi.g.yaml"
    stack.write_text("config: {}\n")

    assert plan_stack(stack, program_dir=tmp_path).outputs == {"ran": True}
