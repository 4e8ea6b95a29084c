"""What the table tools read from PyPI: a project's JSON, which wheel pip would pick, a wheel's files.

Shared by `module_distributions.py` and `wheel_index.py` (they import it as `pypi`, being run as
scripts from `tools/`). Only the JSON API (`https://pypi.org/pypi/<name>/json`) and the files it
links to are read, at build time; nbport itself never goes on the network.

A wheel's file names are read without downloading the wheel: a zip keeps the list of its files in
the "central directory" at its end, and `zipfile` reads only that (and the record pointing to it)
when it opens an archive. `RemoteFile` hands `zipfile` a file whose reads are HTTP range requests,
so a 530 MB torch wheel costs two requests of a few hundred kilobytes.

Tags follow the rules pip applies on Colab's machine (`pip download --python-version 3.13
--platform manylinux_2_35_x86_64 ...`), by `packaging.tags`: CPython wheels for that version
(`cp313-cp313`), the stable ABI of that or an older version (`cp3X-abi3`), pure wheels
(`py3-none-any`), on `manylinux` x86-64 up to glibc 2.35 (Ubuntu 22.04, Colab's system).
"""

from __future__ import annotations

import io
import json
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

PYPI_JSON = "https://pypi.org/pypi/{name}/json"
#: Colab's glibc (Ubuntu 22.04): the newest `manylinux_2_X` it runs.
GLIBC = (2, 35)
#: The old names of manylinux levels (PEP 600 keeps them valid).
LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}
USER_AGENT = "nbport-table-tools (build-time metadata for nbport's shipped tables)"


def linux_platforms(glibc: tuple[int, int] = GLIBC) -> list[str]:
    """The platform tags pip accepts on x86-64 Linux with `glibc`, most specific first."""
    platforms = []
    for minor in range(glibc[1], 4, -1):
        platforms.append(f"manylinux_2_{minor}_x86_64")
        legacy = LEGACY_MANYLINUX.get((2, minor))
        if legacy:
            platforms.append(f"{legacy}_x86_64")
    platforms.append("linux_x86_64")
    return platforms


@cache
def supported_tags(python: tuple[int, int]) -> tuple[Tag, ...]:
    """The wheel tags pip installs on Colab's Linux for CPython `python`, most preferred first."""
    platforms = linux_platforms()
    cp = f"cp{python[0]}{python[1]}"
    return (
        *cpython_tags(python, abis=[cp], platforms=platforms),
        *compatible_tags(python, interpreter=cp, platforms=platforms),
    )


def wheel_tags(filename: str) -> frozenset[Tag] | None:
    """The tags of a wheel file name; None for a name that is no valid wheel name."""
    try:
        return parse_wheel_filename(filename)[3]
    except InvalidWheelFilename:
        return None


def is_pure(filename: str) -> bool:
    """Whether a wheel is pure Python (every tag `*-none-any`): its sdist needs no compiler."""
    tags = wheel_tags(filename)
    return bool(tags) and all(tag.abi == "none" and tag.platform == "any" for tag in tags or ())


def python_allowed(requires_python: str | None, python: tuple[int, int]) -> bool:
    """Whether a file's `Requires-Python` admits `python` (an unreadable one admits it, as pip
    ignores it with a warning)."""
    if not requires_python:
        return True
    try:
        return SpecifierSet(requires_python).contains(f"{python[0]}.{python[1]}", prereleases=True)
    except InvalidSpecifier:
        return True


def wheel_rank(filename: str, python: tuple[int, int]) -> int | None:
    """How much pip prefers the wheel on `python` (lower: more), None when it cannot install it."""
    tags = wheel_tags(filename)
    if not tags:
        return None
    ranks = [index for index, tag in enumerate(supported_tags(python)) if tag in tags]
    return min(ranks) if ranks else None


def installable_wheels(
    files: Iterable[Mapping[str, Any]], python: tuple[int, int]
) -> list[Mapping[str, Any]]:
    """The wheels among a release's `files` (PyPI JSON records) that pip installs on `python`,
    best first."""
    ranked = []
    for record in files:
        if record.get("packagetype") != "bdist_wheel":
            continue
        rank = wheel_rank(record["filename"], python)
        if rank is not None and python_allowed(record.get("requires_python"), python):
            ranked.append((rank, record["filename"], record))
    return [record for _, _, record in sorted(ranked, key=lambda item: item[:2])]


# -- the network


