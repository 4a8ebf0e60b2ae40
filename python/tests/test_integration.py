"""The Loader against the real `augment batches` (skipped when there is no binary with `batches`).

The datasets are small PNGs made here: image k (1, 2, ... in sorted path order) has the value k
in every pixel of channel 0, and an identity pipeline (a center_crop of the full size, an exact
copy) passes it unchanged, so every sample in a batch can be recognised.
"""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from augment_loader import AugmentError, AugmentWarning, Loader
from helpers import IDENTITY_PIPELINE, children_of, make_class_dataset, pid_gone, write_png

RANDOM_PIPELINE = {"transforms": [
    {"op": "hflip", "p": 0.5},
    {"op": "rotate", "angle": [-20, 20], "interpolation": "bilinear", "fill": 0},
    {"op": "random_resized_crop", "width": 8, "height": 6},
]}
SHARED_MNIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist-subset"


@pytest.fixture
def data(tmp_path):
    expected = make_class_dataset(tmp_path / "data", {"cat": 4, "dog": 5, "emu": 1}, nested=True)
    return tmp_path / "data", expected


def collect(loader):
    """[(epoch, batch, ids, labels, images)] of one iteration (with_place loaders)."""
    return [(place[0], place[1], [int(v) for v in images[:, 0, 0, 0]], labels.tolist(), images)
            for images, labels, place in loader]


def test_classes_labels_and_exactly_once_per_epoch(augment, data):
    root, expected = data
    loader = Loader(root, 4, IDENTITY_PIPELINE, epochs=3, shuffle=True, seed=3, executable=augment, with_place=True)
    assert loader.classes == ["cat", "dog", "emu"]
    assert loader.samples == 10 and loader.batches_per_epoch == 3 and len(loader) == 9
    batches = collect(loader)
    assert len(batches) == 9
    assert [(e, b) for e, b, *_ in batches] == [(e, b) for e in range(3) for b in range(3)]
    assert [len(ids) for _, _, ids, _, _ in batches] == [4, 4, 2] * 3
    orders = []
    for epoch in range(3):
        seen = [i for e, _, ids, _, _ in batches if e == epoch for i in ids]
        assert sorted(seen) == sorted(expected), f"epoch {epoch} is not each image exactly once"
        orders.append(seen)
    assert len({tuple(order) for order in orders}) == 3, "each epoch should have its own order"
    for _, _, ids, labels, images in batches:
        assert labels == [expected[i] for i in ids]
        assert images.dtype == np.uint8 and images.shape[1:] == (10, 12, 3)
        assert images.flags.writeable and images.flags.c_contiguous


def test_unshuffled_order_is_the_sorted_order(augment, data):
    root, expected = data
    batches = collect(Loader(root, 3, IDENTITY_PIPELINE, executable=augment, with_place=True))
    assert [i for _, _, ids, _, _ in batches for i in ids] == sorted(expected)


def test_same_seed_same_batches_whatever_the_executor_different_seed_different(augment, data):
    root, _ = data

    def run(seed, **options):
        loader = Loader(root, 4, RANDOM_PIPELINE, epochs=2, shuffle=True, seed=seed, executable=augment, **options)
        return [(images, labels) for images, labels in loader]

    reference = run(11, executor="serial")
    for options in ({}, {"executor": "threads", "workers": 2}, {"executor": "processes", "workers": 2}):
        other = run(11, **options)
        assert len(other) == len(reference)
        for (images, labels), (ref_images, ref_labels) in zip(other, reference):
            assert images.tobytes() == ref_images.tobytes(), options
            np.testing.assert_array_equal(labels, ref_labels)
    different = run(12, executor="serial")
    assert any(not np.array_equal(a[1], b[1]) or a[0].tobytes() != b[0].tobytes() for a, b in zip(different, reference))


