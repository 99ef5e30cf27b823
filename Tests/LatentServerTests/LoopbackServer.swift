import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import XCTest

@testable import latent_server

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real HTTP client (URLSession) for a server on an ephemeral loopback port: the tests
/// go through sockets and HTTP parsing as users do, without HummingbirdTesting (whose
/// AsyncHTTPClient and swift-crypto dependencies would add minutes to every clean build).
struct LoopbackClient: Sendable {
    let port: Int

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var body: ByteBuffer
    }

    @discardableResult
    func execute<R>(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
        testCallback: (Reply) async throws -> R
    ) async throws -> R {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(uri)")!)
        request.httpMethod = method.rawValue
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for field in headers { request.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        if let body { request.httpBody = Data(body.readableBytesView) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return try await testCallback(Reply(status: .init(code: status), body: ByteBuffer(bytes: data)))
    }
}

/// Runs the V2 routes over `models` (and `repository`, for the model repository extension)
/// on 127.0.0.1, port 0, calls `body`, then stops the server. `reloadInterval` > 0 also
/// runs the reload watcher.
func withServer<R>(
    models: [String: StartupModel], limits: ServerLimits = ServerLimits(), repository: URL? = nil,
    connections: ConnectionLimits = ConnectionLimits(), auth: AccessToken? = nil, reloadInterval: Double = 0,
    _ body: (LoopbackClient) async throws -> R
) async throws -> R {
    try await withServer(
        registry: ModelRegistry(models: models, repository: repository, limits: limits), limits: limits,
        connections: connections, auth: auth, reloadInterval: reloadInterval
    ) { client, _ in try await body(client) }
}

/// As above, with the registry given and handed to `body`.
func withServer<R>(
    registry: ModelRegistry, limits: ServerLimits = ServerLimits(),
    connections: ConnectionLimits = ConnectionLimits(), auth: AccessToken? = nil, reloadInterval: Double = 0,
    _ body: (LoopbackClient, ModelRegistry) async throws -> R
) async throws -> R {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "latent-server-tests")
    logger.logLevel = .warning
    let app = makeApplication(
        registry: registry, limits: limits, connections: connections, auth: auth,
        address: .hostname("127.0.0.1", port: 0), logger: logger,
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
    let watcher = ReloadWatcher(registry: registry, interval: reloadInterval, logger: logger)
    var configuration = ServiceGroupConfiguration(
        services: reloadInterval > 0 ? [app, watcher] : [app], logger: logger)
    configuration.maximumGracefulShutdownDuration = .seconds(2)  // then cancelled
    let group = ServiceGroup(configuration: configuration)
    let server = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        server.cancel()
        throw XCTSkip("the server did not start")
    }
    // A graceful stop, as SIGTERM does (cancelling logs "Already closed" errors).
    do {
        let result = try await body(LoopbackClient(port: port), registry)
        await group.triggerGracefulShutdown()
        _ = await server.result
        return result
    } catch {
        await group.triggerGracefulShutdown()
        _ = await server.result
        throw error
    }
}
