#!/usr/bin/env python3
"""Writes hostile inputs for `latent detector fit --data` and `latent detector score`.

Usage: Scripts/hostile_files.py OUT GOOD_DETECTOR [GOOD_NEIGHBOURS [GOOD_SIGNAL]]

OUT/data/ gets data files (each fed to both commands); OUT/detectors/ gets copies of
GOOD_DETECTOR (a directory written by `latent detector fit` on 12-feature rows) with one
file made hostile (fed to `score`); GOOD_NEIGHBOURS (a nearest-neighbour detector on the same
rows, the default for tables) likewise, with its neighbours.npy or neighbour space made
hostile. GOOD_SIGNAL (a signal detector, `fit --signal` on one channel) likewise, with its
detector.json or reference.json made hostile (kind `signal`: scored against a signal).
Prints one line per case: kind, name, path, and the
file name the error must mention. Standard library only; nothing big is written (the
300 MB line is a sparse file, the gzip bomb repeats one small member).
"""
import gzip
import hashlib
import json
import os
import random
import shutil
import struct
import sys
import zlib

out, good = sys.argv[1], sys.argv[2]
near = sys.argv[3] if len(sys.argv) > 3 else None
signal = sys.argv[4] if len(sys.argv) > 4 else None
data, detectors = os.path.join(out, "data"), os.path.join(out, "detectors")
os.makedirs(data, exist_ok=True)
os.makedirs(detectors, exist_ok=True)
cases = []


def data_file(name, content=None):
    path = os.path.join(data, name)
    if content is not None:
        with open(path, "wb") as f:
            f.write(content)
    cases.append(("data", name, path, name))
    return path


rows = "\n".join(",".join(f"{(i * 7 + j) % 10 / 10:.1f}" for j in range(12)) for i in range(50)) + "\n"
packed = gzip.compress(rows.encode(), mtime=0)

