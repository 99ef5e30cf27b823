"""Runs `latent detector score DIR --input -` on one partition's rows (on an executor).

One process per partition, so the detector is loaded once. The binary writes exactly one
record per non-blank line, in input order, numbered 0, 1, 2, …: the row ids are matched
back to the records in order, and the record numbers are checked so a lost or extra line
stops the job instead of shifting every later row.
"""

import os
import re
import stat
import subprocess
import tempfile

# Output columns of the binary (CSV), mapped to types; the job turns the header it reads
# from the binary into a Spark schema with these.
FLOAT_COLUMNS = {"score", "threshold"}
DOUBLE_COLUMNS = {"p_value", "p_value_conditional"}
BOOL_COLUMNS = {"anomaly"}


def resolve(paths, what):
    """A file or directory on shared storage, unpacked by --archives, or shipped with
    --files/addFile: the first of `paths` that exists here, then SparkFiles' directory."""
    for path in paths:
        if os.path.exists(path):
            return os.path.abspath(path)
    from pyspark import SparkFiles

    shipped = os.path.join(SparkFiles.getRootDirectory(),
                           os.path.basename(paths[-1].rstrip("/")))
    if os.path.exists(shipped):
        return shipped
    tried = ", ".join(os.path.abspath(p) for p in paths)
    raise FileNotFoundError(
        f"{what} is not on this executor (tried {tried} and {shipped}); put it on shared "
        "storage, ship it with --files or --archives, or leave out --no-ship")


def executable(path):
    """The binary, made executable if shipping lost its mode bits."""
    if not os.access(path, os.X_OK):
        try:
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        except OSError as error:
            raise PermissionError(f"the latent binary {path} is not executable: {error}")
    return path


def score_command(binary, detector, options):
    """The streaming scoring command; the job has already dropped blank and header lines."""
    return [binary, "detector", "score", detector, "--input", "-", "--no-header",
            "--output-format", "csv"] + list(options)


def parse_field(name, text):
    """One CSV field of a record as the Python value of its Spark column."""
    if text == "":
        return None
    if name in FLOAT_COLUMNS or name in DOUBLE_COLUMNS or name.startswith("error_"):
        return float(text)
    if name in BOOL_COLUMNS or name == "discovery":
        return text == "true"
    if name == "error":
        # "line N: …" counts lines of this partition's spool; the row's index says which row.
        return re.sub(r"^line [0-9]+: ", "", text)
    return text


def split_record(line):
    """Splits a CSV record; only the last (`error`) and feature names can be quoted."""
    if '"' not in line:
        return line.split(",")
    import csv

    return next(csv.reader([line]))


def score_partition(items, binaries, detectors, options, header):
    """Yields (id, *columns) for each (id, line) of `items`; `header` is the binary's.
    `binaries` and `detectors` are candidate paths for ``resolve``."""
    binary = executable(resolve(binaries, "the latent binary"))
    detector = resolve(detectors, "the detector directory")
    command = score_command(binary, detector, options)
    ids = []
    # The partition is spooled to a local file first: the binary then reads at disk speed
    # and never waits on Spark's iterator while this process waits on the binary's output
    # (no pipe deadlock). Batching does not matter: Latent's scores are row-invariant.
    with tempfile.TemporaryFile() as spool, tempfile.TemporaryFile() as stderr:
        for row_id, line in items:
            ids.append(row_id)
            spool.write(line.encode("utf-8"))
            spool.write(b"\n")
        spool.seek(0)
        process = subprocess.Popen(command, stdin=spool, stdout=subprocess.PIPE,
                                   stderr=stderr, bufsize=1 << 20)
        names = header.split(",")
        first = process.stdout.readline().decode("utf-8").rstrip("\n")
        if first and first != header:
            raise RuntimeError(
                f"{binary} wrote the header {first!r} on this executor but {header!r} on the "
                "driver; use the same binary and detector everywhere")
        count = 0
        for raw in process.stdout:
            fields = split_record(raw.decode("utf-8").rstrip("\n"))
            if len(fields) != len(names) or count >= len(ids):
                raise RuntimeError(
                    f"record {count} from {binary} does not match the input: {len(fields)} "
                    f"fields for {len(names)} columns, {len(ids)} rows in the partition")
            if int(fields[0]) != count:
                raise RuntimeError(
                    f"{binary} numbered record {count} as {fields[0]}: it skipped or added "
                    "a line, so ids would no longer match rows")
            yield (ids[count],) + tuple(
                parse_field(n, f) for n, f in zip(names[1:], fields[1:]))
            count += 1
        status = process.wait()
        if status != 0 or count != len(ids):
            stderr.seek(0)
            message = stderr.read().decode("utf-8", "replace").strip()[-2000:]
            raise RuntimeError(
                f"{' '.join(command)} exited with status {status} after {count} of "
                f"{len(ids)} rows: {message}")
