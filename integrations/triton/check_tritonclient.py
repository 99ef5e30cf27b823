"""tritonclient.http and tritonclient.grpc against latent-server: every call, and scores
equal to the CLI's bit for bit.

    check_tritonclient.py HOST:HTTP_PORT HOST:GRPC_PORT ROWS.csv CLI.ndjson

The server serves the model `ecg` and has a model repository holding a copy of it as `beats`.
"""
import csv
import json
import sys
from importlib.metadata import version

import numpy as np
import tritonclient.grpc as grpc
import tritonclient.http as http
from tritonclient.utils import InferenceServerException

http_url, grpc_url, rows_path, cli_path = sys.argv[1:5]
rows = np.array([[float(v) for v in r[:140]] for r in csv.reader(open(rows_path))], dtype=np.float32)
cli = [json.loads(line) for line in open(cli_path)]
expected = {
    "score": np.array([r["score"] for r in cli], dtype=np.float32),
    "anomaly": np.array([r["anomaly"] for r in cli], dtype=bool),
    "p_value": np.array([r["p_value"] for r in cli], dtype=np.float64),
}
slices = ((0, 1), (0, 256), (256, 300))
failures = 0


def compare(label, result, names, start, stop):
    """Counts each output of `result` that differs from the CLI's in any bit."""
    global failures
    for name in names:
        got = result.as_numpy(name)
        want = expected[name][start:stop]
        if got is None or got.dtype != want.dtype or not np.array_equal(got.view(np.uint8), want.view(np.uint8)):
            failures += 1
            bad = np.flatnonzero(got != want)[:5] if got is not None and got.shape == want.shape else []
            print(f"{label} rows {start}:{stop} {name}: differs at {list(bad)}")


def refused(call, code, *words):
    """Whether `call` raised tritonclient's exception with status `code` and every word."""
    global failures
    try:
        call()
    except InferenceServerException as error:
        text = f"{error.status()} {error.message()}"
        if (code and code not in text) or not all(w in text for w in words):
            failures += 1
            print(f"unexpected refusal: {text}")
        return
    failures += 1
    print(f"accepted, but should be refused with {code} {words}")


# HTTP: JSON and binary tensors.
client = http.InferenceServerClient(url=http_url)
assert client.is_server_live(), "not live"
assert client.is_server_ready(), "not ready"
assert client.is_model_ready("ecg"), "model not ready"
assert client.is_model_ready("ecg", model_version="1"), "version 1 not ready"
meta = client.get_model_metadata("ecg")
assert meta["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, 140]}], meta
server_meta = client.get_server_metadata()
assert server_meta["name"] == "latent-server", server_meta

for binary in (False, True):
    for start, stop in slices:
        x = rows[start:stop]
        tensor = http.InferInput("input", list(x.shape), "FP32")
        tensor.set_data_from_numpy(x, binary_data=binary)
        outputs = [http.InferRequestedOutput(name, binary_data=False) for name in expected]
        result = client.infer("ecg", inputs=[tensor], outputs=outputs, model_version="1")
        compare(f"http binary={binary}", result, expected, start, stop)
        # Without requested outputs tritonclient asks for everything (binary by default).
        result = client.infer("ecg", inputs=[tensor])
        compare(f"http binary={binary} default outputs", result, ["score"], start, stop)

bad = http.InferInput("input", [1, 3], "FP32")
bad.set_data_from_numpy(np.zeros((1, 3), dtype=np.float32))
refused(lambda: client.infer("ecg", inputs=[bad]), None, "140")

# gRPC: raw tensors (tritonclient's default), the same rows, the same answers.
g = grpc.InferenceServerClient(url=grpc_url)
assert g.is_server_live(), "gRPC: not live"
assert g.is_server_ready(), "gRPC: not ready"
assert g.is_model_ready("ecg"), "gRPC: model not ready"
assert g.is_model_ready("ecg", model_version="1"), "gRPC: version 1 not ready"
assert not g.is_model_ready("nope"), "gRPC: an unknown model is ready"
meta = g.get_model_metadata("ecg")
assert [(t.name, t.datatype, list(t.shape)) for t in meta.inputs] == [("input", "FP32", [-1, 140])], meta
assert [t.name for t in meta.outputs][:4] == ["score", "threshold", "anomaly", "p_value"], meta
server_meta = g.get_server_metadata()
assert server_meta.name == "latent-server" and "model_repository" in server_meta.extensions, server_meta

for start, stop in slices:
    x = rows[start:stop]
    tensor = grpc.InferInput("input", list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)
    outputs = [grpc.InferRequestedOutput(name) for name in expected]
    result = g.infer("ecg", inputs=[tensor], outputs=outputs, model_version="1", request_id="r1")
    compare("grpc", result, expected, start, stop)
    assert result.get_response().id == "r1", result.get_response().id
    result = g.infer("ecg", inputs=[tensor])
    compare("grpc default outputs", result, expected, start, stop)
    threshold = result.as_numpy("threshold")
    assert threshold.dtype == np.float32 and threshold.shape == (stop - start,), threshold

bad = grpc.InferInput("input", [1, 3], "FP32")
bad.set_data_from_numpy(np.zeros((1, 3), dtype=np.float32))
refused(lambda: g.infer("ecg", inputs=[bad]), "INVALID_ARGUMENT", "ecg", "140")
tensor = grpc.InferInput("input", [1, 140], "FP32")
tensor.set_data_from_numpy(rows[:1])
refused(lambda: g.infer("nope", inputs=[tensor]), "NOT_FOUND", "nope")

# The repository RPCs, as Seldon Core 2's agent uses them: load, infer, unload.
index = {m.name: m.state for m in g.get_model_repository_index().models}
assert index == {"beats": "UNAVAILABLE", "ecg": "READY"}, index
g.load_model("beats")
assert g.is_model_ready("beats"), "beats not ready after load"
tensor = grpc.InferInput("input", [256, 140], "FP32")
tensor.set_data_from_numpy(rows[:256])
compare("grpc beats", g.infer("beats", inputs=[tensor]), expected, 0, 256)
g.unload_model("beats")
assert not g.is_model_ready("beats"), "beats still ready after unload"
refused(lambda: g.load_model("../ecg"), "INVALID_ARGUMENT", "..")

if failures:
    sys.exit(f"check_tritonclient: {failures} mismatches")
print(f"check_tritonclient: tritonclient {version('tritonclient')} OK: HTTP (JSON and binary tensors) and "
      f"gRPC (raw tensors, repository load/unload), {len(rows)} rows equal to `latent detector score` bit for bit")
