"""NumPy batches of augmented images from swift-augment's ``augment batches``.

- :func:`read_array` reads one standard ``.npy`` array from a pipe (or any binary stream).
- :class:`Loader` runs ``augment batches DATASET ... --out -`` and yields ``(images, labels)``.
"""

from .loader import AugmentError, AugmentWarning, Loader, find_executable
from .stream import StreamError, read_array

__all__ = ["AugmentError", "AugmentWarning", "Loader", "StreamError", "find_executable", "read_array"]
__version__ = "0.2.0"
