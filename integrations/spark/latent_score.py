"""Batch scoring on Apache Spark: `latent detector score` on every executor, Parquet out.

    spark-submit integrations/spark/latent_score.py --detector det --input rows.csv \
        --output scores.parquet [--fdr 0.1]

Each partition is streamed through one `latent detector score DIR --input -` process
(latent_pipe.py), so every number is the binary's own; the output has the CLI's columns
(index, score, threshold, anomaly, p_value, …) and with --fdr Q a `discovery` column from
Benjamini–Hochberg over the whole dataset (global_bh.py). See README.md beside this file.
"""

import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import global_bh  # noqa: E402
import latent_pipe  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--detector", required=True,
                   help="detector directory (latent detector fit --out); shipped to the "
                        "executors unless --no-ship")
    p.add_argument("--binary", default="latent",
                   help="the latent binary (default: `latent` on PATH); shipped unless --no-ship")
    p.add_argument("--input", required=True, nargs="+",
                   help="CSV/TSV text files (gzip ok) or Parquet files/directories")
    p.add_argument("--input-format", choices=["csv", "parquet"],
                   help="default: parquet for *.parquet paths or directories of them, else csv")
    p.add_argument("--output", required=True, help="Parquet directory to write")
    p.add_argument("--mode", default="errorifexists",
                   choices=["errorifexists", "overwrite"], help="when --output exists")
    p.add_argument("--fdr", type=float, metavar="Q",
                   help="add `discovery`: Benjamini–Hochberg at level Q over the whole input")
    p.add_argument("--rule", help="threshold rule for this run (latent detector score --rule)")
    p.add_argument("--explain", type=int, default=0, metavar="K",
                   help="also the K features with the largest reconstruction error")
    p.add_argument("--strict", action="store_true",
                   help="fail on an unreadable row instead of writing it with an `error`")
    header = p.add_mutually_exclusive_group()
    header.add_argument("--header", dest="header", action="store_true", default=None,
                        help="CSV: the first line of each file is a header (default: detected)")
    header.add_argument("--no-header", dest="header", action="store_false")
    p.add_argument("--id-column",
                   help="Parquet: carry this column as the row id instead of `index`")
    p.add_argument("--features",
                   help="Parquet: feature columns in order, comma-separated (default: all "
                        "but --id-column)")
    p.add_argument("--no-ship", dest="ship", action="store_false",
                   help="the binary and detector are already on every node (shared storage, "
                        "--archives, a container image): do not SparkContext.addFile them")
    p.add_argument("--partitions", type=int,
                   help="scoring partitions (default: the input's, at least the default "
                        "parallelism); row ids are assigned before")
    args = p.parse_args(argv)
    if args.fdr is not None and not 0 < args.fdr <= 1:
        p.error(f"--fdr must be in (0, 1], not {args.fdr}")
    if args.explain < 0:
        p.error("--explain must be 0 or more")
    return args


# Rows per scoring batch: the CLI's own when it scores a whole file (Detector+Score.swift).
BATCH = 4096


def score_options(args):
    options = ["--batch-size", str(BATCH)]
    if args.rule:
        options += ["--rule", args.rule]
    if args.explain:
        options += ["--explain", str(args.explain)]
    if args.strict:
        options.append("--strict")
    return options


def shipped(path):
    """Where --files/--archives put `path` on the driver (cluster deploy mode)."""
    from pyspark import SparkFiles

    return os.path.join(SparkFiles.getRootDirectory(), os.path.basename(path.rstrip("/")))


def driver_binary(binary):
    """The binary as the driver can run it: the path given, found on PATH, or shipped."""
    found = binary if os.path.sep in binary else shutil.which(binary)
    for candidate in (found, shipped(binary)):
        if candidate and os.path.isfile(candidate):
            return os.path.abspath(candidate)
    sys.exit(f"latent_score: the latent binary {binary!r} was not found on the driver (give "
             "--binary PATH; build it with `swift build -c release --product latent`)")


def driver_detector(detector):
    """The detector directory on the driver: the path given, or shipped."""
    for candidate in (detector, shipped(detector)):
        if os.path.isdir(candidate):
            return os.path.abspath(candidate)
    sys.exit(f"latent_score: the detector directory {detector!r} does not exist on the driver "
             "(write it with `latent detector fit --out DIR`)")