class PyPI:
    """Reads the JSON API, each project once per run; `cache` (a folder) keeps the answers across
    runs while a table is being worked on. Missing projects are None."""

    def __init__(self, cache: Path | None = None, retries: int = 3) -> None:
        self.cache = cache
        self.retries = retries
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)

    def project(self, name: str) -> dict[str, Any] | None:
        """`https://pypi.org/pypi/<name>/json`, with every file's `url` made absolute."""
        cached = self.cache / f"{name.lower()}.json" if self.cache is not None else None
        if cached is not None and cached.exists():
            data: dict[str, Any] | None = json.loads(cached.read_text(encoding="utf-8"))
            return data
        url = PYPI_JSON.format(name=urllib.parse.quote(name))
        try:
            body = self.get(url)
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            data = None
        else:
            data = json.loads(body)
            for files in data.get("releases", {}).values():
                for record in files:
                    record["url"] = urllib.parse.urljoin(url, record["url"])
            data.pop("urls", None)  # the newest release's files, also under `releases`
            data.pop("vulnerabilities", None)
        if cached is not None:
            cached.write_text(json.dumps(data), encoding="utf-8")
        return data

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> bytes:
        """The body at `url`, retried on network errors and server errors."""
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
        for attempt in range(self.retries):
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    body: bytes = response.read()
                    return body
            except urllib.error.HTTPError as error:
                if error.code < 500 or attempt == self.retries - 1:
                    raise
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                if attempt == self.retries - 1:
                    raise
            time.sleep(2**attempt)
        raise AssertionError("unreachable")

    def range_reader(self, url: str) -> Callable[[int, int], bytes]:
        """A function reading bytes `[start, end)` of `url` with one range request."""

        def read(start: int, end: int) -> bytes:
            return self.get(url, {"Range": f"bytes={start}-{end - 1}"})

        return read


class RemoteFile(io.RawIOBase):
    """A read-only file of `size` bytes whose reads are `read_range(start, end)` calls, read ahead
    in blocks of `block` bytes, so that `zipfile` reading a central directory costs a request or
    two."""

    def __init__(
        self, size: int, read_range: Callable[[int, int], bytes], block: int = 1 << 18
    ) -> None:
        super().__init__()
        self.size = size
        self.read_range = read_range
        self.block = block
        self.position = 0
        self.requests = 0
        self._buffer_start = 0
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, target: Any) -> int:
        wanted = min(len(target), self.size - self.position)
        if wanted <= 0:
            return 0
        end = self.position + wanted
        buffer_end = self._buffer_start + len(self._buffer)
        if not (self._buffer_start <= self.position and end <= buffer_end):
            # Read ahead, and towards the end: the central directory runs up to the file's end.
            start = self.position
            stop = min(self.size, max(end, start + self.block))
            self._buffer = self.read_range(start, stop)
            self._buffer_start = start
            self.requests += 1
        offset = self.position - self._buffer_start
        target[:wanted] = self._buffer[offset : offset + wanted]
        self.position = end
        return wanted


def zip_names(size: int, read_range: Callable[[int, int], bytes]) -> list[str]:
    """The file names of a zip archive (a wheel) of `size` bytes read through `read_range`: only its
    end and its central directory are read."""
    remote = RemoteFile(size, read_range)
    # Start with the last block: the end record and, for most wheels, the whole directory.
    remote.seek(max(0, size - remote.block))
    remote.read(1)
    with zipfile.ZipFile(io.BufferedReader(remote, buffer_size=1 << 16)) as archive:
        return archive.namelist()


def archive_files(filename: str, content: bytes, wanted: str) -> dict[str, bytes | None]:
    """The file names of an sdist (a `.tar.gz`, `.tar.bz2` or `.zip`), with the contents of those
    whose name ends with `wanted` (None for the others)."""
    files: dict[str, bytes | None] = {}
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                files[name] = archive.read(name) if name.endswith(wanted) else None
        return files
    with tarfile.open(fileobj=io.BytesIO(content)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            extracted = tar.extractfile(member) if member.name.endswith(wanted) else None
            files[member.name] = extracted.read() if extracted is not None else None
    return files


def sdist_modules(filename: str, content: bytes) -> list[str] | None:
    """What an sdist installs, from its metadata: the `top_level.txt` of its `*.egg-info`
    (setuptools writes the packages and modules the built distribution installs there), else
    the packages its layout holds (`x-1.0/pkg/__init__.py`, `x-1.0/src/pkg/__init__.py`: build
    systems such as meson leave no `top_level.txt`); None when neither says."""
    files = archive_files(filename, content, ".egg-info/top_level.txt")
    top_level = [name for name, text in files.items() if text is not None]
    if top_level:
        # The shallowest is the project's own (`x-1.0/x.egg-info`, `x-1.0/src/x.egg-info`).
        chosen = min(top_level, key=lambda name: (name.count("/"), name))
        text = (files[chosen] or b"").decode("utf-8", "replace")
        return [line.strip() for line in text.splitlines() if line.strip()]
    packages = set()
    for name in files:
        parts = name.split("/")[1:]  # below the sdist's own folder
        if parts[:1] == ["src"]:
            parts = parts[1:]
        if len(parts) == 2 and parts[1] == "__init__.py" and parts[0].isidentifier():
            packages.add(parts[0])
    return sorted(packages) or None


__all__ = [
    "PyPI",
    "RemoteFile",
    "installable_wheels",
    "is_pure",
    "linux_platforms",
    "python_allowed",
    "sdist_modules",
    "supported_tags",
    "wheel_rank",
    "wheel_tags",
    "zip_names",
]
