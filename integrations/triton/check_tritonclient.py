"""tritonclient.http against latent-server: every call, and scores equal to the CLI's bit for bit.

    check_tritonclient.py HOST:PORT ROWS.csv CLI.ndjson
"""
import csv
import json
import sys
from importlib.metadata import version

import numpy as np
import tritonclient.http as http

url, rows_path, cli_path = sys.argv[1:4]
rows = np.array([[float(v) for v in r[:140]] for r in csv.reader(open(rows_path))], dtype=np.float32)
cli = [json.loads(line) for line in open(cli_path)]
expected = {
    "score": np.array([r["score"] for r in cli], dtype=np.float32),
    "anomaly": np.array([r["anomaly"] for r in cli], dtype=bool),
    "p_value": np.array([r["p_value"] for r in cli], dtype=np.float64),
}

client = http.InferenceServerClient(url=url)
assert client.is_server_live(), "not live"
assert client.is_server_ready(), "not ready"
assert client.is_model_ready("ecg"), "model not ready"
assert client.is_model_ready("ecg", model_version="1"), "version 1 not ready"
meta = client.get_model_metadata("ecg")
assert meta["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, 140]}], meta
server_meta = client.get_server_metadata()
assert server_meta["name"] == "latent-server", server_meta

failures = 0
for binary in (False, True):
    for start, stop in ((0, 1), (0, 256), (256, 300)):
        x = rows[start:stop]
        tensor = http.InferInput("input", list(x.shape), "FP32")
        tensor.set_data_from_numpy(x, binary_data=binary)
        outputs = [http.InferRequestedOutput(name, binary_data=False) for name in ("score", "anomaly", "p_value")]
        result = client.infer("ecg", inputs=[tensor], outputs=outputs, model_version="1")
        for name, want in expected.items():
            got = result.as_numpy(name)
            want = want[start:stop]
            if got.dtype != want.dtype or not np.array_equal(got.view(np.uint8), want.view(np.uint8)):
                failures += 1
                bad = np.flatnonzero(got != want)[:5]
                print(f"binary={binary} rows {start}:{stop} {name}: differs at {bad.tolist()}: "
                      f"{got[bad].tolist()} vs {want[bad].tolist()}")
        # Without requested outputs tritonclient asks for everything (binary by default).
        result = client.infer("ecg", inputs=[tensor])
        got = result.as_numpy("score")
        if not np.array_equal(got, expected["score"][start:stop]):
            failures += 1
            print(f"binary={binary} rows {start}:{stop} default outputs: score differs")

# A refusal comes back as tritonclient's exception with the server's message.
try:
    bad = http.InferInput("input", [1, 3], "FP32")
    bad.set_data_from_numpy(np.zeros((1, 3), dtype=np.float32))
    client.infer("ecg", inputs=[bad])
    failures += 1
    print("a [1, 3] input was accepted")
except Exception as error:  # tritonclient.utils.InferenceServerException
    assert "140" in str(error), error

if failures:
    sys.exit(f"check_tritonclient: {failures} mismatches")
print(f"check_tritonclient: tritonclient {version('tritonclient')} OK, JSON and binary tensors, "
      f"{len(rows)} rows equal to `latent detector score` bit for bit")
