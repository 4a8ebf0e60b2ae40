#!/usr/bin/env python3
"""Train a NumPy softmax classifier (multinomial logistic regression) from augmented batches.

The training images come from `augment batches` through augment_loader.Loader: a mild
augmentation (a small rotation and zoom, then a 28x28 centre crop), one channel, float32,
normalised; a new augmentation and a new order every epoch. The test images go through the same
loader without augmentation. Loss and accuracy are printed per epoch.

    python3 python/examples/train_softmax.py                      # MNIST subset beside the checkout
    python3 python/examples/train_softmax.py --epochs 10 --lr 0.02 --executable .build/release/augment

Needs numpy, the augment executable (--executable, else $AUGMENT_EXECUTABLE, else augment on
PATH) and a folder-per-class dataset of greyscale or colour PNGs (--train, --test).
"""

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without `pip install ./python`
from augment_loader import Loader  # noqa: E402

DATA = HERE.parents[1].parent / "shared" / "data" / "mnist-subset"
# MNIST's pixel mean and standard deviation on the 0-1 scale (the usual torchvision figures).
MEAN, STD = 0.1307, 0.3081


def pipelines(size):
    train = {"transforms": [
        {"op": "rotate", "angle": [-10, 10], "interpolation": "bilinear", "fill": 0},
        {"op": "zoom", "scale": [0.9, 1.1], "fill": 0},
        {"op": "center_crop", "width": size, "height": size},
    ]}
    test = {"transforms": [{"op": "center_crop", "width": size, "height": size}]}
    return train, test


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy loss and the gradient of the mean loss with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probabilities = exp / exp.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = -np.log(probabilities[rows, labels] + 1e-12).mean()
    gradient = probabilities
    gradient[rows, labels] -= 1
    return loss, gradient / len(labels)


def evaluate(loader, weights, bias):
    correct = total = 0
    loss_sum = 0.0
    for images, labels in loader:
        features = images.reshape(len(images), -1)
        logits = features @ weights + bias
        loss, _ = softmax_cross_entropy(logits, labels)
        loss_sum += loss * len(labels)
        correct += int((logits.argmax(axis=1) == labels).sum())
        total += len(labels)
    return loss_sum / total, correct / total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", default=str(DATA / "train"), help="folder-per-class training images (default: %(default)s)")
    parser.add_argument("--test", default=str(DATA / "test"), help="folder-per-class test images (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=5, help="default: %(default)s")
    parser.add_argument("--lr", type=float, default=0.05, help="SGD learning rate at the start, decayed to 0 along a cosine (default: %(default)s)")
    parser.add_argument("--weight-decay", type=float, default=1e-4, help="L2 penalty (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=32, help="default: %(default)s")
    parser.add_argument("--size", type=int, default=28, help="image side after the crop (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="augmentation, order and initialisation seed (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=None, help="augment's worker threads (default: every core)")
    parser.add_argument("--executable", default=None, help="the augment executable (default: $AUGMENT_EXECUTABLE, else augment on PATH)")
    options = parser.parse_args(argv)
    for folder in (options.train, options.test):
        if not os.path.isdir(folder):
            parser.error(f"{folder} is not a folder (pass --train and --test)")

    train_pipeline, test_pipeline = pipelines(options.size)
    common = dict(channels=1, normalize=(MEAN, STD), workers=options.workers, executable=options.executable)
    with Loader(options.train, options.batch_size, train_pipeline, shuffle=True, seed=options.seed, **common) as train, \
         Loader(options.test, 256, test_pipeline, **common) as test:
        if train.classes != test.classes:
            parser.error(f"the training classes {train.classes} differ from the test classes {test.classes}")
        classes = len(train.classes)
        features = options.size * options.size
        print(f"{train.samples} training images, {test.samples} test images, {classes} classes: {', '.join(train.classes)}")

        rng = np.random.default_rng(options.seed)
        weights = rng.normal(0, 0.01, size=(features, classes)).astype(np.float32)
        bias = np.zeros(classes, np.float32)
        for epoch in range(options.epochs):
            started = time.perf_counter()
            train.set_epoch(epoch)  # a new order and new augmentations every epoch
            # Cosine decay: large steps first, small ones at the end, so the last epoch settles.
            rate = options.lr * 0.5 * (1 + math.cos(math.pi * epoch / options.epochs))
            loss_sum = 0.0
            correct = seen = 0
            for images, labels in train:
                x = images.reshape(len(images), -1)  # float32 [B, 28*28]
                logits = x @ weights + bias
                loss, gradient = softmax_cross_entropy(logits, labels)
                weights -= rate * (x.T @ gradient + options.weight_decay * weights)
                bias -= rate * gradient.sum(axis=0)
                loss_sum += loss * len(labels)
                correct += int((logits.argmax(axis=1) == labels).sum())
                seen += len(labels)
            test_loss, test_accuracy = evaluate(test, weights, bias)
            print(f"epoch {epoch + 1}/{options.epochs}: train loss {loss_sum / seen:.4f}, "
                  f"train accuracy {100 * correct / seen:.1f}%, test loss {test_loss:.4f}, "
                  f"test accuracy {100 * test_accuracy:.1f}% ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
