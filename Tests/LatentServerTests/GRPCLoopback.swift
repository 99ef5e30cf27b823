import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import ServiceLifecycle
import XCTest

@testable import latent_server

/// The generated client over a real HTTP/2 connection.
typealias InferenceClient = Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>

/// Runs the gRPC service over `registry` on 127.0.0.1, port 0, calls `body` with grpc-swift's
/// client connected to it, then stops the server gracefully, as SIGTERM does.
func withGRPCServer<R: Sendable>(
    registry: ModelRegistry, limits: ServerLimits = ServerLimits(), auth: AccessToken? = nil,
    _ body: (InferenceClient) async throws -> R
) async throws -> R {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "latent-server-tests")
    logger.logLevel = .warning
    let listener = GRPCListener(
        host: "127.0.0.1", port: 0, registry: registry, limits: limits, connections: ConnectionLimits(),
        pool: WorkPool(width: limits.decodeConcurrency), auth: auth, logger: logger,
        onListening: { continuation.yield($0) })
    var configuration = ServiceGroupConfiguration(services: [listener], logger: logger)
    configuration.maximumGracefulShutdownDuration = .seconds(2)
    let group = ServiceGroup(configuration: configuration)
    let server = Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        server.cancel()
        throw XCTSkip("the gRPC server did not start")
    }
    do {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        let result = try await withGRPCClient(transport: transport) { client in
            try await body(InferenceClient(wrapping: client))
        }
        await group.triggerGracefulShutdown()
        _ = await server.result
        return result
    } catch {
        await group.triggerGracefulShutdown()
        _ = await server.result
        throw error
    }
}

/// The gRPC status `call` failed with, or a test failure if it succeeded.
func rpcError<T>(_ call: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> RPCError? {
    do {
        _ = try await call()
        XCTFail("the call succeeded", file: file, line: line)
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        XCTFail("not an RPCError: \(error)", file: file, line: line)
        return nil
    }
}

/// An infer request for `x`: raw little-endian FP32 bytes, or typed `fp32_contents`.
func inferRequest(_ x: [Float], shape: [Int], raw: Bool, model: String = "tiny") -> Inference_ModelInferRequest {
    .with {
        $0.modelName = model
        $0.id = "g1"
        var input = Inference_ModelInferRequest.InferInputTensor()
        input.name = "input"
        input.datatype = "FP32"
        input.shape = shape.map(Int64.init)
        if raw {
            var data = Data()
            for v in x { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            $0.rawInputContents = [data]
        } else {
            input.contents.fp32Contents = x
        }
        $0.inputs = [input]
    }
}

/// Raw output bytes read back as little-endian values of `T`.
func littleEndian<T: FixedWidthInteger>(_ data: Data, as: T.Type) -> [T] {
    data.withUnsafeBytes { raw in
        (0..<(raw.count / MemoryLayout<T>.size)).map {
            T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self))
        }
    }
}
