import Foundation
import Hummingbird
import Latent
import XCTest

@testable import latent_server

/// The V2 model repository extension over loopback HTTP: index, load, infer, unload.
final class ModelRepositoryTests: XCTestCase {
    /// A repository holding a copy of the tiny detector as `cells`, and a directory that is
    /// not a detector.
    func makeRepository() throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-server-repository-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixture.directory, to: root.appendingPathComponent("cells"))
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("broken"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root
    }

    func status(
        _ client: LoopbackClient, _ uri: String, _ method: HTTPRequest.Method = .post,
        body: ByteBuffer? = nil
    ) async throws -> (HTTPResponse.Status, ByteBuffer) {
        try await client.execute(uri: uri, method: method, body: body) { ($0.status, $0.body) }
    }

    func index(_ client: LoopbackClient) async throws -> [RepositoryIndexEntry] {
        let (code, body) = try await status(client, "/v2/repository/index")
        XCTAssertEqual(code, .ok)
        return try JSONDecoder().decode([RepositoryIndexEntry].self, from: Data(body.readableBytesView))
    }

    func testLoadInferUnload() async throws {
        let repository = try makeRepository()
        let x = Fixture.rows(4, seed: 11)
        let expected = try Fixture.detector.score(x)
        try await withServer(models: [:], repository: repository) { client in
            let before = try await self.index(client)
            XCTAssertEqual(before, [.init(name: "cells", version: "1", state: "UNAVAILABLE", reason: "unloaded")])
            var (code, _) = try await self.status(client, "/v2/models/cells/infer", body: Fixture.body(x))
            XCTAssertEqual(code, .notFound)

            (code, _) = try await self.status(client, "/v2/repository/models/cells/load")
            XCTAssertEqual(code, .ok)
            let loaded = try await self.index(client)
            XCTAssertEqual(loaded.map(\.state), ["READY"])
            let (inferred, body) = try await self.status(
                client, "/v2/models/cells/infer", body: Fixture.body(x))
            XCTAssertEqual(inferred, .ok, String(buffer: body))
            let scores = (try outputs(body)["score"]?["data"] as? [Double])?.map { Float($0) }
            XCTAssertEqual(scores, expected)
            // Loading again reloads in place.
            (code, _) = try await self.status(client, "/v2/repository/models/cells/load")
            XCTAssertEqual(code, .ok)

            (code, _) = try await self.status(client, "/v2/repository/models/cells/unload")
            XCTAssertEqual(code, .ok)
            (code, _) = try await self.status(client, "/v2/models/cells/infer", body: Fixture.body(x))
            XCTAssertEqual(code, .notFound)
            (code, _) = try await self.status(client, "/v2/repository/models/cells/unload")
            XCTAssertEqual(code, .notFound)
        }
    }

    func testRefusals() async throws {
        let repository = try makeRepository()
        try await withServer(models: [:], repository: repository) { client in
            for (uri, expected) in [
                ("/v2/repository/models/missing/load", HTTPResponse.Status.notFound),
                ("/v2/repository/models/broken/load", .badRequest),
                ("/v2/repository/models/a..b/load", .badRequest),
                ("/v2/repository/models/.hidden/load", .badRequest),
            ] {
                let (code, body) = try await self.status(client, uri)
                XCTAssertEqual(code, expected, uri)
                XCTAssertNotNil(try decode(body)["error"] as? String, uri)
            }
            // An encoded "../x" is decoded, then refused.
            let (code, _) = try await self.status(client, "/v2/repository/models/..%2Fcells/load")
            XCTAssertEqual(code, .badRequest)
            let after = try await self.index(client)
            XCTAssertEqual(after.map(\.state), ["UNAVAILABLE"])
        }
        for name in ["", "..", "../x", "a/b", ".x", "a\\b"] {
            XCTAssertNotNil(ModelRegistry.problem(with: name), name)
        }
        XCTAssertNil(ModelRegistry.problem(with: "cells-v2"))
    }
}
