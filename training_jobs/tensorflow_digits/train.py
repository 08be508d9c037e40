"""Digits classifier in TensorFlow, trained data-parallel on Spark.

The same shape as pytorch_digits: its own part is the model; the shared job API
(common/training.py) writes the digits to Parquet the first time (digits_data), gives each
process its own shard, averages the gradients (`hvd.DistributedGradientTape`, or
MultiWorkerMirroredStrategy across barrier tasks), checkpoints every epoch and resumes,
evaluates and reports. The model is Keras 2 (tf_keras on TensorFlow >= 2.16).
"""

from __future__ import annotations

import digits_data
import training


def model(width: int):
    import tensorflow as tf

    keras = tf.keras
    # A small MLP: digits needs no more, and it keeps CPU runs short.
    return keras.Sequential(
        [
            keras.layers.Input(shape=(width,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(digits_data.CLASSES),
        ]
    )


if __name__ == "__main__":
    training.main(
        "tensorflow_digits",
        framework="tensorflow",
        model=model,
        loss="cross_entropy",
        metric=training.accuracy,
        prepare=digits_data.prepare_digits,
    )
