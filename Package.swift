// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Latent",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Latent", targets: ["Latent"]),
        .executable(name: "latent", targets: ["latent"]),
        .executable(name: "latent-server", targets: ["latent-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // latent-server's gRPC side; its Swift code is generated once (Scripts/generate-grpc.sh).
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // BLAS on Linux: OpenBLAS found through pkg-config. macOS uses Accelerate instead.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // gzip (IDX .gz files) and deflate (PNG) through the system zlib.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // Latent's compute kernels in C: elementwise, GEMM, convolution and pooling loops built
        // for AVX-512, AVX2+FMA and the baseline target, chosen at run time.
        .target(name: "CLatentKernels"),
        // What Swift cannot say itself about the process and its threads: FTZ/DAZ, thread-local
        // state, the helper thread team, glibc's allocator, CPU affinity, rename-exchange.
        .target(name: "CLatentSystem"),
        .target(
            name: "Latent",
            dependencies: [
                .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
                "CZlib",
                "CLatentKernels",
                "CLatentSystem",
            ],
            resources: [.copy("Resources/ecg5000")]
        ),
        .executableTarget(
            name: "latent",
            dependencies: [
                "Latent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "LatentTests",
            dependencies: ["Latent"],
            resources: [.copy("Fixtures")]
        ),
        // The KServe V2 (Open Inference Protocol) server: its own product, so `latent` stays small.
        .executableTarget(
            name: "latent-server",
            dependencies: [
                "Latent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["GRPC/Proto"]
        ),
        .testTarget(
            name: "LatentServerTests",
            dependencies: [
                "latent-server",
                "Latent",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ]
        ),
        .testTarget(
            name: "LatentCLITests",
            dependencies: ["latent", "Latent"]
        ),
    ],
    swiftLanguageModes: [.v5]
)

// Fuzz/sanitize.sh sets LATENT_LIBRARY_ONLY: its AddressSanitizer and ThreadSanitizer builds
// test the library, and the server's HTTP and gRPC stacks (two copies of BoringSSL among
// them), which those tests never run, would add minutes to each.
if Context.environment["LATENT_LIBRARY_ONLY"] != nil {
    package.products.removeAll { $0.name == "latent-server" }
    package.targets.removeAll { $0.name == "latent-server" || $0.name == "LatentServerTests" }
}
