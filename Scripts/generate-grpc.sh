#!/usr/bin/env bash
# Regenerates latent-server's gRPC code from Sources/latent-server/GRPC/Proto/grpc_service.proto:
# the messages (protoc-gen-swift, swift-protobuf) and the service stubs
# (protoc-gen-grpc-swift-2, grpc-swift-protobuf) into Sources/latent-server/GRPC/Generated/.
#
#   Scripts/generate-grpc.sh
#
# Run it only after changing the .proto file, and commit what it writes. The plugins are
# built once in a scratch package outside the work tree ($LATENT_GRPC_PLUGINS, default
# /tmp/latent-grpc-plugins, reused when present): building them takes minutes, which is
# why CI never does and the generated files are in the repository. Needs protoc
# (apt-get install protobuf-compiler). The plugin versions match the package versions
# latent-server builds against (Package.swift); keep them in step.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
plugins="${LATENT_GRPC_PLUGINS:-/tmp/latent-grpc-plugins}"
proto_dir="$root/Sources/latent-server/GRPC/Proto"
out="$root/Sources/latent-server/GRPC/Generated"
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
command -v protoc >/dev/null || { echo "generate-grpc: needs protoc (apt-get install protobuf-compiler)" >&2; exit 1; }

# The scratch package: nothing of its own, only the two plugin products of its dependencies.
mkdir -p "$plugins/Sources/Plugins"
cat > "$plugins/Package.swift" <<'SWIFT'
// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "latent-grpc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: [.target(name: "Plugins", path: "Sources/Plugins")]
)
SWIFT
echo "// The plugins are the dependencies' products; this target only makes a package." \
    > "$plugins/Sources/Plugins/Empty.swift"
for product in protoc-gen-swift protoc-gen-grpc-swift-2; do
    echo "== building $product in $plugins"
    swift build --package-path "$plugins" --product "$product" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
done
bin="$(swift build --package-path "$plugins" --show-bin-path)"
for product in protoc-gen-swift protoc-gen-grpc-swift-2; do
    [ -x "$bin/$product" ] || { echo "generate-grpc: $product did not build" >&2; exit 1; }
done

mkdir -p "$out"
rm -f "$out"/*.pb.swift "$out"/*.grpc.swift
protoc --proto_path="$proto_dir" \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --swift_opt=Visibility=Internal --swift_out="$out" \
    --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
    --grpc-swift-2_opt=Visibility=Internal --grpc-swift-2_opt=Client=True --grpc-swift-2_opt=Server=True \
    --grpc-swift-2_out="$out" \
    "$proto_dir/grpc_service.proto"
echo "generate-grpc: wrote $(cd "$out" && ls | tr '\n' ' ')into ${out#"$root"/}"