def test_shuffled_orders_depend_on_the_seed(augment, data):
    root, _ = data

    def order(seed):
        return [int(v) for images, _ in Loader(root, 10, IDENTITY_PIPELINE, shuffle=True, seed=seed, executable=augment)
                for v in images[:, 0, 0, 0]]

    assert order(5) == order(5)
    assert order(5) != order(6)


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="the ring needs os.memfd_create (Linux)")
@pytest.mark.parametrize("executor", ["serial", "threads", "processes"])
def test_the_ring_and_the_pipe_deliver_the_same_batches(augment, data, executor):
    root, _ = data

    def run(transport, **options):
        loader = Loader(root, 3, RANDOM_PIPELINE, epochs=3, shuffle=True, seed=9, executable=augment,
                        executor=executor, transport=transport, with_place=True, **options)
        return [(images.tobytes(), images.shape, labels.tolist(), place) for images, labels, place in loader]

    for options in ({}, {"layout": "nchw", "dtype": "float32"}):
        ring = run("ring", **options)
        assert len(ring) == 12  # 10 samples in batches of 3, 3 epochs: more batches than ring slots
        assert ring == run("pipe", **options)


def test_a_cache_gives_the_batches_of_its_folder(augment, data, tmp_path):
    root, _ = data
    cache = tmp_path / "data.augc"
    built = subprocess.run([augment, "cache", str(root), "--out", str(cache), "--quiet"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr

    def run(dataset, **options):
        loader = Loader(dataset, 4, RANDOM_PIPELINE, epochs=2, shuffle=True, seed=5, executable=augment, **options)
        return loader.classes, [(images.tobytes(), labels.tolist()) for images, labels in loader]

    assert run(cache) == run(root)
    assert run(cache, executor="processes", workers=2) == run(root)
    # A cache of other files than the folder now holds is refused, with the child's message.
    write_png(root / "dog" / "late.png", np.zeros((10, 12, 3), np.uint8))
    with pytest.raises(AugmentError, match="late.png was added"):
        run(cache)


def test_set_epoch_and_epochs_per_iteration(augment, data):
    root, _ = data
    loader = Loader(root, 5, IDENTITY_PIPELINE, epochs=2, shuffle=True, executable=augment, with_place=True)
    first = collect(loader)
    second = collect(loader)
    assert {e for e, *_ in first} == {0, 1} and {e for e, *_ in second} == {2, 3}
    loader.set_epoch(1)
    again = collect(loader)
    assert {e for e, *_ in again} == {1, 2}
    assert [ids for e, _, ids, _, _ in again if e == 1] == [ids for e, _, ids, _, _ in first if e == 1]


@pytest.mark.parametrize("shuffle", [False, True])
def test_shards_are_disjoint_and_cover_the_dataset(augment, data, shuffle):
    root, expected = data
    world = 3
    loaders = [Loader(root, 2, IDENTITY_PIPELINE, epochs=2, shuffle=shuffle, seed=1, shard=(rank, world),
                      executable=augment, with_place=True) for rank in range(world)]
    assert sum(loader.samples for loader in loaders) == len(expected)
    per_rank = [collect(loader) for loader in loaders]
    for epoch in range(2):
        parts = [[i for e, _, ids, _, _ in batches if e == epoch for i in ids] for batches in per_rank]
        for a in range(world):
            assert len(parts[a]) == loaders[a].samples
            for b in range(a + 1, world):
                assert not set(parts[a]) & set(parts[b]), f"ranks {a} and {b} overlap in epoch {epoch}"
        assert sorted(i for part in parts for i in part) == sorted(expected)


def test_drop_last(augment, data):
    root, expected = data
    loader = Loader(root, 4, IDENTITY_PIPELINE, epochs=2, shuffle=True, drop_last=True, executable=augment, with_place=True)
    assert loader.batches_per_epoch == 2 and len(loader) == 4
    batches = collect(loader)
    assert [len(ids) for _, _, ids, _, _ in batches] == [4, 4, 4, 4]
    for epoch in range(2):
        seen = [i for e, _, ids, _, _ in batches if e == epoch for i in ids]
        assert len(set(seen)) == 8 and set(seen) <= set(expected)


def test_layout_nchw_is_nhwc_transposed(augment, data):
    root, _ = data
    options = dict(epochs=1, shuffle=True, seed=4, executable=augment)
    nhwc = list(Loader(root, 4, RANDOM_PIPELINE, **options))
    nchw = list(Loader(root, 4, RANDOM_PIPELINE, layout="nchw", **options))
    for (a, la), (b, lb) in zip(nhwc, nchw):
        assert b.shape == (a.shape[0], 3, 6, 8) and b.flags.c_contiguous
        np.testing.assert_array_equal(b, a.transpose(0, 3, 1, 2))
        np.testing.assert_array_equal(la, lb)


def test_float32_and_normalisation_match_numpy(augment, data, tmp_path):
    root, _ = data
    options = dict(epochs=1, shuffle=True, seed=9, executable=augment)
    raw = [images.astype(np.float64) for images, _ in Loader(root, 4, RANDOM_PIPELINE, **options)]

    floats = [images for images, _ in Loader(root, 4, RANDOM_PIPELINE, dtype="float32", **options)]
    for x, got in zip(raw, floats):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, x / 255, rtol=0, atol=1e-6)

    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    loader = Loader(root, 4, RANDOM_PIPELINE, normalize=(mean, std), **options)
    assert loader.dtype == "float32"
    for x, got in zip(raw, loader):
        assert got[0].dtype == np.float32
        np.testing.assert_allclose(got[0], (x / 255 - mean) / std, rtol=0, atol=1e-5)

    one = [images for images, _ in Loader(root, 4, RANDOM_PIPELINE, normalize="0.5,0.25", layout="nchw", **options)]
    for x, got in zip(raw, one):
        np.testing.assert_allclose(got, (x.transpose(0, 3, 1, 2) / 255 - 0.5) / 0.25, rtol=0, atol=1e-5)

    # augment stats --json: figures on the 0-255 scale, (x - mean) / std.
    stats = tmp_path / "stats.json"
    done = subprocess.run([augment, "stats", str(root), "--channels", "3", "--json", str(stats), "--quiet"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    figures = json.loads(stats.read_text())
    s_mean, s_std = np.array(figures["mean"]), np.array(figures["std"])
    for x, got in zip(raw, Loader(root, 4, RANDOM_PIPELINE, normalize=stats, **options)):
        np.testing.assert_allclose(got[0], (x - s_mean) / s_std, rtol=0, atol=1e-5)


def test_channels_one_and_four(augment, data):
    root, _ = data
    grey = next(iter(Loader(root, 10, IDENTITY_PIPELINE, channels=1, executable=augment)))[0]
    assert grey.shape == (10, 10, 12, 1)
    rgba = next(iter(Loader(root, 10, IDENTITY_PIPELINE, channels=4, layout="nchw", executable=augment)))[0]
    assert rgba.shape == (10, 4, 10, 12) and (rgba[:, 3] == 255).all()


def test_flat_folder_with_a_labels_csv(augment, tmp_path):
    root = tmp_path / "flat"
    rows = []
    for k in range(1, 7):
        write_png(root / f"x{k}.png", np.full((10, 12, 3), k, np.uint8))
        rows.append(f"x{k}.png,{k % 2}")
    csv = tmp_path / "labels.csv"
    csv.write_text("path,label\n" + "\n".join(rows) + "\n")
    loader = Loader(root, 4, IDENTITY_PIPELINE, labels=csv, executable=augment)
    assert loader.samples == 6
    seen = {int(images[i, 0, 0, 0]): int(labels[i]) for images, labels in loader for i in range(len(labels))}
    assert seen == {k: k % 2 for k in range(1, 7)}


def test_missing_dataset_raises_with_the_child_message(augment, tmp_path):
    with pytest.raises(AugmentError) as caught:
        Loader(tmp_path / "no-such-folder", 4, IDENTITY_PIPELINE, executable=augment)
    assert caught.value.returncode == 2
    assert "no-such-folder" in str(caught.value) and "error:" in str(caught.value)


def test_pipeline_without_a_fixed_size_raises(augment, data):
    root, _ = data
    # Refused when the loader is made (its --print-classes checks the pipeline), as a bad option.
    with pytest.raises(AugmentError, match="fixed output size") as caught:
        Loader(root, 4, {"transforms": [{"op": "hflip"}]}, executable=augment)
    assert caught.value.returncode == 64


def test_a_corrupt_image_is_skipped_with_a_warning_or_raises_when_strict(augment, data):
    root, expected = data
    (root / "dog" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nthis is not a png")
    loader = Loader(root, 4, IDENTITY_PIPELINE, executable=augment, forward_stderr=False)
    with pytest.warns(AugmentWarning, match="broken.png"):
        seen = [int(v) for images, _ in loader for v in images[:, 0, 0, 0]]
    assert sorted(seen) == sorted(expected)
    with pytest.raises(AugmentError, match="broken.png"):
        list(Loader(root, 4, IDENTITY_PIPELINE, executable=augment, strict=True, forward_stderr=False))


@pytest.mark.parametrize("executor", ["serial", "threads", "processes"])
def test_break_after_the_first_batch_leaves_no_process(augment, data, executor):
    root, _ = data
    loader = Loader(root, 1, RANDOM_PIPELINE, epochs=200, executor=executor, executable=augment)
    for _ in loader:
        pid = loader.pid
        workers = children_of(pid)
        break
    assert pid_gone(pid), f"augment batches ({pid}) is still there"
    for worker in workers:
        assert pid_gone(worker), f"worker process {worker} is still there"
    loader.close()


def test_close_stops_a_child_mid_run(augment, data):
    root, _ = data
    with Loader(root, 1, RANDOM_PIPELINE, epochs=200, executable=augment) as loader:
        iterator = iter(loader)
        next(iterator)
        pid = loader.pid
    assert pid_gone(pid)


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason=f"{SHARED_MNIST} is absent")
def test_mnist_subset(augment):
    pipeline = {"transforms": [{"op": "rotate", "angle": [-10, 10]}, {"op": "center_crop", "width": 28, "height": 28}]}
    loader = Loader(SHARED_MNIST / "train", 128, pipeline, channels=1, shuffle=True, layout="nchw",
                    normalize=(0.1307, 0.3081), executable=augment)
    assert loader.classes == [str(d) for d in range(10)] and loader.samples == 1000 and len(loader) == 8
    count = 0
    for images, labels in loader:
        assert images.shape[1:] == (1, 28, 28) and images.dtype == np.float32
        count += len(labels)
    assert count == 1000


REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_bundled_images(augment, capfd):
    """images/ has two class folders (shapes, textures) of two PNGs each, and six PNGs at its top,
    which are outside any class and left out, with a warning."""
    loader = Loader(REPOSITORY / "images", 3, REPOSITORY / "pipelines" / "standard.json", epochs=2, shuffle=True,
                    executable=augment)
    assert loader.classes == ["shapes", "textures"] and loader.samples == 4 and len(loader) == 4
    batches = list(loader)
    assert [len(labels) for _, labels in batches] == [3, 1, 3, 1]
    for images, labels in batches:
        assert images.shape[1:] == (96, 96, 3) and images.dtype == np.uint8 and images.flags.writeable
    for epoch in (0, 1):
        labels = np.concatenate([labels for _, labels in batches[2 * epoch:2 * epoch + 2]])
        assert sorted(labels.tolist()) == [0, 0, 1, 1], "each epoch: both images of each class once"
    assert "outside any class folder" in capfd.readouterr().err
