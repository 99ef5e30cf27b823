import Foundation
import Hummingbird
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@testable import latent_server

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
        if let body { request.httpBody = Data(body.readableBytesView) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return try await testCallback(Reply(status: .init(code: status), body: ByteBuffer(bytes: data)))
    }
}

/// Runs the V2 routes over `models` (and `repository`, for the model repository extension)
/// on 127.0.0.1, port 0, calls `body`, then stops the server.
func withServer<R>(
    models: [String: ServedModel], limits: ServerLimits = ServerLimits(), repository: URL? = nil,
    _ body: (LoopbackClient) async throws -> R
) async throws -> R {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: buildRouter(models: models, limits: limits, repository: repository),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
    let server = Task { try await app.runService(gracefulShutdownSignals: []) }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        server.cancel()
        throw XCTSkip("the server did not start")
    }
    do {
        let result = try await body(LoopbackClient(port: port))
        server.cancel()
        _ = await server.result
        return result
    } catch {
        server.cancel()
        _ = await server.result
        throw error
    }
}
