#!/usr/bin/env bash
# The TLS recipe of docs/serving.md, run: a throw-away CA and server certificate
# (openssl), nginx terminating TLS in front of latent-server on loopback, and curl
# checking health, a bearer-guarded infer over TLS, and that plain HTTP to the TLS port
# is refused. Needs nginx and openssl (.ci/run installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name=test_tls_proxy
source "$here/../lib.sh"
command -v nginx >/dev/null || latent_fail "needs nginx (apt-get install nginx-light)"
latent_binaries
latent_workdir
cleanup_hooks+=('[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null')

# A CA, and a certificate for 127.0.0.1 signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=latent test CA" \
    -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -days 1 -extfile "$work/san.ext" -out "$work/server.pem" 2>/dev/null

# A small detector, the server with a token, on a free port.
latent_fit_ecg 400 2
python3 -c 'import secrets; print(secrets.token_urlsafe(24))' > "$work/token"
latent_serve --auth-token-file "$work/token" "$work/ecg"
upstream="127.0.0.1:$http_port"
tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|@CERT@|$work/server.pem|; s|@KEY@|$work/server.key|; s|@PORT@|$tls_port|; s|@UPSTREAM@|$upstream|; s|@WORK@|$work|g" \
    "$here/nginx.conf" > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 50); do [ -f "$work/nginx.pid" ] && break; sleep 0.1; done

base="https://127.0.0.1:$tls_port"
fail() { latent_fail "$*"; }
curl -sf --cacert "$work/ca.pem" "$base/v2/health/ready" | grep -q '"ready":true' || fail "health over TLS"
row=$(head -n 1 "$work/ecg.csv" | cut -d, -f1-140)
body="{\"inputs\":[{\"name\":\"input\",\"shape\":[1,140],\"datatype\":\"FP32\",\"data\":[$row]}]}"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/ca.pem" -H 'Content-Type: application/json' \
    -d "$body" "$base/v2/models/ecg/infer")
[ "$code" = 401 ] || fail "infer without the token answered $code, not 401"
answer=$(curl -sf --cacert "$work/ca.pem" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(cat "$work/token")" -d "$body" "$base/v2/models/ecg/infer") || fail "infer with the token"
grep -q '"name":"score"' <<<"$answer" || fail "no score in $answer"
# The certificate is checked: without the CA curl refuses.
if curl -s -o /dev/null "$base/v2/health/live" 2>/dev/null; then fail "an untrusted certificate was accepted"; fi
# Plain HTTP to the TLS port gets nginx's 400, never the server.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$tls_port/v2/health/live" || true)
[ "$code" = 400 ] || fail "plain HTTP to the TLS port answered $code"
echo "test_tls_proxy: TLS through nginx OK (health, 401 without token, infer with token, certificate checked)"
