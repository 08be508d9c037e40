"""PyTorch's part of one training process of a job (training.Job): the model and optimizer,
resuming, a training step, a checkpoint's bytes, evaluation; training.train_epochs runs the
epochs. The same on both launchers; torch_parallel averages the gradients.

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import hashlib
import io

import checkpoints
import dataset
import torch_parallel
import training


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


def _loss(name: str):
    import torch.nn.functional as F

    if name == "cross_entropy":
        return F.cross_entropy
    # one value a row: the model's [n, 1] outputs against the [n] labels
    return lambda outputs, labels: F.mse_loss(outputs.reshape(labels.shape), labels)


def _tensors(job: training.Job, batch, device):
    import torch

    inputs, labels = job.arrays(batch)
    return torch.from_numpy(inputs).to(device), torch.from_numpy(labels).to(device)


def train(job: training.Job, config) -> dict:
    """One training process: train on this rank's shard, return what the driver reports."""
    import torch

    ranks = torch_parallel.ranks(config.launcher)
    rank, size = ranks.rank, ranks.size
    device = ranks.device()
    if device.type == "cpu":
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)

    model = job.model(config.width).to(device)
    loss_fn = _loss(job.loss)
    # Linear scaling rule: the effective batch grows with the number of processes.
    optimizer = torch.optim.SGD(model.parameters(), lr=config.learning_rate * size, momentum=0.9)
    start_epoch = 1
    if config.resume_epoch:
        state = load_checkpoint(checkpoints.read(config.output_url, config.resume_epoch), device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch = config.resume_epoch + 1
    trained, optimizer = ranks.parallelize(model, optimizer)

    def step(batch) -> float:
        inputs, labels = _tensors(job, batch, device)
        optimizer.zero_grad()
        loss = loss_fn(trained(inputs), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    def checkpoint(epoch: int) -> bytes:
        state = {
            "epoch": epoch,
            "started_after_epoch": start_epoch - 1,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
        }
        buffer = io.BytesIO()
        torch.save(state, buffer)
        return buffer.getvalue()

    return training.train_epochs(
        job, config, rank, size, ranks.all_sum, start_epoch=start_epoch, step=step,
        checkpoint=checkpoint, evaluate=lambda: evaluate(job, model, config, rank, size),
        weights_sha256=lambda: weights_sha256(model),
    )  # fmt: skip


def evaluate(job: training.Job, model, config, rank: int, size: int):
    """This rank's test loss sum, metric sum and rows (its shard of the test split)."""
    import torch

    device = next(model.parameters()).device
    loss_fn = _loss(job.loss)
    model.eval()
    loss_sum = metric_sum = rows = 0.0
    with (
        torch.no_grad(),
        dataset.open_shard_reader(
            config.test_url, rank, size, config.columns, epochs=1, reader=config.reader
        ) as row_groups,
    ):
        for batch in dataset.batches(row_groups, 256):
            inputs, labels = _tensors(job, batch, device)
            outputs = model(inputs)
            loss_sum += float(loss_fn(outputs, labels)) * len(labels)
            if job.metric:
                metric_sum += job.metric(outputs.cpu().numpy(), labels.cpu().numpy())
            rows += len(labels)
    model.train()
    return loss_sum, metric_sum, rows
