"""app/digits.py: the digits files the page reads decode to exactly the held-out and training splits."""
import numpy as np
import pytest

from app import digits
from builder.digits import mnist_split, write_digits


def test_the_files_the_page_reads_are_exactly_the_held_out_and_training_splits(tmp_path):
    train, held = mnist_split()
    write_digits(tmp_path)
    for name, part, count in (("digits-heldout.bin", held, 2000), ("digits-train.bin", train, 8000)):
        images, labels = digits.decode_digits((tmp_path / name).read_bytes())
        assert images.shape == (count, 24, 24) and images.dtype == np.float32
        np.testing.assert_array_equal(images, np.array([x for _, x in part], dtype=np.float32).reshape(-1, 24, 24))
        np.testing.assert_array_equal(labels, [d for d, _ in part])


@pytest.mark.parametrize("size", [0, 577 - 1, 2 * 577 + 3])
def test_a_file_of_the_wrong_size_is_named_in_one_sentence(size):
    with pytest.raises(ValueError, match=f"holds {size} bytes, not N×\\(24×24 \\+ 1\\)"):
        digits.decode_digits(bytes(size))
