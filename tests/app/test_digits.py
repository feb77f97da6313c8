"""app/digits.py: the held-out digits file the page reads decodes to exactly the held-out split."""
import numpy as np
import pytest

from app import digits
from builder.digits import mnist_split, write_digits


def test_the_held_out_file_the_page_reads_is_exactly_the_held_out_split(tmp_path):
    _, held = mnist_split()
    write_digits(tmp_path)
    images, labels = digits.decode_heldout((tmp_path / "digits-heldout.bin").read_bytes())
    assert images.shape == (2000, 24, 24) and images.dtype == np.float32
    np.testing.assert_array_equal(images, np.array([x for _, x in held], dtype=np.float32).reshape(-1, 24, 24))
    np.testing.assert_array_equal(labels, [d for d, _ in held])


@pytest.mark.parametrize("size", [0, 577 - 1, 2 * 577 + 3])
def test_a_file_of_the_wrong_size_is_named_in_one_sentence(size):
    with pytest.raises(ValueError, match=f"holds {size} bytes, not N×\\(24×24 \\+ 1\\)"):
        digits.decode_heldout(bytes(size))
