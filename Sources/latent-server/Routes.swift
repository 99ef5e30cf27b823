import Foundation
import HTTPTypes
import Hummingbird
import Latent
import NIOCore

/// The V2 routes over `registry`, with the error, logging and access middleware; the
/// model repository routes exist only when the registry has a repository. `pool` is shared
/// with the gRPC service when there is one.
func buildRouter(
    registry: ModelRegistry, limits: ServerLimits, auth: AccessToken? = nil, pool: WorkPool? = nil
) -> Router<ServerContext> {
    let router = Router(context: ServerContext.self)
    router.middlewares.add(V2Middleware(auth: auth, metrics: registry.metrics))
    let pool = pool ?? WorkPool(width: limits.decodeConcurrency)
    let hasRepository = registry.repository != nil
    let extensions = hasRepository ? ["model_repository"] : []

    router.get("/v2") { _, _ in
        try json(ServerMetadata(name: "latent-server", version: "1", extensions: extensions))
    }
    router.get("/v2/health/live") { _, _ in try json(["live": true]) }
    router.get("/metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.metrics.text())))
    }
    router.get("/v2/health/ready") { _, _ in
        let ready = await registry.isReady
        return try json(["ready": ready], status: ready ? .ok : .serviceUnavailable)
    }
    for base in ["/v2/models/:name", "/v2/models/:name/versions/:version"] {
        router.get("\(base)/ready") { _, context in
            let served = try await model(context, registry)
            return try json(ModelReady(name: served.name, ready: true))
        }
        router.get(RouterPath(base)) { _, context in
            try json(try await model(context, registry).metadata)
        }
        router.post("\(base)/infer") { request, context in
            try await infer(request, context, registry: registry, limits: limits, pool: pool)
        }
    }

    // The model repository extension (ModelRegistry.swift): only with a repository, so
    // no request can unload a model the server was started to serve.
    if hasRepository {
        router.post("/v2/repository/index") { _, _ in try json(await registry.index()) }
        router.post("/v2/repository/models/:name/load") { _, context in
            try await registry.load(try name(context))
            return try json([String: String]())
        }
        router.post("/v2/repository/models/:name/unload") { _, context in
            try await registry.unload(try name(context))
            return try json([String: String]())
        }
    }
    return router
}

/// The `:name` parameter, percent-decoded once (`a%20b` is the model `a b`).
private func name(_ context: ServerContext) throws -> String {
    let raw = context.parameters.get("name") ?? ""
    guard let decoded = raw.removingPercentEncoding else {
        throw V2Error(.badRequest, "model name '\(clip(raw))' is not valid percent-encoding")
    }
    return decoded
}

/// The model the route names; a version other than "1" is 404.
private func model(_ context: ServerContext, _ registry: ModelRegistry) async throws -> ServedModel {
    let served = try await registry.model(named: try name(context))
    if let version = context.parameters.get("version"), version != "1" {
        throw V2Error(.notFound, "model '\(served.name)' has no version '\(clip(version))'; it has version 1")
    }
    return served
}

/// The Triton binary tensor extension's header: the JSON part's length in bytes.
let binaryHeaderName = HTTPField.Name("Inference-Header-Content-Length")!

private func infer(
    _ request: Request, _ context: ServerContext, registry: ModelRegistry, limits: ServerLimits,
    pool: WorkPool
) async throws -> Response {
    let served = try await model(context, registry)
    let jsonLength = try binaryJSONLength(request)
    try checkContentType(request, binary: jsonLength != nil)
    let body = try await readBody(request, limits: limits)
    if let jsonLength, jsonLength > body.readableBytes {
        throw V2Error(
            .badRequest,
            "Inference-Header-Content-Length is \(jsonLength) but the body has \(body.readableBytes) bytes")
    }
    let parsed = try await pool.run {
        try body.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let jsonLength else { return try parseInference(bytes, model: served, limits: limits) }
            return try parseInference(
                UnsafeBufferPointer(rebasing: bytes[..<jsonLength]),
                binary: UnsafeBufferPointer(rebasing: bytes[jsonLength...]), model: served, limits: limits)
        }
    }
    let rows = try await served.batcher.evaluate(
        rows: parsed.values, count: parsed.rows, topK: parsed.explain)
    let answer = try await pool.run { try inferenceResponse(parsed, rows, model: served) }
    registry.metrics.scored(model: served.name, rows: rows.count, anomalies: rows.count { $0.anomaly })
    return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
}

private func binaryJSONLength(_ request: Request) throws -> Int? {
    guard let text = request.headers[binaryHeaderName] else { return nil }
    guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 0 else {
        throw V2Error(.badRequest, "Inference-Header-Content-Length '\(clip(text))' is not a byte count")
    }
    return n
}

/// JSON bodies must say so (or say nothing); binary ones may be `application/octet-stream`.
private func checkContentType(_ request: Request, binary: Bool) throws {
    guard let value = request.headers[.contentType] else { return }
    let type =
        value.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
    if type == "application/json" || (binary && type == "application/octet-stream") { return }
    throw V2Error(
        .unsupportedMediaType,
        "content type '\(clip(value))' is not accepted; send application/json"
            + " (or application/octet-stream with Inference-Header-Content-Length)")
}

/// The whole body, within the size limit and the body timeout.
///
/// The deadline is checked as each piece arrives, so a client trickling bytes gets 408;
/// one that stops sending altogether is closed by the idle timeout. (A timer task raced
/// against the read per request cost ~700 bytes of memory per request that were never
/// given back.)
private func readBody(_ request: Request, limits: ServerLimits) async throws -> ByteBuffer {
    let maxBytes = limits.maxBodyBytes
    if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBytes {
        throw V2Error(.contentTooLarge, "the request body is larger than \(maxBytes) bytes")
    }
    let deadline = ContinuousClock.now + .milliseconds(Int64(limits.bodyTimeout * 1000))
    var collected = ByteBuffer()
    do {
        for try await piece in request.body {
            guard collected.readableBytes + piece.readableBytes <= maxBytes else {
                throw V2Error(.contentTooLarge, "the request body is larger than \(maxBytes) bytes")
            }
            if collected.readableBytes == 0 {
                collected = piece
            } else {
                var piece = piece
                collected.writeBuffer(&piece)
            }
            if ContinuousClock.now > deadline {
                throw V2Error(.requestTimeout, "the request body did not arrive within \(limits.bodyTimeout) s")
            }
        }
    } catch let error as V2Error {
        throw error
    } catch {
        throw V2Error(.badRequest, "the request body could not be read: \(clip("\(error)"))")
    }
    return collected
}

/// `GET /v2/models/NAME/ready` answer.
struct ModelReady: Codable {
    var name: String
    var ready: Bool
}

private let encoder: JSONEncoder = JSONEncoder()

/// A JSON response with `status`.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let data = try encoder.encode(value)
    return Response(
        status: status, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}