def probe_header(binary, detector, options):
    """The binary's CSV header for these options: it scores zero rows on the driver, which
    also checks the binary and the detector before any executor starts."""
    command = latent_pipe.score_command(binary, detector, options)
    run = subprocess.run(command, input=b"", capture_output=True)
    if run.returncode != 0:
        sys.exit(f"latent_score: {' '.join(command)} failed: "
                 f"{run.stderr.decode('utf-8', 'replace').strip()}")
    return run.stdout.decode("utf-8").strip()


def spark_schema(header, id_fields):
    from pyspark.sql import types as T

    fields = list(id_fields)
    for name in header.split(",")[1:]:
        if name in latent_pipe.FLOAT_COLUMNS or name.startswith("error_"):
            kind = T.FloatType()  # the binary's Float32, exactly
        elif name in latent_pipe.DOUBLE_COLUMNS:
            kind = T.DoubleType()
        elif name in latent_pipe.BOOL_COLUMNS:
            kind = T.BooleanType()
        else:
            kind = T.StringType()
        fields.append(T.StructField(name, kind, True))
    return T.StructType(fields)


def is_parquet(paths):
    def one(path):
        if path.rstrip("/").endswith(".parquet"):
            return True
        return os.path.isdir(path) and any(f.endswith(".parquet") for f in os.listdir(path))
    return all(one(p) for p in paths)


def looks_like_header(line):
    """The CLI's rule: a header has a non-empty field that is not a number."""
    for field in line.replace("\t", ",").split(","):
        field = field.strip()
        if field:
            try:
                float(field)
            except ValueError:
                return True
    return False


def with_index(df):
    """Adds `index`, the 0-based row number in read order, without a shuffle: per-partition
    counts (one cheap pass), then each partition's offset plus the position inside it
    (monotonically_increasing_id holds both). For one text file the read order is the line
    order, so `index` is the CLI's."""
    from pyspark.sql import functions as F

    df = df.withColumn("_mid", F.monotonically_increasing_id())
    partition = F.shiftright(F.col("_mid"), 33)
    counts = dict(df.groupBy(partition.alias("p")).count().collect())
    offsets, total = [], 0
    for p in sorted(counts):
        offsets += [F.lit(p), F.lit(total)]
        total += counts[p]
    if not offsets:
        return df.drop("_mid").withColumn("index", F.lit(0).cast("long")), 0
    position = F.col("_mid") - F.shiftleft(partition, 33)
    index = F.create_map(*offsets)[partition] + position
    return df.withColumn("index", index.cast("long")).drop("_mid"), total


def csv_lines(spark, args):
    """The data lines of the CSV/TSV text (blank and header lines out), column `line`."""
    from pyspark.sql import functions as F

    lines = spark.read.text(args.input).filter(~F.col("value").rlike(r"^[ \t\r]*$"))
    first = lines.first()
    if first is None:
        sys.exit(f"latent_score: no rows in {', '.join(args.input)}")
    header = args.header if args.header is not None else looks_like_header(first.value)
    if header:
        lines = lines.filter(F.col("value") != first.value)  # every file's copy of it
    return lines.select(F.col("value").alias("line")), None


