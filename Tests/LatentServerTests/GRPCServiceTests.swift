import Foundation
import GRPCCore
import Latent
import XCTest

@testable import latent_server

/// `inference.GRPCInferenceService` over a loopback HTTP/2 connection with grpc-swift's
/// client: health, metadata, infer (raw and typed tensors, bit for bit against the
/// library), refusals mapped to gRPC status codes, the token, the repository RPCs.
final class GRPCServiceTests: XCTestCase {
    func registry(repository: URL? = nil) throws -> ModelRegistry {
        let models = repository == nil ? try loadModels([Fixture.directory.path], limits: ServerLimits()) : [:]
        return ModelRegistry(models: models, repository: repository, limits: ServerLimits())
    }

    func testHealthAndMetadata() async throws {
        try await withGRPCServer(registry: try registry()) { client in
            let live = try await client.serverLive(Inference_ServerLiveRequest())
            XCTAssertTrue(live.live)
            let ready = try await client.serverReady(Inference_ServerReadyRequest())
            XCTAssertTrue(ready.ready)
            let server = try await client.serverMetadata(Inference_ServerMetadataRequest())
            XCTAssertEqual(server.name, "latent-server")
            XCTAssertEqual(server.extensions, [])
            let meta = try await client.modelMetadata(.with { $0.name = "tiny" })
            XCTAssertEqual(meta.name, "tiny")
            XCTAssertEqual(meta.versions, ["1"])
            XCTAssertEqual(meta.inputs.map(\.name), ["input"])
            XCTAssertEqual(meta.inputs.first?.datatype, "FP32")
            XCTAssertEqual(meta.inputs.first?.shape, [-1, 6])
            XCTAssertEqual(
                meta.outputs.map(\.name),
                ["score", "threshold", "anomaly", "p_value", "explain_index", "explain_feature", "explain_error"])
            for (name, version, expected) in [
                ("tiny", "", true), ("tiny", "1", true), ("tiny", "2", false), ("nope", "", false),
            ] {
                let answer = try await client.modelReady(
                    .with {
                        $0.name = name
                        $0.version = version
                    })
                XCTAssertEqual(answer.ready, expected, "\(name) version '\(version)'")
            }
        }
    }

