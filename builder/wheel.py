"""The compute core (app/) as a pure-Python wheel, the same bytes from the same source."""
import base64
import hashlib
import zipfile

from builder import ROOT, stop

APP_DIST_NAME = "convexplorer"


def app_version():
    for line in (ROOT / "app" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=")[1].strip().strip("\"'")
    stop("app/__init__.py has no __version__")


def build_wheel(out_dir):
    """Zip app/ into a pure-Python wheel (the format is a zip with three metadata files).

    Returns the wheel's path. Timestamps are fixed so the same source gives the same bytes.
    """
    version = app_version()
    name = f"{APP_DIST_NAME}-{version}-py3-none-any.whl"
    dist_info = f"{APP_DIST_NAME}-{version}.dist-info"
    files = {}
    for path in sorted((ROOT / "app").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    files[f"{dist_info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {APP_DIST_NAME}\nVersion: {version}\n"
                                      "Summary: Convolution Explorer's compute core\n").encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for arc, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arc},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / name
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for arc, data in files.items():
            z.writestr(zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return wheel
