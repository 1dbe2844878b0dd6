"""Read a model's config out of a .keras / .h5 / .json file ourselves, with caps, before Keras.

Keras's own loaders open the whole file and build what it names; an uploaded file is
hostile until shown otherwise. So this module only reads bytes: it checks that the
content is what the extension says (a zip archive, an HDF5 file, JSON text), reads
nothing but the config (and the small metadata.json) with hard size caps that hold
even when an archive's headers lie (a zip bomb is cut off after MAX_CONFIG_BYTES), and
refuses JSON nested deeper than MAX_DEPTH before `json.loads` recurses into it.
model.weights.h5 is never opened: the editor imports structure only.

No Keras, no TensorFlow; h5py is imported only for .h5 files. Every failure is a
`ModelFileError` with one line naming the file and the problem.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from editor.files import large_constants, safe_json
from editor.errors import UserError
from editor.model.problems import one_line

MAX_CONFIG_BYTES = 16 * 1024 * 1024  # ResNet50's config is 0.17 MB, DenseNet121's 0.4 MB
MAX_METADATA_BYTES = 64 * 1024
MAX_MEMBERS = 1_000
MAX_RATIO = 100  # uncompressed / compressed, for the members we read (JSON compresses ~10x)
MAX_TOTAL_BYTES = 64 * 1024 ** 3  # declared size of the whole archive, weights included
MAX_DEPTH = 100  # a functional model nested ten deep needs about 50

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
FORMATS = {".keras": "zip", ".h5": "hdf5", ".hdf5": "hdf5", ".json": "json"}
_WHAT = {"zip": "a zip archive", "hdf5": "an HDF5 file", "json": "JSON text"}
_EXPECTED = {"zip": "a .keras archive (a zip file)", "hdf5": "an HDF5 file", "json": "JSON text"}


class ModelFileError(UserError):
    """A model file (or config) that is refused, with a one-line reason.

    Names in the reason come from the file: line breaks and control characters (a
    terminal escape sequence in a layer name) are shown escaped, and the line is capped.
    """

    def __init__(self, message: str):
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(message))
        super().__init__(text if len(text) <= 600 else text[:599] + "…")


@dataclass(frozen=True)
class ModelFile:
    """What was read: the parsed config, the format it came in, and Keras's version if stated."""

    config: dict
    format: str  # "zip", "hdf5" or "json"
    keras_version: Optional[str] = None
    notes: tuple[str, ...] = ()  # what was changed on the way in (a large constant dropped)