    func testRawInferEqualsTheLibraryBitForBit() async throws {
        let x = Fixture.rows(9, seed: 31)
        var scalars = x.scalars
        for j in 0..<6 { scalars[6 + j] = 3 }  // row 1: a clear anomaly
        let rows = Tensor(shape: [9, 6], scalars: scalars)
        let expected = try Fixture.detector.evaluate(rows)
        let registry = try registry()
        try await withGRPCServer(registry: registry) { client in
            let answer = try await client.modelInfer(inferRequest(scalars, shape: [9, 6], raw: true))
            XCTAssertEqual(answer.modelName, "tiny")
            XCTAssertEqual(answer.modelVersion, "1")
            XCTAssertEqual(answer.id, "g1")
            XCTAssertEqual(answer.outputs.map(\.name), ["score", "threshold", "anomaly", "p_value"])
            XCTAssertEqual(answer.outputs.map(\.datatype), ["FP32", "FP32", "BOOL", "FP64"])
            XCTAssertEqual(answer.outputs.map(\.shape), [[9], [9], [9], [9]])
            XCTAssertEqual(answer.rawOutputContents.count, 4)
            XCTAssertFalse(answer.outputs[0].hasContents, "raw in, raw out")
            let raw = answer.rawOutputContents
            XCTAssertEqual(littleEndian(raw[0], as: UInt32.self), expected.map(\.score.bitPattern))
            XCTAssertEqual(
                littleEndian(raw[1], as: UInt32.self),
                Array(repeating: Fixture.detector.threshold.bitPattern, count: 9))
            XCTAssertEqual(Array(raw[2]), expected.map { $0.anomaly ? 1 : 0 })
            XCTAssertEqual(littleEndian(raw[3], as: UInt64.self), expected.map(\.pValue.bitPattern))
            XCTAssertTrue(expected[1].anomaly)
        }
        let metrics = String(decoding: registry.metrics.text(), as: UTF8.self)
        XCTAssertTrue(metrics.contains(#"latent_grpc_requests_total{method="ModelInfer",code="ok"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"latent_rows_scored_total{model="tiny"} 9"#), metrics)
    }

    func testTypedInferWithExplanations() async throws {
        let x = Fixture.rows(5, seed: 32)
        let expected = try Fixture.detector.evaluate(x, topK: 2)
        try await withGRPCServer(registry: try registry()) { client in
            var request = inferRequest(x.scalars, shape: [5, 6], raw: false)
            request.parameters["explain"] = .with { $0.int64Param = 2 }
            request.outputs = ["score", "explain_feature", "explain_error"].map { name in .with { $0.name = name } }
            let answer = try await client.modelInfer(request)
            XCTAssertTrue(answer.rawOutputContents.isEmpty, "typed in, typed out")
            XCTAssertEqual(answer.outputs.map(\.name), ["score", "explain_feature", "explain_error"])
            XCTAssertEqual(
                answer.outputs[0].contents.fp32Contents.map(\.bitPattern), expected.map(\.score.bitPattern))
            XCTAssertEqual(answer.outputs[1].shape, [5, 2])
            XCTAssertEqual(
                answer.outputs[1].contents.bytesContents.map { String(decoding: $0, as: UTF8.self) },
                expected.flatMap { $0.explanation.map(\.name) })
            XCTAssertEqual(
                answer.outputs[2].contents.fp32Contents.map(\.bitPattern),
                expected.flatMap { $0.explanation.map(\.error.bitPattern) })
        }
    }

    func testRefusalsMapToStatusCodes() async throws {
        let x = Fixture.rows(2, seed: 33).scalars
        try await withGRPCServer(registry: try registry()) { client in
            // [2, 6] values sent as [3, 4]: 4 features, the model takes 6.
            var error = await rpcError { try await client.modelInfer(inferRequest(x, shape: [3, 4], raw: true)) }
            XCTAssertEqual(error?.code, .invalidArgument)
            XCTAssertTrue(
                error?.message.contains("input 'input' has 4 features") ?? false, "\(String(describing: error))")
            // The bytes do not fill the shape.
            error = await rpcError {
                try await client.modelInfer(inferRequest(Array(x.prefix(11)), shape: [2, 6], raw: true))
            }
            XCTAssertEqual(error?.code, .invalidArgument)
            XCTAssertTrue(
                error?.message.contains("raw_input_contents[0] holds 44 bytes") ?? false, "\(String(describing: error))"
            )
            error = await rpcError {
                try await client.modelInfer(inferRequest(Array(x.prefix(11)), shape: [2, 6], raw: false))
            }
            XCTAssertEqual(error?.code, .invalidArgument)
            XCTAssertTrue(
                error?.message.contains("contents.fp32_contents holds 11") ?? false, "\(String(describing: error))")
            var nan = inferRequest(x, shape: [2, 6], raw: false)
            nan.inputs[0].contents.fp32Contents[7] = .nan
            error = await rpcError { try await client.modelInfer(nan) }
            XCTAssertEqual(error?.code, .invalidArgument)
            XCTAssertTrue(error?.message.contains("row 1, feature 1") ?? false, "\(String(describing: error))")
            var ints = inferRequest(x, shape: [2, 6], raw: true)
            ints.inputs[0].datatype = "INT32"
            error = await rpcError { try await client.modelInfer(ints) }
            XCTAssertEqual(error?.code, .invalidArgument)
            // Unknown model or version: notFound, naming it.
            error = await rpcError {
                try await client.modelInfer(inferRequest(x, shape: [2, 6], raw: true, model: "nope"))
            }
            XCTAssertEqual(error?.code, .notFound)
            XCTAssertTrue(error?.message.contains("no model named 'nope'") ?? false, "\(String(describing: error))")
            var versioned = inferRequest(x, shape: [2, 6], raw: true)
            versioned.modelVersion = "7"
            error = await rpcError { try await client.modelInfer(versioned) }
            XCTAssertEqual(error?.code, .notFound)
            error = await rpcError { try await client.modelMetadata(.with { $0.name = "nope" }) }
            XCTAssertEqual(error?.code, .notFound)
            // Beyond --max-rows: resourceExhausted.
            error = await rpcError {
                try await client.modelInfer(inferRequest([], shape: [ServerLimits().maxRows + 1, 6], raw: false))
            }
            XCTAssertEqual(error?.code, .resourceExhausted)
            // No repository: the repository RPCs are not there.
            error = await rpcError { try await client.repositoryIndex(Inference_RepositoryIndexRequest()) }
            XCTAssertEqual(error?.code, .unimplemented)
            error = await rpcError { try await client.repositoryModelUnload(.with { $0.modelName = "tiny" }) }
            XCTAssertEqual(error?.code, .unimplemented)
        }
    }

    func testTheTokenGuardsInferAndTheRepository() async throws {
        let token = "grpc-test-token-0123456789"
        let x = Fixture.rows(1, seed: 34).scalars
        try await withGRPCServer(registry: try registry(), auth: AccessToken(token: token)) { client in
            let request = inferRequest(x, shape: [1, 6], raw: true)
            var error = await rpcError { try await client.modelInfer(request) }
            XCTAssertEqual(error?.code, .unauthenticated)
            error = await rpcError { try await client.modelInfer(request, metadata: ["authorization": "Bearer wrong"]) }
            XCTAssertEqual(error?.code, .unauthenticated)
            XCTAssertEqual(error?.message, "the bearer token is not accepted")
            error = await rpcError { try await client.repositoryIndex(Inference_RepositoryIndexRequest()) }
            XCTAssertEqual(error?.code, .unauthenticated)
            let answer = try await client.modelInfer(request, metadata: ["authorization": "Bearer \(token)"])
            XCTAssertEqual(answer.outputs.count, 4)
            // Probes stay open.
            let live = try await client.serverLive(Inference_ServerLiveRequest())
            XCTAssertTrue(live.live)
            let meta = try await client.modelMetadata(.with { $0.name = "tiny" })
            XCTAssertEqual(meta.name, "tiny")
        }
    }

    func testRepositoryLoadInferUnload() async throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-server-grpc-repository-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixture.directory, to: root.appendingPathComponent("cells"))
        defer { try? FileManager.default.removeItem(at: root) }
        let x = Fixture.rows(3, seed: 35)
        let expected = try Fixture.detector.evaluate(x)
        try await withGRPCServer(registry: try registry(repository: root)) { client in
            let server = try await client.serverMetadata(Inference_ServerMetadataRequest())
            XCTAssertEqual(server.extensions, ["model_repository"])
            var index = try await client.repositoryIndex(Inference_RepositoryIndexRequest())
            XCTAssertEqual(index.models.map(\.name), ["cells"])
            XCTAssertEqual(index.models.map(\.state), ["UNAVAILABLE"])
            index = try await client.repositoryIndex(.with { $0.ready = true })
            XCTAssertEqual(index.models.count, 0)
            var ready = try await client.modelReady(.with { $0.name = "cells" })
            XCTAssertFalse(ready.ready)

            _ = try await client.repositoryModelLoad(.with { $0.modelName = "cells" })
            ready = try await client.modelReady(.with { $0.name = "cells" })
            XCTAssertTrue(ready.ready)
            let answer = try await client.modelInfer(inferRequest(x.scalars, shape: [3, 6], raw: true, model: "cells"))
            XCTAssertEqual(littleEndian(answer.rawOutputContents[0], as: UInt32.self), expected.map(\.score.bitPattern))

            _ = try await client.repositoryModelUnload(.with { $0.modelName = "cells" })
            ready = try await client.modelReady(.with { $0.name = "cells" })
            XCTAssertFalse(ready.ready)

            var error = await rpcError { try await client.repositoryModelLoad(.with { $0.modelName = "../cells" }) }
            XCTAssertEqual(error?.code, .invalidArgument)
            XCTAssertFalse(error?.message.contains(root.path) ?? true, "a path leaked: \(String(describing: error))")
            error = await rpcError { try await client.repositoryModelLoad(.with { $0.modelName = "absent" }) }
            XCTAssertEqual(error?.code, .notFound)
            XCTAssertFalse(error?.message.contains(root.path) ?? true, "a path leaked: \(String(describing: error))")
            error = await rpcError {
                try await client.repositoryModelLoad(
                    .with {
                        $0.modelName = "cells"
                        $0.parameters["config"] = .with { $0.stringParam = "{}" }
                    })
            }
            XCTAssertEqual(error?.code, .invalidArgument)
        }
    }
}
