#!/usr/bin/env bash
# Fuzz/seed.sh OUT — writes a seed corpus for every target into OUT/<target>/.
#
# Seeds are small slices of real files (../shared/datasets when present, the ECG table the
# package ships otherwise), the test fixtures, and hand-made files covering each reader's
# variants (element types, ranks, gzip members, quoting, header forms). The model-json,
# detector-json and checkpoint seeds come from those targets themselves (run.sh writes
# them), so they always match the weights files they make; checkpoint also gets the
# hand-made trainer.json variants below.
# No pipefail: `head` closing a pipe early is how slices are cut here.
set -eu
cd "$(dirname "$0")/.."
out=${1:?usage: Fuzz/seed.sh OUT}
datasets=../shared/datasets
fixtures=Tests/LatentTests/Fixtures
rm -rf "$out"
mkdir -p "$out"/{idx-raw,idx-gzip,csv,tsv,npy,npz,safetensors,model-json,detector-json,stream-line,checkpoint}

# ---- IDX --------------------------------------------------------------------------
# Hand-made: one file per element type, ranks 1 to 3.
idx=$out/idx-raw
printf '\x00\x00\x08\x01\x00\x00\x00\x05\x07\x02\x01\x00\x04' > "$idx/u8-labels"
printf '\x00\x00\x09\x02\x00\x00\x00\x02\x00\x00\x00\x02\x80\x7f\x00\xff' > "$idx/i8-2x2"
printf '\x00\x00\x0b\x01\x00\x00\x00\x02\x80\x00\x7f\xff' > "$idx/i16-2"
printf '\x00\x00\x0c\x01\x00\x00\x00\x02\x00\x00\x00\x03\xff\xff\xff\xfd' > "$idx/i32-2"
printf '\x00\x00\x0d\x01\x00\x00\x00\x02\x3f\x80\x00\x00\xc0\x20\x00\x00' > "$idx/f32-2"
printf '\x00\x00\x0e\x01\x00\x00\x00\x01\x3f\xf0\x00\x00\x00\x00\x00\x00' > "$idx/f64-1"
printf '\x00\x00\x08\x03\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x02\x00\x40\x80\xff' > "$idx/u8-image"
for set in mnist fashion-mnist; do
    dir=$datasets/$set
    [ -f "$dir/t10k-labels-idx1-ubyte.gz" ] || continue
    # 100 labels, with the count in the header changed to match.
    { printf '\x00\x00\x08\x01\x00\x00\x00\x64'
      gzip -dc "$dir/t10k-labels-idx1-ubyte.gz" | tail -c +9 | head -c 100; } > "$idx/$set-labels-100"
    # Two 28×28 images: a truncated but valid-size images file.
    { printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x1c\x00\x00\x00\x1c'
      gzip -dc "$dir/t10k-images-idx3-ubyte.gz" | tail -c +17 | head -c 1568; } > "$idx/$set-images-2"
    # The real compressed labels file (4.4 KB), as shipped.
    cat "$dir/t10k-labels-idx1-ubyte.gz" > "$out/idx-gzip/$set-t10k-labels.gz"