def sniff(head: bytes) -> Optional[str]:
    """The format the first bytes say: "zip", "hdf5", "json" or None."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(HDF5_MAGIC):
        return "hdf5"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    return None


def read_model_file(path: Union[str, Path]) -> ModelFile:
    """The config held by a .keras, .h5/.hdf5 or .json file; ModelFileError if refused (the
    caller names the file: an upload's name is not the name on disk)."""
    path = Path(path)
    expected = FORMATS.get(path.suffix.lower())
    if expected is None:
        raise ModelFileError("unknown kind of file; import a .keras, .h5 or .json file")
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as err:
        raise ModelFileError(err.strerror or str(err)) from None
    if not head:
        raise ModelFileError("the file is empty")
    actual = sniff(head)
    if actual != expected:
        found = f"it holds {_WHAT[actual]}" if actual else "its content is none of .keras, HDF5 or JSON"
        raise ModelFileError(f"not {_EXPECTED[expected]}: {found}")
    return {"zip": _read_zip, "hdf5": _read_hdf5, "json": _read_json}[expected](path)


def _read_json(path: Path) -> ModelFile:
    size = path.stat().st_size
    if size > large_constants.MAX_TEXT_BYTES:
        raise ModelFileError(f"config too large ({size:,} bytes; limit {large_constants.MAX_TEXT_BYTES:,})")
    with path.open("rb") as handle:  # read(n) sets n bytes aside first: not the whole limit for a small file
        data = handle.read(min(size, large_constants.MAX_TEXT_BYTES) + 1)
    config, notes = _config_without_large_constants(data)
    version = config.get("keras_version") if isinstance(config.get("keras_version"), str) else None
    return ModelFile(config, "json", version, notes)


def _config_without_large_constants(data: bytes, what: str = "config") -> tuple[dict, tuple[str, ...]]:
    """The config of text over MAX_CONFIG_BYTES only because of Constant initializers'
    values (editor.files.large_constants): parsed without them, and notes saying so."""
    if len(data) <= MAX_CONFIG_BYTES:
        return parse_config(data, what), ()
    reduced, sizes = large_constants.take_out(data)
    if len(reduced) > MAX_CONFIG_BYTES:
        raise ModelFileError(f"{what} too large ({len(reduced):,} bytes without its large constants; "
                             f"limit {MAX_CONFIG_BYTES:,})")
    config = parse_config(reduced, what)
    try:
        return config, tuple(large_constants.restore_defaults(config, sizes))
    except large_constants.ConstantRefused as err:
        raise ModelFileError(str(err)) from None


def _read_zip(path: Path) -> ModelFile:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_members(infos, path.stat().st_size)
            names = [info.filename for info in infos]
            if "config.json" not in names:
                raise ModelFileError("the archive has no config.json (is it a weights-only file?)")
            config, notes = _config_without_large_constants(
                _read_member(archive, "config.json", large_constants.MAX_TEXT_BYTES), "config.json")
            version = None
            if "metadata.json" in names:
                metadata = parse_config(_read_member(archive, "metadata.json", MAX_METADATA_BYTES), "metadata.json")
                version = metadata.get("keras_version") if isinstance(metadata.get("keras_version"), str) else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as err:
        raise ModelFileError(f"damaged or truncated archive ({one_line(err, limit=200)})") from None
    return ModelFile(config, "zip", version, notes)


def _check_members(infos: list[zipfile.ZipInfo], archive_size: int) -> None:
    """Member count, duplicate names and declared sizes, before anything is inflated."""
    if len(infos) > MAX_MEMBERS:
        raise ModelFileError(f"the archive has {len(infos):,} members; a .keras file has a handful (limit {MAX_MEMBERS:,})")
    names = [info.filename for info in infos]
    for name in ("config.json", "metadata.json"):
        if names.count(name) > 1:
            raise ModelFileError(f"the archive holds {name} twice")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise ModelFileError(f"the archive declares {total:,} bytes uncompressed (limit {MAX_TOTAL_BYTES:,})")


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, never more than `limit` inflated, whatever its header claims."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ModelFileError(f"{name} is {info.file_size:,} bytes uncompressed (limit {limit:,})")
    if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise ModelFileError(f"{name} inflates {ratio:,} times (limit {MAX_RATIO}): refused as a zip bomb")
    with archive.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:  # the header lied about the size
        raise ModelFileError(f"{name} inflates past {limit:,} bytes: refused as a zip bomb")
    if len(data) > 1024 * 1024 and len(data) > MAX_RATIO * max(info.compress_size, 1):
        raise ModelFileError(f"{name} inflates {len(data) // max(info.compress_size, 1):,} times: refused as a zip bomb")
    return data


def _read_hdf5(path: Path) -> ModelFile:
    """The `model_config` attribute at the file's root (Keras's legacy .h5 format)."""
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            if "model_config" not in handle.attrs:
                raise ModelFileError("no model_config in the file (a weights-only .h5 holds no model to import)")
            attribute = h5py.h5a.open(handle.id, b"model_config")
            if attribute.get_storage_size() > MAX_CONFIG_BYTES:
                raise ModelFileError(f"model_config too large (limit {MAX_CONFIG_BYTES:,} bytes)")
            raw = handle.attrs["model_config"]
            version = handle.attrs.get("keras_version")
    except ModelFileError:
        raise
    except Exception as err:  # h5py raises OSError, KeyError, ValueError... for damaged files
        raise ModelFileError(f"damaged or truncated HDF5 file ({one_line(err, limit=200)})") from None
    if hasattr(raw, "tolist"):  # a numpy scalar or array of strings
        raw = raw.tolist()
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if not isinstance(raw, (str, bytes)):
        raise ModelFileError("model_config is not text")
    version = version.decode("utf-8", "replace") if isinstance(version, bytes) else version
    return ModelFile(parse_config(raw, "model_config"), "hdf5", version if isinstance(version, str) else None)


# ----------------------------------------------------------------------------- JSON


def parse_config(data: Union[str, bytes], what: str = "config") -> dict:
    """A JSON object from text: size cap, UTF-8, depth cap, then json.loads (editor.files.safe_json)."""
    wording = {
        "size": f"{what} too large ({{size:,}} bytes; limit {{limit:,}})",
        "encoding": f"{what} is not UTF-8 text (byte {{byte}})",
        "depth": "the config is nested deeper than {limit} levels",
        "syntax": f"{what} is not valid JSON: {{detail}}",
        "value": f"{what} is not usable JSON: {{detail}}",
    }
    try:
        value = safe_json.load(data, MAX_CONFIG_BYTES, MAX_DEPTH, encoding="utf-8-sig")
    except safe_json.JSONRefused as refused:
        raise ModelFileError(refused.say(wording)) from None
    if not isinstance(value, dict):
        raise ModelFileError(f"{what} must hold a JSON object")
    return value