# gzip: cut in half; a flipped byte inside the deflate stream; a bomb of one endless
# line (64 members of 16 MiB of zeros: 1 GiB inflated from about 1 MB).
data_file("truncated.csv.gz", packed[: len(packed) // 2])
corrupt = bytearray(packed)
corrupt[len(corrupt) // 2] ^= 0xFF
data_file("corrupt.csv.gz", bytes(corrupt))
member = gzip.compress(bytes(16 << 20), compresslevel=9, mtime=0)
data_file("bomb.csv.gz", member * 64)

# IDX whose three dimensions multiply past 2^64; npy whose shape claims 2^64 elements.
data_file("overflow.idx", struct.pack(">I3I", 0x0803, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + bytes(64))
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"
header += " " * (63 - (10 + len(header)) % 64) + "\n"
data_file("huge-shape.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + bytes(64))

# npz (issue 15): a member whose directory entry claims 4 GiB from a few hundred bytes;
# an archive cut in half; a member whose CRC-32 is wrong; an archive without the X array;
# a member compressed with bzip2 (method 12).
import io
import zipfile
def npz(members, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, payload in members:
            z.writestr(name, payload)
    return buffer.getvalue()
small_npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) + (
    "{'descr': '<f4', 'fortran_order': False, 'shape': (50, 12), }".ljust(117) + "\n").encode() + bytes(50 * 12 * 4)
good_npz = npz([("X.npy", small_npy)])
lying = bytearray(good_npz)
entry = lying.index(b"PK\x01\x02")
lying[entry + 24: entry + 28] = struct.pack("<I", 0xFFFFFFF0)
data_file("lying-size.npz", bytes(lying))
data_file("truncated.npz", good_npz[: len(good_npz) // 2])
bad_crc = bytearray(npz([("X.npy", small_npy)], zipfile.ZIP_STORED))
bad_crc[200] ^= 0x01
data_file("bad-crc.npz", bytes(bad_crc))
data_file("no-x.npz", npz([("features.npy", small_npy)]))
data_file("bzip2.npz", npz([("X.npy", small_npy)], zipfile.ZIP_BZIP2))
# Arrays whose values are NaN or infinite: refused as a CSV cell is (scored, a NaN row came
# out as NaN and was never flagged).
nan_rows = struct.pack("<600f", *([0.5] * 300 + [float("nan")] + [0.5] * 299))
data_file("nan.npy", small_npy[: len(small_npy) - len(nan_rows)] + nan_rows)
data_file("inf.npz", npz([("X.npy", small_npy[: len(small_npy) - 4] + struct.pack("<f", float("inf")))]))

# CSV: NaN cells; ragged rows; a 300 MB line with no newline (sparse); binary garbage;
# an empty file; a directory where a file should be.
data_file("nan.csv", (rows + ",".join(["nan"] * 12) + "\n").encode())
data_file("ragged.csv", (rows + "1,2,3\n").encode())
with open(data_file("long-line.csv"), "wb") as f:
    f.truncate(300 << 20)
data_file("garbage.csv", random.Random(7).randbytes(1 << 16))
data_file("empty.csv", b"")
os.makedirs(data_file("directory.csv"), exist_ok=True)


def detector(name, bad_file, change, source=None, kind="detector"):
    """A copy of the good detector (or `source`) with `change(dir)` applied; `bad_file` is
    the file the error must name."""
    path = os.path.join(detectors, name)
    shutil.copytree(source or good, path)
    change(path)
    cases.append((kind, name, path, bad_file))


def edit_json(path, edit):
    with open(path) as f:
        value = json.load(f)
    edit(value)
    with open(path, "w") as f:
        json.dump(value, f)


def manifest_model_outside(d):
    edit_json(os.path.join(d, "detector.json"), lambda m: m["files"].update(model="../model.json"))


def deeply_nested(d):
    with open(os.path.join(d, "detector.json"), "w") as f:
        f.write("[" * 200_000 + "]" * 200_000)


def mismatched_shapes(d):
    # The decoder reshapes its 12 outputs to [3, 4]: no longer the input's shape [12].
    def edit(model):
        model["architecture"]["autoencoder"]["decoder"]["sequential"]["_0"].append({"reshape": {"_0": [3, 4]}})
    edit_json(os.path.join(d, "model.json"), edit)


def weights(d, header, size=None, data=b""):
    """model.safetensors with `header` (bytes after the length field), padded so the file
    is at least as large as the original (the loader compares the parameter count with
    the file size first), and model.json's SHA-256 updated so the decoder is reached."""
    st = os.path.join(d, "model.safetensors")
    target = os.path.getsize(st)
    if size is None:
        body = header
        if len(body) + 8 + len(data) < target:
            body = body[:-1] + b" " * (target - 8 - len(data) - len(body)) + body[-1:]
        content = struct.pack("<Q", len(body)) + body + data
    else:
        content = struct.pack("<Q", size) + header
        content += b" " * max(0, target - len(content))
    with open(st, "wb") as f:
        f.write(content)
    digest = hashlib.sha256(content).hexdigest()
    edit_json(os.path.join(d, "model.json"), lambda m: m.update(weightsSHA256=digest))


def header_length_near_2_64(d):
    weights(d, b"{}", size=(1 << 64) - 16)


def overlapping_offsets(d):
    header = json.dumps({
        "a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
        "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]},
    }).encode()
    weights(d, header, data=bytes(24))


def shape_overflow(d):
    header = json.dumps({"a": {"dtype": "F32", "shape": [1 << 62, 8], "data_offsets": [0, 16]}}).encode()
    weights(d, header)


detector("det-dotdot-path", "detector.json", manifest_model_outside)
detector("det-deeply-nested", "detector.json", deeply_nested)
detector("det-mismatched-shapes", "model.json", mismatched_shapes)
detector("det-st-header-2^64", "model.safetensors", header_length_near_2_64)
detector("det-st-overlap", "model.safetensors", overlapping_offsets)
detector("det-st-shape-overflow", "model.safetensors", shape_overflow)


def npy_bytes(shape, values=b"", descr="<f4"):
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {tuple(shape)}, }}"
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + values


def write_rows(d, content):
    with open(os.path.join(d, "neighbours.npy"), "wb") as f:
        f.write(content)


def truncated_rows(d):
    path = os.path.join(d, "neighbours.npy")
    with open(path, "rb") as f:
        head = f.read(200)
    write_rows(d, head)


def space(d, edit):
    edit_json(os.path.join(d, "detector.json"), lambda m: edit(m["neighbour_space"]) if edit else m.pop("neighbour_space"))


if near:
    detector("det-nn-truncated", "neighbours.npy", truncated_rows, near)
    detector("det-nn-huge-shape", "neighbours.npy", lambda d: write_rows(d, npy_bytes((1 << 40, 12), bytes(64))), near)
    detector("det-nn-wrong-width", "neighbours.npy", lambda d: write_rows(d, npy_bytes((5, 3), bytes(60))), near)
    detector("det-nn-nan", "neighbours.npy",
             lambda d: write_rows(d, npy_bytes((2, 12), struct.pack("<24f", *([float("nan")] * 24)))), near)
    detector("det-nn-no-space", "detector.json", lambda d: space(d, None), near)
    detector("det-nn-zero-spread", "detector.json", lambda d: space(d, lambda m: m["spread"].__setitem__(0, 0)), near)


def signal_case(name, bad_file, edit):
    """A copy of the good signal detector with `edit(value)` applied to `bad_file`'s JSON."""
    detector(name, bad_file, lambda d: edit_json(os.path.join(d, bad_file), edit), signal, kind="signal")


def configuration(key, value):
    return lambda m: m["configuration"].__setitem__(key, value)


if signal:
    # Views and divisors that do not agree; a view that does not exist; scaling, blocks and
    # divisors that would divide by zero or index past the channels; a ragged reference.
    signal_case("sig-views-norms", "detector.json", lambda m: m.__setitem__("norms", m["norms"][:4]))
    signal_case("sig-unknown-view", "detector.json", configuration("views", ["slope"]))
    signal_case("sig-no-views", "detector.json", configuration("views", []))
    signal_case("sig-no-scaler", "detector.json", lambda m: m.__setitem__("scalerMean", []))
    signal_case("sig-zero-std", "detector.json", lambda m: m["scalerStd"].__setitem__(0, 0))
    signal_case("sig-zero-block", "detector.json", lambda m: m.__setitem__("blockSize", 0))
    signal_case("sig-zero-divisor", "detector.json", lambda m: m["norms"][0].__setitem__("z", 0))
    signal_case("sig-huge-window", "detector.json", lambda m: m.__setitem__("windowBlocks", [1 << 40] * 4))
    signal_case("sig-ragged-reference", "reference.json", lambda m: m["reference"].append([0.0]))
    detector("sig-truncated-reference", "reference.json",
             lambda d: open(os.path.join(d, "reference.json"), "r+b").truncate(100), signal, kind="signal")

for kind, name, path, names in cases:
    print(f"{kind}\t{name}\t{path}\t{names}")
