import Foundation
import GRPCCore
import GRPCNIOTransportCore
import GRPCNIOTransportHTTP2Posix
import Logging
import ServiceLifecycle

/// `--grpc-port`: the gRPC server (HTTP/2, plaintext, on its own port) as one service of
/// the server's group, beside the HTTP application: SIGTERM stops both, each letting the
/// calls in flight finish.
@available(macOS 15.0, *)
struct GRPCListener: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let logger: Logger
    /// Told the port once the server listens (tests bind port 0).
    var onListening: @Sendable (Int) -> Void = { _ in }

    /// The V2 service over `registry` on `host:port`, within the HTTP side's limits: a
    /// message may be as large as `--max-body-bytes`, and an idle connection is closed
    /// after `--idle-timeout`.
    init(
        host: String, port: Int, registry: ModelRegistry, limits: ServerLimits, connections: ConnectionLimits,
        pool: WorkPool, auth: AccessToken?, logger: Logger, onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        let config = HTTP2ServerTransport.Posix.Config.defaults { config in
            config.rpc.maxRequestPayloadSize = limits.maxBodyBytes
            config.connection.maxIdleTime = .milliseconds(Int64(connections.idleTimeout * 1000))
        }
        // The transport takes an IP address, not a name: --host localhost means loopback.
        let address: GRPCNIOTransportCore.SocketAddress =
            host.contains(":")
            ? .ipv6(host: host, port: port) : .ipv4(host: host == "localhost" ? "127.0.0.1" : host, port: port)
        let transport = HTTP2ServerTransport.Posix(address: address, transportSecurity: .plaintext, config: config)
        let service = InferenceService(registry: registry, limits: limits, pool: pool, auth: auth, logger: logger)
        server = GRPCServer(transport: transport, services: [service])
        self.logger = logger
        self.onListening = onListening
    }

    func run() async throws {
        let server = self.server
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                if let address = try await server.listeningAddress {
                    let port = address.ipv4?.port ?? address.ipv6?.port ?? 0
                    let host = address.ipv4?.host ?? address.ipv6.map { "[\($0.host)]" } ?? "?"
                    logger.info("gRPC server started", metadata: ["grpc_address": "\(host):\(port)"])
                    onListening(port)
                }
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}
