"""PEP 517 build backend for the kam package: no setuptools, no wheel, nothing to download.

`pip install ./bindings/python` (or `pip wheel`) from a clone builds libkam with CMake (a C11
compiler and CMake 3.16+ are all it needs; library only) and puts the shared object into the
package as kam/libkam.so.0, which kam/_native.py loads first, so `import kam` works with no
environment variable. With KAM_NO_BUNDLE=1, or without the libkam source tree two folders up, the
wheel is pure Python and loads the installed libkam (ldconfig's path) instead; $KAM_LIBRARY
always overrides. The version is the one in libkam's CMakeLists.txt.
"""
import base64
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sysconfig
import tempfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
NAME = "kam"
SUMMARY = ("Key account management: finance, segmentation, stakeholder typing, proposals "
           "(ctypes binding to libkam)")


def _version():
    try:
        with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
            m = re.search(r"project\(kam VERSION ([0-9.]+)", f.read())
        if m:
            return m.group(1)
    except OSError:
        pass
    return "0.1.0"


def _bundle():
    return (os.environ.get("KAM_NO_BUNDLE", "") in ("", "0")
            and os.path.isfile(os.path.join(ROOT, "CMakeLists.txt"))
            and os.path.isfile(os.path.join(ROOT, "include", "kam.h")))


def _metadata():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nLicense: MIT\n"
            "Requires-Python: >=3.8\nProvides-Extra: numpy\n"
            "Requires-Dist: numpy; extra == \"numpy\"\nProvides-Extra: pandas\n"
            "Requires-Dist: pandas; extra == \"pandas\"\n"
            "Description-Content-Type: text/markdown\n\n%s" % (NAME, _version(), SUMMARY, readme))


def _tag():
    if not _bundle():
        return "py3-none-any"
    return "py3-none-" + sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _build_libkam(dest):
    """Builds libkam (library only) and copies its shared object to dest."""
    with tempfile.TemporaryDirectory(prefix="kam-build-") as build:
        subprocess.check_call([
            "cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
            "-DKAM_BUILD_TESTS=OFF", "-DKAM_BUILD_EXAMPLES=OFF", "-DKAM_BUILD_LUA=OFF",
            "-DKAM_BUILD_BENCH=OFF", "-DKAM_INSTALL=OFF"], stdout=subprocess.DEVNULL)
        subprocess.check_call(["cmake", "--build", build, "--target", "kam", "-j",
                               str(os.cpu_count() or 2)], stdout=subprocess.DEVNULL)
        built = [p for p in glob.glob(os.path.join(build, "libkam.so.*")) if not os.path.islink(p)]
        if len(built) != 1:
            raise RuntimeError("the libkam build produced %r, expected one libkam.so.X.Y.Z" % built)
        shutil.copyfile(built[0], dest)


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def _dist_info():
    return "%s-%s.dist-info" % (NAME, _version())


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = os.path.join(metadata_directory, _dist_info())
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata())
    return _dist_info()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = []  # (arcname, bytes)
    pkg = os.path.join(HERE, NAME)
    for path in sorted(glob.glob(os.path.join(pkg, "*.py"))):
        with open(path, "rb") as f:
            files.append((NAME + "/" + os.path.basename(path), f.read()))
    if _bundle():
        with tempfile.TemporaryDirectory(prefix="kam-lib-") as tmp:
            so = os.path.join(tmp, "libkam.so.0")
            _build_libkam(so)
            with open(so, "rb") as f:
                files.append((NAME + "/libkam.so.0", f.read()))
    info = _dist_info()
    wheel = "Wheel-Version: 1.0\nGenerator: kam_build\nRoot-Is-Purelib: %s\nTag: %s\n" % (
        "false" if _bundle() else "true", _tag())
    files += [(info + "/METADATA", _metadata().encode()), (info + "/WHEEL", wheel.encode()),
              (info + "/top_level.txt", (NAME + "\n").encode())]
    record = "\n".join(_record_line(a, d) for a, d in files) + "\n%s/RECORD,,\n" % info
    name = "%s-%s-%s.whl" % (NAME, _version(), _tag())
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for arcname, data in files:
            z.writestr(zipfile.ZipInfo(arcname, (2020, 1, 1, 0, 0, 0)), data,
                       zipfile.ZIP_DEFLATED)
        z.writestr(info + "/RECORD", record)
    return name


def build_sdist(sdist_directory, config_settings=None):
    raise NotImplementedError("build the wheel from a libkam clone: pip install ./bindings/python")
