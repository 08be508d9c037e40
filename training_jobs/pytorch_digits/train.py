"""Digits classifier in PyTorch, trained data-parallel with Horovod on Spark.

Run as a Spark batch job (`spark-submit --py-files <job.yaml pyFiles> train.py --data ...
--output ...`), the way Synapse runs it. Spark writes the digits to Parquet, each Horovod
process reads its own shard through Petastorm, gradients are averaged by
`hvd.DistributedOptimizer`, and rank 0 checkpoints every epoch; a re-run resumes from the
last checkpoint unless `--no-resume`.
"""

from __future__ import annotations

import hashlib
import io
import time

import checkpoints
import digits_data
import launcher

JOB = "pytorch_digits"


def build_model():
    from torch import nn

    # A small MLP: digits needs no more, and it keeps CPU runs short.
    return nn.Sequential(
        nn.Linear(digits_data.FEATURES, 64),
        nn.ReLU(),
        nn.Linear(64, digits_data.CLASSES),
    )


def weights_sha256(model) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def load_checkpoint(payload: bytes, device) -> dict:
    import torch

    try:
        # Tensors and plain values only: a checkpoint cannot run code when loaded.
        return torch.load(io.BytesIO(payload), map_location=device, weights_only=True)
    except TypeError:
        # torch < 1.13 has no weights_only (the Spark 3.2 GPU runtime ships torch 1.11).
        return torch.load(io.BytesIO(payload), map_location=device)


def train(config: launcher.TrainConfig) -> dict:
    """One Horovod process: train on this rank's shard, return what the driver reports."""
    import horovod.torch as hvd
    import torch
    import torch.nn.functional as F

    hvd.init()
    rank, size = hvd.rank(), hvd.size()
    if torch.cuda.is_available():
        # One GPU per process: the local rank picks it.
        torch.cuda.set_device(hvd.local_rank())
        device = torch.device("cuda", hvd.local_rank())
    else:
        device = torch.device("cpu")
        torch.set_num_threads(launcher.threads_per_process(hvd.local_size()))
    torch.manual_seed(config.seed)

    model = build_model().to(device)
    # Linear scaling rule: the effective batch grows with the number of processes.
    optimizer = torch.optim.SGD(model.parameters(), lr=config.learning_rate * size, momentum=0.9)

    start_epoch = 1
    if rank == 0 and config.resume and (found := checkpoints.latest(config.output_url)):
        state = load_checkpoint(found.payload, device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch = int(state["epoch"]) + 1
    start_epoch = hvd.broadcast_object(start_epoch, root_rank=0, name="start_epoch")

    optimizer = hvd.DistributedOptimizer(optimizer, named_parameters=model.named_parameters())
    # Every rank starts from rank 0's weights and optimizer state (fresh or resumed).
    hvd.broadcast_parameters(model.state_dict(), root_rank=0)
    hvd.broadcast_optimizer_state(optimizer, root_rank=0)

    steps = config.steps_per_epoch(size)
    ids_seen: set[int] = set()
    trained_samples = 0
    started = time.perf_counter()
    with digits_data.open_shard_reader(
        config.train_url, rank, size, epochs=None, seed=config.seed + rank
    ) as reader:
        stream = digits_data.batches(reader, config.batch_size, seed=config.seed + rank)
        for epoch in range(start_epoch, config.epochs + 1):
            model.train()
            for _ in range(steps):
                batch = next(stream)
                ids_seen.update(batch.ids.tolist())
                features = torch.from_numpy(batch.features).to(device)
                labels = torch.from_numpy(batch.labels).to(device)
                optimizer.zero_grad()
                F.cross_entropy(model(features), labels).backward()
                optimizer.step()
                trained_samples += len(labels)
            if rank == 0:
                buffer = io.BytesIO()
                torch.save(
                    {
                        "epoch": epoch,
                        "started_after_epoch": start_epoch - 1,
                        "model": model.state_dict(),
                        "optimizer": optimizer.state_dict(),
                    },
                    buffer,
                )
                checkpoints.save(config.output_url, epoch, buffer.getvalue())
    seconds = time.perf_counter() - started

    correct, total = evaluate(model, config, rank, size, device)
    counts = hvd.allreduce(torch.tensor([correct, total], dtype=torch.float64), op=hvd.Sum)
    return launcher.rank_result(
        rank=rank,
        size=size,
        start_epoch=start_epoch,
        steps_per_epoch=steps,
        ids_seen=ids_seen,
        weights_sha256=weights_sha256(model),
        correct=float(counts[0]),
        total=float(counts[1]),
        trained_samples=trained_samples,
        seconds=seconds,
    )


def evaluate(model, config: launcher.TrainConfig, rank: int, size: int, device):
    """Correct predictions and rows on this rank's shard of the test set."""
    import torch

    model.eval()
    correct = total = 0
    reader = digits_data.open_shard_reader(config.test_url, rank, size, epochs=1)
    with torch.no_grad(), reader:
        for batch in digits_data.batches(reader, 256):
            logits = model(torch.from_numpy(batch.features).to(device))
            correct += int((logits.argmax(dim=1).cpu().numpy() == batch.labels).sum())
            total += len(batch.labels)
    return correct, total


if __name__ == "__main__":
    launcher.main(JOB, train, epochs=8, learning_rate=0.05)