done
# The gzip target compresses inputs without the gzip magic itself; give it both forms,
# plus a two-member file and a member followed by zero padding.
for f in "$idx"/*; do
    cp "$f" "$out/idx-gzip/$(basename "$f")"
    gzip -c -n "$f" > "$out/idx-gzip/$(basename "$f").gz"
done
{ head -c 8 "$idx/u8-labels" | gzip -c -n; tail -c +9 "$idx/u8-labels" | gzip -c -n; } > "$out/idx-gzip/two-members.gz"
{ gzip -c -n "$idx/u8-labels"; printf '\x00\x00\x00\x00'; } > "$out/idx-gzip/zero-padded.gz"

# ---- CSV / TSV ----------------------------------------------------------------------
# The first byte of a table input selects the reader's options (see CSVCommon.swift):
# 0x00 no label, 0x01 first column, 0x02 last column, 0x03 index 1, 0x04 named "label";
# +0x08 header present, +0x10 absent; +0x20 skip NaN rows; +0x40 64-byte line limit.
ecg_csv() {
    if [ -f "$datasets/ecg5000/ecg.csv" ]; then cat "$datasets/ecg5000/ecg.csv"
    else gzip -dc Sources/Latent/Resources/ecg5000/ecg.csv.gz; fi
}
{ printf '\x02'; ecg_csv | head -n 3; } > "$out/csv/ecg-3-rows"
{ printf '\x22'; ecg_csv | head -n 2 | cut -d, -f1-8,141; } > "$out/csv/ecg-narrow"
printf '\x04a,b,label\n1,2,x\n3.5,-4e2,y\n' > "$out/csv/named-label"
printf '\x02\xef\xbb\xbfx,y,class\r\n1,2,0\r\n\r\n3,4,1\r\n' > "$out/csv/bom-crlf-header"
printf '\x01"a,1",2,3\n"b""q",5,6\n' > "$out/csv/quoted-labels"
printf '\x20nan,1\ninf,2\n-1e999,3\n0.5,4\n' > "$out/csv/non-finite"
printf '\x40 1 , 2 ,3\n4,5,6\n' > "$out/csv/padding"
printf '\x13h1,h2\n1,2\n' > "$out/csv/index-header"
if [ -f "$datasets/ecg5000/ECG5000_TRAIN.tsv" ]; then
    { printf '\x01'; head -n 3 "$datasets/ecg5000/ECG5000_TRAIN.tsv"; } > "$out/tsv/ecg5000-3-rows"
    { printf '\x21'; head -n 2 "$datasets/ecg5000/ECG5000_TEST.tsv" | cut -f1-9; } > "$out/tsv/ecg5000-narrow"
else
    { printf '\x02'; ecg_csv | head -n 3 | tr ',' '\t'; } > "$out/tsv/ecg-3-rows"
fi
printf '\x01label\tx\ty\n1\t0.5\t-2\n2\t1e-3\t7\n' > "$out/tsv/header"
printf '\x01 1\t 2 \t3\r\n"4"\t5\t6\n' > "$out/tsv/padding-quotes"

# ---- .npy ---------------------------------------------------------------------------
cp "$fixtures"/npy/*.npy "$out/npy/"
# Version 2.0 (4-byte header length) and a shape with a zero axis.
header="{'descr': '<i4', 'fortran_order': False, 'shape': (0, 3), }"
printf '\x93NUMPY\x02\x00'"$(printf '\\x%02x\\x00\\x00\\x00' ${#header})"'%s' "$header" > "$out/npy/v2-i4-0x3.npy"

# ---- .npz ---------------------------------------------------------------------------
# numpy.savez (stored) and savez_compressed (deflated, ZIP64 local headers), other keys,
# and the smallest real ADBench archives when the data sets are here.
cp "$fixtures"/npz/*.npz "$out/npz/"
for f in 15_Hepatitis 21_Lymphography; do
    [ -f "../shared/datasets/adbench/$f.npz" ] && cp "../shared/datasets/adbench/$f.npz" "$out/npz/"
done

# ---- safetensors --------------------------------------------------------------------
cp "$fixtures/python-numpy.safetensors" "$out/safetensors/"
st() {  # st NAME HEADER-JSON DATA-BYTES(printf escapes)
    printf "$(printf '\\x%02x\\x00\\x00\\x00\\x00\\x00\\x00\\x00' ${#2})%s$3" "$2" > "$out/safetensors/$1"
}
st f32-2 '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' '\x00\x00\x80\x3f\x00\x00\x00\xc0'
st mixed '{"__metadata__":{"format":"pt"},"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},"b":{"dtype":"BF16","shape":[1,1],"data_offsets":[2,4]},"c":{"dtype":"F64","shape":[],"data_offsets":[4,12]}}' \
    '\x00\x3c\x80\x3f\x00\x00\x00\x00\x00\x00\xf0\x3f'
st empty '{}' ''
st zero-size '{"z":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]}}' ''

# ---- streamed scoring input (stream-line) --------------------------------------------
# Byte 0 selects the options (see StreamLine.swift); the detector takes 8 features named
# f0…f7, and its training file had the label in column 8.
row='1.2,0.8,0.5,0.9,1.4,1.7,1.5,1.1'
printf '\x00%s\n%s,0\n' "$row" "$row" > "$out/stream-line/csv"
printf '\x02f0,f1,f2,f3,f4,f5,f6,f7,label\n%s,x\n' "$row" > "$out/stream-line/csv-header"
printf '\x10%s\n' "$(echo "$row" | tr ',' '\t')" > "$out/stream-line/tsv"
printf '\xc0[%s]\n{"features": [%s]}\n' "$row" "$row" > "$out/stream-line/ndjson-arrays"
printf '\x40{"f0": 1, "f1": 2, "f2": 0.5, "f3": 1e-3, "f4": 1, "f5": 1, "f6": 1, "f7": -1}\r\n' \
    > "$out/stream-line/ndjson-record"
printf '\x21%s\nnan,1,2\n\n  \n%s' "$row" "$row" > "$out/stream-line/bad-lines"

echo "seeded $(find "$out" -type f | wc -l | tr -d ' ') files in $out"

# ---- checkpoint (trainer.json) ----------------------------------------------------
# Hand-made: the fields a resume reads, at a fresh start and past the end of a run; the
# real 2-epoch checkpoint is added by run.sh from the target.
ck=$out/checkpoint
gen='{"s0":1,"s1":2,"s2":3,"s3":4}'
printf '{"formatVersion":1,"epoch":0,"generator":%s,"lossGenerator":%s,"history":{"epochs":[]},"parameterNames":[]}' \
    "$gen" "$gen" > "$ck/fresh.json"
printf '{"formatVersion":1,"epoch":5,"generator":%s,"lossGenerator":%s,"history":{"epochs":[]},"bestEpoch":4,"bestLoss":0.5,"parameterNames":["encoder.layers.0.weight"]}' \
    "$gen" "$gen" > "$ck/past-the-end.json"
