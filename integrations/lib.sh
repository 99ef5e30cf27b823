# Shared steps of the integration tests that run latent-server (integrations/triton,
# integrations/tls): sourced, never run. Each test sets `here`, `root` and `name` (its
# name, for messages), sources this file, and calls:
#
#   latent_binaries                      LATENT_BIN_DIR: the newest of .build/debug and
#                                        .build/release holding latent and latent-server
#   latent_venv DIR "IMPORTS" PKG...     a throw-away virtual environment, reused while
#                                        `import IMPORTS` works in it
#   latent_workdir                       work: a temporary directory, removed on exit with
#                                        the server (and whatever `cleanup_hooks` names)
#   latent_fit_ecg ROWS EPOCHS [ARG...]  work/all.csv (the bundled ECG beats), work/ecg.csv
#                                        (the first ROWS of them; 0: all), and work/ecg, a
#                                        detector fitted on work/ecg.csv with ARGs
#   latent_serve [ARG...]                latent-server on free ports with ARGs; sets
#                                        server, http_port, and grpc_port with --grpc-port

latent_fail() { echo "$name: $*" >&2; exit 1; }

latent_binaries() {
    if [ -z "${LATENT_BIN_DIR:-}" ]; then
        for dir in $(ls -td "$root"/.build/debug "$root"/.build/release 2>/dev/null); do
            if [ -x "$dir/latent" ] && [ -x "$dir/latent-server" ]; then LATENT_BIN_DIR="$dir"; break; fi
        done
    fi
    [ -n "${LATENT_BIN_DIR:-}" ] || latent_fail "build latent and latent-server first"
}

latent_venv() {
    local venv="$1" imports="$2"
    shift 2
    if ! "$venv/bin/python" -c "import $imports" 2>/dev/null; then
        echo "$name: installing $* into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q "$@"
    fi
}

cleanup_hooks=()
server=""
latent_cleanup() {
    local hook
    for hook in "${cleanup_hooks[@]}"; do eval "$hook" || true; done
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}

latent_workdir() {
    work="$(mktemp -d "/tmp/latent-$name.XXXXXX")"
    trap latent_cleanup EXIT
}

latent_fit_ecg() {
    local rows="$1" epochs="$2"
    shift 2
    gunzip -c "$root/Sources/Latent/Resources/ecg5000/ecg.csv.gz" > "$work/all.csv"
    if [ "$rows" -gt 0 ]; then head -n "$rows" "$work/all.csv" > "$work/ecg.csv"; else cp "$work/all.csv" "$work/ecg.csv"; fi
    "$LATENT_BIN_DIR/latent" detector fit --data "$work/ecg.csv" --label-column 140 --normal-label 1 \
        --epochs "$epochs" "$@" --out "$work/ecg" >/dev/null 2>&1 || latent_fail "the detector fit failed"
}

latent_serve() {
    local grpc=""
    case " $* " in *" --grpc-port "*) grpc=1 ;; esac
    "$LATENT_BIN_DIR/latent-server" --port 0 "$@" 2> "$work/server.log" &
    server=$!
    http_port="" grpc_port=""
    for _ in $(seq 300); do
        http_port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$work/server.log" | grep -oE '[0-9]+$' || true)
        grpc_port=$(grep -oE 'grpc_address=127\.0\.0\.1:[0-9]+' "$work/server.log" | grep -oE '[0-9]+$' || true)
        if [ -n "$http_port" ] && { [ -z "$grpc" ] || [ -n "$grpc_port" ]; }; then return 0; fi
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    cat "$work/server.log" >&2
    latent_fail "the server did not start"
}
