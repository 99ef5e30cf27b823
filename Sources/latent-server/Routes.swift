import Foundation
import Hummingbird
import Latent

/// A detector being served: its name (the directory's base name), its batcher and the
/// metadata `GET /v2/models/NAME` answers.
struct ServedModel: Sendable {
    let name: String
    let batcher: MicroBatcher
    let metadata: ModelMetadata
    let threshold: Float

    init(name: String, detector: AnomalyDetector, limits: ServerLimits) {
        self.name = name
        batcher = MicroBatcher(detector: detector, label: name, maxBatchRows: limits.maxBatchRows)
        let d = detector.schema.featureCount
        threshold = detector.threshold
        metadata = ModelMetadata(
            name: name, versions: ["1"], platform: "latent",
            inputs: [.init(name: "input", datatype: "FP32", shape: [-1, d])],
            outputs: [
                .init(name: "score", datatype: "FP32", shape: [-1]),
                .init(name: "threshold", datatype: "FP32", shape: [-1]),
                .init(name: "anomaly", datatype: "BOOL", shape: [-1]),
                .init(name: "p_value", datatype: "FP64", shape: [-1]),
                .init(name: "explain_index", datatype: "INT32", shape: [-1, -1]),
                .init(name: "explain_feature", datatype: "BYTES", shape: [-1, -1]),
                .init(name: "explain_error", datatype: "FP32", shape: [-1, -1]),
            ],
            parameters: [
                "threshold": .number(Double(detector.threshold)),
                "threshold_rule": .string("\(detector.thresholdRule)"),
                "features": .number(Double(d)),
                "calibration_rows": .number(Double(detector.calibration.count)),
            ])
    }
}

/// A request the server refuses: answered as `{"error": message}` with `status`.
struct V2Error: Error {
    var status: HTTPResponse.Status
    var message: String
    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}

let outputNames: Set<String> = [
    "score", "threshold", "anomaly", "p_value", "explain_index", "explain_feature", "explain_error",
]
let numericDatatypes: Set<String> = [
    "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64",
]

/// The V2 routes over `models`, with the error and logging middleware; with a
/// `repository`, the model repository extension loads more by name.
func buildRouter(
    models: [String: ServedModel], limits: ServerLimits, repository: URL? = nil
) -> Router<BasicRequestContext> {
    let router = Router()
    router.middlewares.add(V2Middleware())
    let registry = ModelRegistry(models: models, repository: repository, limits: limits)
    let extensions = repository == nil ? [] : ["model_repository"]

    router.get("/v2") { _, _ in
        try json(ServerMetadata(name: "latent-server", version: "1", extensions: extensions))
    }
    router.get("/v2/health/live") { _, _ in try json(["live": true]) }
    router.get("/v2/health/ready") { _, _ in try json(["ready": true]) }
    router.get("/v2/models/:name/ready") { _, context in
        _ = try await model(context, registry)
        return try json(["name": context.parameters.get("name") ?? "", "ready": "true"])
    }
    router.get("/v2/models/:name") { _, context in
        try json(try await model(context, registry).metadata)
    }
    router.post("/v2/models/:name/infer") { request, context in
        let served = try await model(context, registry)
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limits.maxBodyBytes)
        } catch {  // NIOTooManyBytesError (or a client gone mid-body, when no one reads the answer)
            throw V2Error(
                .contentTooLarge, "the request body is larger than \(limits.maxBodyBytes) bytes")
        }
        let parsed = try parseInference(Data(body.readableBytesView), model: served, limits: limits)
        let rows = try await served.batcher.evaluate(
            rows: parsed.values, count: parsed.rows, topK: parsed.explain)
        return try json(inferenceResponse(parsed, rows, model: served))
    }

    // The model repository extension (ModelRegistry.swift).
    router.post("/v2/repository/index") { _, _ in try json(try await registry.index()) }
    router.post("/v2/repository/models/:name/load") { _, context in
        try await registry.load(context.parameters.get("name") ?? "")
        return try json([String: String]())
    }
    router.post("/v2/repository/models/:name/unload") { _, context in
        try await registry.unload(context.parameters.get("name") ?? "")
        return try json([String: String]())
    }
    return router
}

private func model(_ context: BasicRequestContext, _ registry: ModelRegistry) async throws -> ServedModel {
    try await registry.model(named: context.parameters.get("name") ?? "")
}

/// A checked inference request.
struct ParsedInference {
    var id: String?
    var rows: Int
    var values: [Float]
    var explain: Int
    var outputs: Set<String>
}