def parquet_lines(spark, args):
    """Every Parquet row's feature columns as one CSV line (column `line`), and the
    --id-column carried beside it. Spark's number-to-text cast round-trips (a float32
    column gives the binary exactly its value); a null becomes an empty field, which
    the binary reports as an unreadable row."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    df = spark.read.parquet(*args.input)
    names = [f.name for f in df.schema.fields]
    where = ", ".join(args.input)
    if args.id_column and args.id_column not in names:
        sys.exit(f"latent_score: --id-column {args.id_column!r} is not a column of {where} "
                 f"(columns: {', '.join(names)})")
    features = (args.features.split(",") if args.features
                else [n for n in names if n != args.id_column])
    for name in features:
        if name not in names:
            sys.exit(f"latent_score: feature column {name!r} is not in {where}")
        if not isinstance(df.schema[name].dataType, (T.NumericType, T.BooleanType)):
            sys.exit(f"latent_score: column {name!r} of {where} is "
                     f"{df.schema[name].dataType.simpleString()}, not numeric; list the "
                     "feature columns with --features")

    def text(name):
        column = F.col(name)
        if isinstance(df.schema[name].dataType, T.BooleanType):
            column = column.cast("int")
        return F.coalesce(column.cast("string"), F.lit(""))

    line = F.concat_ws(",", *[text(n) for n in features]).alias("line")
    if args.id_column:
        return df.select(args.id_column, line), df.schema[args.id_column]
    return df.select(line), None


def with_discoveries(scored, q):
    """Adds `discovery` after the p-value columns: BH at level q over every scored row.

    Rows the binary could not read (null p_value) are not hypotheses and get null; a NaN
    p-value counts as 1, as in the CLI's streaming windows."""
    from pyspark.sql import functions as F

    p = F.when(F.isnan("p_value"), F.lit(1.0)).otherwise(F.col("p_value"))
    counts = (scored.where(F.col("p_value").isNotNull()).select(p.alias("p"))
              .groupBy("p").count().collect())
    cutoff = global_bh.bh_cutoff([(r["p"], r["count"]) for r in counts], q)
    discovery = (F.when(F.col("p_value").isNull(), F.lit(None).cast("boolean"))
                 .otherwise(p <= F.lit(cutoff)) if cutoff is not None
                 else F.when(F.col("p_value").isNotNull(), F.lit(False)))
    columns = scored.columns
    after = columns.index("p_value_conditional" if "p_value_conditional" in columns
                          else "p_value") + 1
    return scored.select(*columns[:after], discovery.alias("discovery"), *columns[after:]), \
        cutoff


def run(spark, args):
    from pyspark.sql import types as T

    binary = driver_binary(args.binary)
    detector = driver_detector(args.detector)
    options = score_options(args)
    header = probe_header(binary, detector, options)
    context = spark.sparkContext
    context.addPyFile(latent_pipe.__file__)  # the executors import it to run the pipe
    if args.ship:
        context.addFile(binary)
        context.addFile(detector, recursive=True)
    parquet = args.input_format == "parquet" or (args.input_format is None
                                                 and is_parquet(args.input))
    lines, id_field = (parquet_lines if parquet else csv_lines)(spark, args)
    lines, total = with_index(lines)
    # Latent's scores are row-invariant (a row gets the same bits in any batch), so
    # partitions are scored as they are, with no regrouping into the CLI's batches.
    if args.partitions:
        lines = lines.repartition(args.partitions)
    carried = [id_field.name] if id_field else []
    items = lines.select("index", *carried, "line").rdd.map(
        lambda row: (tuple(row[:-1]), row[-1]))

    # Executors try the paths as given (relative: their working directory, where YARN and
    # Kubernetes unpack --archives), then the driver's absolute paths (shared storage,
    # local mode), then what addFile/--files shipped.
    binaries = [args.binary, binary] if os.path.sep in args.binary else [binary]
    detectors = [args.detector, detector]

    def score(rows):
        for record in latent_pipe.score_partition(rows, binaries, detectors, options, header):
            yield record[0] + record[1:]

    ids = [T.StructField("index", T.LongType(), False)]
    if id_field:
        ids.append(T.StructField(id_field.name, id_field.dataType, True))
    scored = spark.createDataFrame(items.mapPartitions(score), spark_schema(header, ids))
    cutoff = None
    if args.fdr is not None:
        from pyspark import StorageLevel

        scored = scored.persist(StorageLevel.MEMORY_AND_DISK)  # scored once, read twice
        scored, cutoff = with_discoveries(scored, args.fdr)
    scored.write.mode(args.mode).parquet(args.output)
    return cutoff


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("latent-score").getOrCreate()
    cutoff = run(spark, args)
    if args.fdr is not None:
        found = (f"rows with p_value <= {cutoff} are discoveries" if cutoff is not None
                 else "no row is a discovery")
        print(f"latent_score: Benjamini–Hochberg at {args.fdr} over the whole input: {found}",
              file=sys.stderr)
    print(f"latent_score: wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
