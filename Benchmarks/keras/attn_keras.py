"""Trains the reference attention model (inferd's `trainer train --arch attn` defaults) in Keras on
Fashion-MNIST, the way the issue's Keras figures were taken: tf_keras 2.21, both cores, Adam 1e-3,
batch 64, no augmentation, 10 epochs. Prints seconds per epoch and the test accuracy as JSON lines.

  python3 -m venv .venv-keras && .venv-keras/bin/pip install "tf_keras==2.21.*"
  .venv-keras/bin/python Benchmarks/keras/attn_keras.py [--epochs 10]

Architecture: 4x4 patches by a stride-4 convolution to 49 tokens of width 64, a learned position
embedding, 2 pre-norm encoder blocks (4 heads of 16, MLP 128 with exact-erf GELU, LayerNorm eps 1e-5),
a final LayerNorm, mean over tokens, a 10-way softmax.
"""
import argparse
import gzip
import json
import time

import numpy as np
import tensorflow as tf
import tf_keras as keras

DATA = "/usr/share/datasets/fashion-mnist"


def idx(name, offset):
    with gzip.open(f"{DATA}/{name}", "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


class PositionEmbedding(keras.layers.Layer):
    def build(self, shape):
        self.table = self.add_weight(name="pos", shape=shape[1:], initializer="glorot_uniform")

    def call(self, x):
        return x + self.table


def model(width=64, blocks=2, heads=4, mlp=128):
    x = inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(width, 4, strides=4)(x)
    x = PositionEmbedding()(keras.layers.Reshape((49, width))(x))
    for _ in range(blocks):
        y = keras.layers.LayerNormalization(epsilon=1e-5)(x)
        x = x + keras.layers.MultiHeadAttention(heads, width // heads)(y, y)
        y = keras.layers.LayerNormalization(epsilon=1e-5)(x)
        y = keras.layers.Dense(mlp, activation=lambda v: tf.nn.gelu(v, approximate=False))(y)
        x = x + keras.layers.Dense(width)(y)
    x = keras.layers.LayerNormalization(epsilon=1e-5)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


class EpochTimes(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        print(json.dumps({"epoch": epoch + 1, "seconds": round(time.perf_counter() - self.start, 1),
                          "train_accuracy": round(logs["accuracy"], 4)}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    keras.utils.set_random_seed(1)
    train_x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype(np.float32) / 255
    train_y = idx("train-labels-idx1-ubyte.gz", 8)
    test_x = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype(np.float32) / 255
    test_y = idx("t10k-labels-idx1-ubyte.gz", 8)
    net = model()
    net.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    net.fit(train_x, train_y, batch_size=64, epochs=args.epochs, verbose=0, callbacks=[EpochTimes()])
    _, accuracy = net.evaluate(test_x, test_y, batch_size=256, verbose=0)
    print(json.dumps({"model": "attn", "framework": f"tf_keras {keras.__version__}", "epochs": args.epochs,
                      "parameters": net.count_params(), "test_accuracy": round(float(accuracy), 4)}))


if __name__ == "__main__":
    main()
