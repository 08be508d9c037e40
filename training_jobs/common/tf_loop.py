"""TensorFlow's part of one training process of a job (training.Job): the model and
optimizer, resuming, a training step, a checkpoint's bytes, evaluation; training.train_epochs
runs the epochs. One custom step for both launchers; tf_parallel averages the gradients
(`hvd.DistributedGradientTape`, or MultiWorkerMirroredStrategy across barrier tasks). The
model and optimizer are Keras 2 (tf_keras on TensorFlow >= 2.16).

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import hashlib
import io

import checkpoints
import dataset
import tf_parallel
import training


def weights_sha256(model) -> str:
    digest = hashlib.sha256()
    for array in model.get_weights():
        digest.update(array.tobytes())
    return digest.hexdigest()


def checkpoint_payload(epoch: int, started_after_epoch: int, model, optimizer) -> bytes:
    import numpy as np

    arrays = {
        "epoch": np.int64(epoch),
        "started_after_epoch": np.int64(started_after_epoch),
        # Recorded, not restored: the rate comes from the job's arguments and world size.
        "learning_rate": np.float64(float(optimizer.learning_rate.numpy())),
    }
    arrays.update({f"model_{i}": w for i, w in enumerate(model.get_weights())})
    arrays.update({f"optimizer_{i}": v.numpy() for i, v in enumerate(optimizer.variables)})
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def restore(payload: bytes, model, optimizer) -> int:
    """Load a checkpoint into the model and the (built) optimizer; returns its epoch."""
    import numpy as np

    with np.load(io.BytesIO(payload), allow_pickle=False) as saved:
        model.set_weights([saved[f"model_{i}"] for i in range(len(model.get_weights()))])
        for i, variable in enumerate(optimizer.variables):
            variable.assign(saved[f"optimizer_{i}"])
        return int(saved["epoch"])


def per_example_loss(keras, name: str):
    """(labels, outputs) -> each row's loss (the launchers average it over the global batch)."""
    if name == "cross_entropy":
        return keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction=keras.losses.Reduction.NONE
        )
    return keras.losses.MeanSquaredError(reduction=keras.losses.Reduction.NONE)


def train(job: training.Job, config) -> dict:
    """One training process: train on this rank's shard, return what the driver reports."""
    ranks = tf_parallel.ranks(config.launcher, config.threads)
    tf, rank, size = ranks.tf, ranks.rank, ranks.size
    keras = tf.keras
    keras.utils.set_random_seed(config.seed)

    with ranks.scope():
        model = job.model(config.width)
        # Linear scaling rule: the effective batch grows with the number of processes.
        optimizer = keras.optimizers.SGD(learning_rate=config.learning_rate * size, momentum=0.9)
        optimizer.build(model.trainable_variables)
    loss_of = per_example_loss(keras, job.loss)

    start_epoch = 1
    if config.resume_epoch:
        payload = checkpoints.read(config.output_url, config.resume_epoch)
        start_epoch = restore(payload, model, optimizer) + 1
    ranks.synchronize(model, optimizer)
    step = ranks.train_step(model, optimizer, lambda m, x, y: loss_of(y, m(x, training=True)))
    # The spark launcher's strategy averages each worker's loss over the global batch.
    loss_scale = size if config.launcher == "spark" else 1

    def train_step(batch) -> float:
        inputs, labels = job.arrays(batch)
        return float(step(tf.constant(inputs), tf.constant(labels))) * loss_scale

    return training.train_epochs(
        job, config, rank, size, ranks.all_sum, start_epoch=start_epoch, step=train_step,
        checkpoint=lambda epoch: checkpoint_payload(epoch, start_epoch - 1, model, optimizer),
        evaluate=lambda: evaluate(job, model, loss_of, config, rank, size),
        weights_sha256=lambda: weights_sha256(model),
    )  # fmt: skip


def evaluate(job: training.Job, model, loss_of, config, rank: int, size: int):
    """This rank's test loss sum, metric sum and rows (its shard of the test split)."""
    loss_sum = metric_sum = rows = 0.0
    with dataset.open_shard_reader(
        config.test_url, rank, size, config.columns, epochs=1, reader=config.reader
    ) as row_groups:
        for batch in dataset.batches(row_groups, 256):
            inputs, labels = job.arrays(batch)
            outputs = model(inputs, training=False)
            loss_sum += float(loss_of(labels, outputs).numpy().sum())
            if job.metric:
                metric_sum += job.metric(outputs.numpy(), labels)
            rows += len(labels)
    return loss_sum, metric_sum, rows