/// Decodes and checks an infer body against the model; every problem is a ``V2Error``.
func parseInference(_ body: Data, model: ServedModel, limits: ServerLimits) throws -> ParsedInference {
    let request: InferenceRequest
    do {
        request = try JSONDecoder().decode(InferenceRequest.self, from: body)
    } catch {
        throw V2Error(.badRequest, "the body is not a V2 inference request: \(describe(error))")
    }
    guard request.inputs.count == 1, let input = request.inputs.first else {
        throw V2Error(.badRequest, "expected exactly one input tensor, got \(request.inputs.count)")
    }
    guard numericDatatypes.contains(input.datatype.uppercased()) else {
        throw V2Error(.badRequest, "input '\(input.name)' has datatype \(input.datatype); send FP32")
    }
    let d = model.metadata.inputs[0].shape[1]
    guard input.shape.count >= 2, input.shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 31 }) else {
        throw V2Error(
            .badRequest, "input '\(input.name)' has shape \(input.shape); send [rows, \(d)]")
    }
    let n = input.shape[0]
    var features = 1
    for dim in input.shape.dropFirst() {
        let (product, overflow) = features.multipliedReportingOverflow(by: dim)
        guard !overflow else { throw V2Error(.badRequest, "shape \(input.shape) is too large") }
        features = product
    }
    guard features == d else {
        throw V2Error(
            .badRequest,
            "input '\(input.name)' has \(features) features per row (shape \(input.shape)) but model '\(model.name)' takes \(d); send [rows, \(d)]"
        )
    }
    guard n >= 1 else { throw V2Error(.badRequest, "input '\(input.name)' has no rows") }
    guard n <= limits.maxRows else {
        throw V2Error(
            .contentTooLarge, "input '\(input.name)' has \(n) rows; at most \(limits.maxRows) per request")
    }
    let values = input.data.values
    guard values.count == n * d else {
        throw V2Error(
            .badRequest,
            "input '\(input.name)' has shape \(input.shape) (\(n * d) values) but its data holds \(values.count)")
    }
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw V2Error(
            .badRequest, "row \(bad / d), feature \(bad % d) is not a finite FP32 number")
    }
    var explain = 0
    if let value = request.parameters?["explain"] ?? input.parameters?["explain"] {
        let most = min(limits.maxExplain, d)
        guard let k = value.integer, k >= 0, k <= most else {
            throw V2Error(.badRequest, "parameter explain must be a whole number from 0 to \(most)")
        }
        explain = k
    }
    var outputs = outputNames
    if let requested = request.outputs, !requested.isEmpty {
        outputs = Set(requested.map(\.name))
        if let unknown = outputs.subtracting(outputNames).first {
            throw V2Error(
                .badRequest,
                "unknown output '\(unknown)'; outputs are \(outputNames.sorted().joined(separator: ", "))")
        }
    }
    return ParsedInference(id: request.id, rows: n, values: values, explain: explain, outputs: outputs)
}

func inferenceResponse(_ parsed: ParsedInference, _ rows: [RowScore], model: ServedModel) -> InferenceResponse {
    let n = rows.count
    let k = parsed.explain
    let threshold = model.threshold
    var outputs: [ResponseOutput] = [
        .init(name: "score", shape: [n], datatype: "FP32", data: .fp32(rows.map(\.score))),
        .init(name: "threshold", shape: [n], datatype: "FP32", data: .fp32(Array(repeating: threshold, count: n))),
        .init(name: "anomaly", shape: [n], datatype: "BOOL", data: .bool(rows.map(\.anomaly))),
        .init(name: "p_value", shape: [n], datatype: "FP64", data: .fp64(rows.map(\.pValue))),
    ]
    if k > 0 {
        let e = rows.flatMap(\.explanation)
        outputs += [
            .init(name: "explain_index", shape: [n, k], datatype: "INT32", data: .int32(e.map(\.index))),
            .init(name: "explain_feature", shape: [n, k], datatype: "BYTES", data: .bytes(e.map(\.name))),
            .init(name: "explain_error", shape: [n, k], datatype: "FP32", data: .fp32(e.map(\.error))),
        ]
    }
    return InferenceResponse(
        model_name: model.name, model_version: "1", id: parsed.id, parameters: nil,
        outputs: outputs.filter { parsed.outputs.contains($0.name) })
}

/// A short reason for a JSON decoding failure.
func describe(_ error: Error) -> String {
    func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case DecodingError.dataCorrupted(let c):
        return c.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(c.codingPath))"
    case DecodingError.keyNotFound(let key, let c):
        return "missing '\(key.stringValue)' at \(path(c.codingPath))"
    case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
        return "wrong type at \(path(c.codingPath))"
    default:
        return "\(error)"
    }
}

private let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
}()

/// A JSON response with `status`.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let data = try encoder.encode(value)
    return Response(
        status: status, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}

/// Turns every failure into V2 error JSON and logs one line per request.
struct V2Middleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as V2Error {
            response = try json(ErrorBody(error: error.message), status: error.status)
        } catch let error as HTTPError {
            let message = error.status == .contentTooLarge
                ? "the request body is larger than the server's limit" : (error.body ?? error.status.reasonPhrase)
            response = try json(ErrorBody(error: message), status: error.status)
        } catch {
            response = try json(ErrorBody(error: "internal error: \(error)"), status: .internalServerError)
        }
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.2f", ms)) ms")
        return response
    }
}
