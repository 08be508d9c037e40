"""The arguments a bundled job's entry script takes: one argparse parser.

The driver reads its arguments with it (launcher.parse_args), and `synapse-dl plan` judges a
job's `args` with this same parser, loaded from the job's own files
(synapse_dl.config.job_arguments): what the plan checks, the launcher and the number of
processes, is what the job will read, in every spelling argparse takes (`--num-proc=3`, an
unambiguous prefix, the last of a repeated option). Standard library only.
"""

from __future__ import annotations

import argparse

LAUNCHERS = ("horovod", "spark")


def build_parser(
    job: str, *, epochs: int = 8, learning_rate: float = 0.05
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=job, description=f"Train {job} on Spark.")
    parser.add_argument(
        "--data",
        default=f"out/data/{job}",
        help="the Parquet dataset (train/ and test/; the job may write it if missing): a "
        "local path or abfss:// URL",
    )
    parser.add_argument(
        "--features",
        default="features",
        help="the feature columns, comma-separated: one array column or several numeric ones",
    )
    parser.add_argument("--label", default="label", help="the label column")
    parser.add_argument(
        "--id-column", default=None, help="a column of row ids, to check the shards (optional)"
    )
    parser.add_argument(
        "--output", default=f"out/{job}", help="checkpoints and run summary: path or URL"
    )
    parser.add_argument(
        "--launcher",
        required=True,
        choices=LAUNCHERS,
        help="horovod (Spark 3.1/3.2 GPU runtimes) or spark (Spark 3.4/3.5)",
    )
    parser.add_argument("--epochs", type=int, default=epochs, help="total epochs to reach")
    parser.add_argument("--batch-size", type=int, default=32, help="rows per process and step")
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=learning_rate,
        help="per process; multiplied by the number of processes",
    )
    parser.add_argument("--num-proc", type=int, default=2, help="training processes (tasks)")
    parser.add_argument(
        "--no-resume",
        dest="resume",
        action="store_false",
        help="start from epoch 1 even when the output holds checkpoints",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--mlflow-tracking-uri",
        default=None,
        help="log the run to MLflow there (default: $MLFLOW_TRACKING_URI; neither: no MLflow)",
    )
    parser.add_argument(
        "--mlflow-experiment", default=job, help="the MLflow experiment (default: the job's name)"
    )
    return parser


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The arguments, with the counts checked: parser.error() on one below 1."""
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "num_proc"):
        if (value := getattr(args, name)) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    return args
