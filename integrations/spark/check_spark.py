"""Checks the Spark job against `latent detector score` on one machine, row for row.

    spark-submit check_spark.py --expected cli.csv --actual out.parquet [--key index]
    spark-submit check_spark.py --expected cli.csv --rows rows.csv [--fdr Q] \
        --binary B --detector DIR --work D

Every column the CLI wrote must be equal in the job's Parquet output: scores and
thresholds as float32 (the binary's own values), p-values as doubles, flags as booleans,
so "equal" means bit for bit. --rows runs the job (latent_score.run, in this session) on
rows.csv, and on the same rows written as Parquet (an `id` column plus the features as
doubles), and checks both against the CLI's output for rows.csv. Exits 1 on any difference.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import latent_score  # noqa: E402


def compare(spark, expected_csv, actual_parquet, key):
    """The number of rows that differ (and prints the first few)."""
    from pyspark.sql import functions as F

    cli = spark.read.option("header", True).csv(expected_csv)  # every field as text
    out = spark.read.parquet(actual_parquet)
    columns = [c for c in cli.columns if c not in ("index", "error")]
    missing = [c for c in columns if c not in out.columns]
    if missing:
        print(f"check: {actual_parquet} lacks the CLI's columns {missing}")
        return 1
    typed = {c: F.col(f"cli.{c}").cast(out.schema[c].dataType) for c in columns}
    joined = cli.alias("cli").join(out.alias("out"),
                                   F.col("cli.index").cast("long") == F.col(f"out.{key}"),
                                   "full_outer")
    differs = F.lit(False)
    for c in columns:
        differs = differs | ~typed[c].eqNullSafe(F.col(f"out.{c}"))
    differs = differs | F.col("cli.index").isNull() | F.col(f"out.{key}").isNull()
    bad = joined.where(differs)
    count = bad.count()
    rows = cli.count()
    if count:
        print(f"check: {count} of {rows} rows of {actual_parquet} differ from {expected_csv}:")
        for row in bad.select(F.col("cli.index").alias("cli_index"), F.col(f"out.{key}"),
                              *[F.col(f"cli.{c}").alias(f"cli_{c}") for c in columns],
                              *[F.col(f"out.{c}") for c in columns]).limit(5).collect():
            print("  ", row.asDict())
    else:
        print(f"check: {actual_parquet} equals {expected_csv} on all {rows} rows "
              f"({', '.join(columns)}, bit for bit)")
    return count


def run_job(spark, args, source, name, *extra):
    output = os.path.join(args.work, name)
    options = ["--fdr", str(args.fdr)] if args.fdr else []
    latent_score.run(spark, latent_score.parse_args(
        ["--binary", args.binary, "--detector", args.detector, "--input", source,
         "--output", output, "--mode", "overwrite", *options, *extra]))
    return output


def csv_case(spark, args):
    """The rows' CSV file in 3 partitions (batches unlike the CLI's 4096-row ones, so the
    check proves scores do not depend on batching) → the job → compare by `index`."""
    return compare(spark, args.expected,
                   run_job(spark, args, args.rows, "from-csv.parquet", "--partitions", "3"), "index")


def parquet_case(spark, args):
    """The rows as Parquet (id + doubles, one file in row order) → the job → compare."""
    from pyspark.sql import functions as F

    rows = spark.read.option("inferSchema", True).csv(args.rows)
    rows, _ = latent_score.with_index(rows)
    source = os.path.join(args.work, "rows.parquet")
    (rows.withColumnRenamed("index", "id").select("id", *rows.columns[:-1])
     .coalesce(1).sortWithinPartitions("id").write.mode("overwrite").parquet(source))
    output = run_job(spark, args, source, "from-parquet.parquet", "--id-column", "id")
    ids = spark.read.parquet(output).where(F.col("id") != F.col("index")).count()
    if ids:
        print(f"check: {ids} rows of {output} have id != index (read order)")
    return ids + compare(spark, args.expected, output, "id")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--expected", required=True, help="the CLI's CSV output")
    p.add_argument("--actual", help="compare this Parquet output of the job")
    p.add_argument("--key", default="index", help="its column matching the CLI's `index`")
    p.add_argument("--rows", help="run the job on this CSV file, and on it as Parquet")
    p.add_argument("--fdr", type=float, help="with --rows: the jobs' --fdr")
    p.add_argument("--binary")
    p.add_argument("--detector")
    p.add_argument("--work")
    args = p.parse_args()
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("latent-score-check").getOrCreate()
    failures = 0
    if args.actual:
        failures += compare(spark, args.expected, args.actual, args.key)
    if args.rows:
        failures += csv_case(spark, args) + parquet_case(spark, args)
    spark.stop()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
