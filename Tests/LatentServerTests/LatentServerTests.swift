import Foundation
import Hummingbird
import Latent
import XCTest

@testable import latent_server

/// A tiny detector fitted once per process and saved to a temporary directory named `tiny`.
enum Fixture {
    static let features = 6

    /// Smooth normal rows: a phase-shifted sine per row, plus a little noise.
    static func rows(_ n: Int, seed: UInt64) -> Tensor {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        var values: [Float] = []
        for _ in 0..<n {
            let phase = uniform() * 6.28
            for j in 0..<features {
                values.append(sin(phase + Float(j) * 0.5) + 0.05 * (uniform() - 0.5))
            }
        }
        return Tensor(shape: [n, features], scalars: values)
    }

    static let directory: URL = {
        var c = DetectorConfiguration()
        c.epochs = 5
        c.batchSize = 16
        c.hidden = [4, 2]
        c.learningRate = 0.01
        c.validationFraction = 0.25
        let detector = try! AnomalyDetector.fit(rows(200, seed: 1), configuration: c)
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-server-tests-\(ProcessInfo.processInfo.processIdentifier)")
        let url = root.appendingPathComponent("tiny")
        try? FileManager.default.removeItem(at: root)
        try! FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try! detector.save(to: url)
        return url
    }()

    static let detector: AnomalyDetector = try! AnomalyDetector.load(from: directory)

    /// Serves the tiny detector on a loopback port for `body`.
    static func serve<R>(
        _ limits: ServerLimits = ServerLimits(), _ body: (LoopbackClient) async throws -> R
    ) async throws -> R {
        try await withServer(models: try loadModels([directory.path], limits: limits), limits: limits, body)
    }

    /// A V2 infer body for `x`.
    static func body(_ x: Tensor, explain: Int? = nil, shape: [Int]? = nil) -> ByteBuffer {
        var object: [String: Any] = [
            "id": "t1",
            "inputs": [
                [
                    "name": "input", "shape": shape ?? x.shape, "datatype": "FP32",
                    "data": x.scalars.map { Double($0) },
                ]
            ],
        ]
        if let explain { object["parameters"] = ["explain": explain] }
        return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }
}

func decode(_ buffer: ByteBuffer) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
    return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(String(buffer: buffer))")
}

func outputs(_ buffer: ByteBuffer) throws -> [String: [String: Any]] {
    let list = try XCTUnwrap(try decode(buffer)["outputs"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0) })
}

final class LatentServerTests: XCTestCase {
    let json: HTTPFields = [.contentType: "application/json"]

    func testHealthAndServerMetadata() async throws {
        try await Fixture.serve { client in
            for path in ["/v2/health/live", "/v2/health/ready", "/v2/models/tiny/ready", "/v2"] {
                try await client.execute(uri: path, method: .get) { response in
                    XCTAssertEqual(response.status, .ok, path)
                }
            }
        }
    }

    func testModelMetadata() async throws {
        try await Fixture.serve { client in
            try await client.execute(uri: "/v2/models/tiny", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                let meta = try JSONDecoder().decode(
                    ModelMetadata.self, from: Data(response.body.readableBytesView))
                XCTAssertEqual(meta.name, "tiny")
                XCTAssertEqual(meta.inputs, [.init(name: "input", datatype: "FP32", shape: [-1, 6])])
                XCTAssertEqual(
                    Set(meta.outputs.map(\.name)).isSuperset(of: ["score", "threshold", "anomaly", "p_value"]),
                    true)
            }
        }
    }

