"""builder/wheel.py: the app wheel."""
import base64
import hashlib
import zipfile

from builder.wheel import build_wheel


def test_the_app_wheel_holds_the_package_and_a_correct_record(tmp_path):
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "app/ops.py" in names and "app/api.py" in names
        assert not any("__pycache__" in n for n in names)
        record = z.read(next(n for n in names if n.endswith("RECORD"))).decode().splitlines()
        for line in record:
            path, digest, size = line.split(",")
            if not digest:
                continue
            data = z.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={expected}" and int(size) == len(data)
    assert build_wheel(tmp_path / "again").read_bytes() == wheel.read_bytes()  # reproducible