    func testInferEqualsTheLibrary() async throws {
        let x = Fixture.rows(20, seed: 7)
        var scalars = x.scalars
        for j in 0..<6 { scalars[j] = 3 }  // one clear anomaly
        let rows = Tensor(shape: [20, 6], scalars: scalars)
        let detector = Fixture.detector
        let scores = try detector.score(rows)
        let p = try detector.pValues(rows)
        let flags = try detector.predict(rows)
        let why = try detector.explain(rows, topK: 2)
        try await Fixture.serve { client in
            try await client.execute(
                uri: "/v2/models/tiny/infer", method: .post, headers: self.json,
                body: Fixture.body(rows, explain: 2)
            ) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let top = try decode(response.body)
                XCTAssertEqual(top["model_name"] as? String, "tiny")
                XCTAssertEqual(top["id"] as? String, "t1")
                let out = try outputs(response.body)
                let served = (out["score"]?["data"] as? [Double])?.map { Float($0) }
                XCTAssertEqual(served, scores)
                XCTAssertEqual(out["anomaly"]?["datatype"] as? String, "BOOL")
                XCTAssertEqual(out["anomaly"]?["data"] as? [Bool], flags)
                XCTAssertEqual(flags[0], true)
                // (JSON text round trips of doubles may move the last digit.)
                let served_p = try XCTUnwrap(out["p_value"]?["data"] as? [Double])
                XCTAssertEqual(served_p.count, p.count)
                for (a, b) in zip(served_p, p) { XCTAssertEqual(a, b, accuracy: 1e-12) }
                XCTAssertEqual(
                    (out["threshold"]?["data"] as? [Double])?.map { Float($0) },
                    Array(repeating: detector.threshold, count: 20))
                XCTAssertEqual(out["explain_index"]?["shape"] as? [Int], [20, 2])
                XCTAssertEqual(out["explain_index"]?["data"] as? [Int], why.flatMap { $0.map(\.index) })
                XCTAssertEqual(
                    out["explain_feature"]?["data"] as? [String], why.flatMap { $0.map(\.name) })
            }
        }
    }

    func testANearestNeighbourDetectorServesTheLibrarysBits() async throws {
        let url = Fixture.directory.deletingLastPathComponent().appendingPathComponent("near")
        try AnomalyDetector.fit(Fixture.rows(200, seed: 3)).save(to: url)
        let detector = try AnomalyDetector.load(from: url)
        XCTAssertEqual(detector.plan.model, .neighbours)
        let rows = Fixture.rows(33, seed: 9)
        let scores = try detector.score(rows)
        let limits = ServerLimits()
        try await withServer(models: try loadModels([url.path], limits: limits), limits: limits) { client in
            try await client.execute(
                uri: "/v2/models/near/infer", method: .post, headers: self.json, body: Fixture.body(rows)
            ) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let served = (try outputs(response.body)["score"]?["data"] as? [Double])?.map { Float($0) }
                XCTAssertEqual(served, scores)
            }
        }
    }

    func testConcurrentRequestsAreBatchedAndExact() async throws {
        let limits = ServerLimits()
        let models = try loadModels([Fixture.directory.path], limits: limits)
        let requests = (0..<32).map { Fixture.rows(1 + $0 % 5, seed: UInt64(100 + $0)) }
        let expected = try requests.map { try Fixture.detector.score($0) }
        try await withServer(models: models, limits: limits) { client in
            try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
                for (i, x) in requests.enumerated() {
                    group.addTask {
                        try await client.execute(
                            uri: "/v2/models/tiny/infer", method: .post, body: Fixture.body(x)
                        ) { response in
                            XCTAssertEqual(response.status, .ok)
                            let data = try outputs(response.body)["score"]?["data"] as? [Double]
                            return (i, (data ?? []).map { Float($0) })
                        }
                    }
                }
                for try await (i, scores) in group {
                    XCTAssertEqual(scores.count, expected[i].count)
                    // Bit for bit: a row's score must not depend on the rows batched with it.
                    XCTAssertEqual(scores.map(\.bitPattern), expected[i].map(\.bitPattern), "request \(i)")
                }
            }
        }
        let stats = models["tiny"]!.served.batcher.statistics
        XCTAssertEqual(stats.requests, 32)  // that they are joined is proven in MicroBatcherTests
    }

    func testBadRequestsGetV2Errors() async throws {
        let x = Fixture.rows(3, seed: 3)
        let tooMany = Fixture.rows(6, seed: 4)
        let bad: [(String, HTTPRequest.Method, ByteBuffer?, HTTPResponse.Status)] = [
            ("/v2/models/tiny/infer", .post, ByteBuffer(string: "{not json"), .badRequest),
            ("/v2/models/tiny/infer", .post, ByteBuffer(string: "{\"inputs\": 3}"), .badRequest),
            ("/v2/models/tiny/infer", .post, ByteBuffer(string: "{\"inputs\": []}"), .badRequest),
            ("/v2/models/tiny/infer", .post, Fixture.body(x, shape: [18]), .badRequest),
            ("/v2/models/tiny/infer", .post, Fixture.body(x, shape: [2, 9]), .badRequest),
            ("/v2/models/tiny/infer", .post, Fixture.body(x, shape: [4, 6]), .badRequest),
            ("/v2/models/tiny/infer", .post, Fixture.body(x, explain: 99), .badRequest),
            ("/v2/models/tiny/infer", .post, Fixture.body(tooMany), .contentTooLarge),
            ("/v2/models/tiny/infer", .post, ByteBuffer(repeating: 32, count: 5000), .contentTooLarge),
            ("/v2/models/nope/infer", .post, Fixture.body(x), .notFound),
            ("/v2/models/nope", .get, nil, .notFound),
        ]
        try await Fixture.serve(ServerLimits(maxBodyBytes: 4096, maxRows: 5)) { client in
            for (path, method, body, status) in bad {
                try await client.execute(uri: path, method: method, body: body) { response in
                    XCTAssertEqual(response.status, status, "\(path) \(body.map { String(buffer: $0) } ?? "")")
                    let error = try decode(response.body)["error"] as? String
                    XCTAssertNotNil(error, String(buffer: response.body))
                }
            }
            // Still serving after all that.
            try await client.execute(uri: "/v2/models/tiny/infer", method: .post, body: Fixture.body(x)) {
                XCTAssertEqual($0.status, .ok)
            }
        }
    }

    func testModelNamesFromArguments() throws {
        let limits = ServerLimits()
        XCTAssertEqual(Array(try loadModels([Fixture.directory.path + "/"], limits: limits).keys), ["tiny"])
        XCTAssertEqual(
            Array(try loadModels(["ecg=" + Fixture.directory.path], limits: limits).keys), ["ecg"])
        XCTAssertThrowsError(
            try loadModels([Fixture.directory.path, Fixture.directory.path], limits: limits))
        XCTAssertThrowsError(try loadModels(["/nonexistent/dir"], limits: limits))
    }

    func testUnknownRouteIsV2Error() async throws {
        try await Fixture.serve { client in
            try await client.execute(uri: "/v1/models/tiny:predict", method: .post) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertNotNil(try decode(response.body)["error"] as? String)
            }
        }
    }
}
