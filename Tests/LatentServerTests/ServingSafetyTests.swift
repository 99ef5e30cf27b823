import Foundation
import Hummingbird
import Latent
import XCTest

@testable import latent_server

/// Items 1, 6 and 7 of issue 16: routes that exist only when they should, readiness that
/// tells the truth, protocol details, and a repository that stays inside its directory.
final class ServingSafetyTests: XCTestCase {
    func call(
        _ client: LoopbackClient, _ uri: String, _ method: HTTPRequest.Method = .post,
        headers: HTTPFields = [:], body: ByteBuffer? = nil
    ) async throws -> (HTTPResponse.Status, ByteBuffer) {
        try await client.execute(uri: uri, method: method, headers: headers, body: body) { ($0.status, $0.body) }
    }

    /// A repository holding a copy of the tiny detector as `cells`.
    func makeRepository() throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-server-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixture.directory, to: root.appendingPathComponent("cells"))
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root
    }

    func testWithoutARepositoryNoRequestCanUnloadAModel() async throws {
        let limits = ServerLimits()
        try await withServer(models: try loadModels([Fixture.directory.path], limits: limits)) { client in
            for route in [
                "/v2/repository/models/tiny/unload", "/v2/repository/models/tiny/load", "/v2/repository/index",
            ] {
                let (code, body) = try await self.call(client, route)
                XCTAssertEqual(code, .notFound, route)
                XCTAssertNotNil(try decode(body)["error"] as? String)
            }
            let (ready, body) = try await self.call(client, "/v2/health/ready", .get)
            XCTAssertEqual(ready, .ok)
            XCTAssertEqual(try decode(body)["ready"] as? Bool, true)
            let (inferred, _) = try await self.call(
                client, "/v2/models/tiny/infer", body: Fixture.body(Fixture.rows(2, seed: 5)))
            XCTAssertEqual(inferred, .ok)
            let (meta, metaBody) = try await self.call(client, "/v2", .get)
            XCTAssertEqual(meta, .ok)
            XCTAssertEqual(try decode(metaBody)["extensions"] as? [String], [])
        }
    }

    func testReadyOnlyWhileEveryConfiguredModelIsLoaded() async throws {
        let repository = try makeRepository()
        let limits = ServerLimits()
        let models = try loadModels([repository.appendingPathComponent("cells").path], limits: limits)
        try await withServer(models: models, repository: repository) { client in
            var (code, body) = try await self.call(client, "/v2/health/ready", .get)
            XCTAssertEqual(code, .ok)
            (code, _) = try await self.call(client, "/v2/repository/models/cells/unload")
            XCTAssertEqual(code, .ok)
            (code, body) = try await self.call(client, "/v2/health/ready", .get)
            XCTAssertEqual(code, .serviceUnavailable)
            XCTAssertEqual(try decode(body)["ready"] as? Bool, false)
            (code, _) = try await self.call(client, "/v2/health/live", .get)
            XCTAssertEqual(code, .ok)
            (code, _) = try await self.call(client, "/v2/repository/models/cells/load")
            XCTAssertEqual(code, .ok)
            (code, _) = try await self.call(client, "/v2/health/ready", .get)
            XCTAssertEqual(code, .ok)
        }
    }

    func testVersionRoutesAndBooleanReady() async throws {
        let x = Fixture.rows(3, seed: 9)
        let expected = try Fixture.detector.score(x)
        try await Fixture.serve { client in
            var (code, body) = try await self.call(client, "/v2/models/tiny/versions/1/ready", .get)
            XCTAssertEqual(code, .ok)
            XCTAssertEqual(try decode(body)["ready"] as? Bool, true)
            XCTAssertEqual(String(buffer: body).contains("\"true\""), false)
            (code, body) = try await self.call(client, "/v2/models/tiny/ready", .get)
            XCTAssertEqual(try decode(body)["ready"] as? Bool, true)
            (code, body) = try await self.call(client, "/v2/models/tiny/versions/1", .get)
            XCTAssertEqual(code, .ok)
            XCTAssertEqual(try decode(body)["versions"] as? [String], ["1"])
            (code, body) = try await self.call(client, "/v2/models/tiny/versions/1/infer", body: Fixture.body(x))
            XCTAssertEqual(code, .ok, String(buffer: body))
            XCTAssertEqual((try outputs(body)["score"]?["data"] as? [Double])?.map { Float($0) }, expected)
            for uri in ["/v2/models/tiny/versions/2/infer", "/v2/models/tiny/versions/2/ready"] {
                let infer = uri.hasSuffix("infer")
                (code, body) = try await self.call(
                    client, uri, infer ? .post : .get, body: infer ? Fixture.body(x) : nil)
                XCTAssertEqual(code, .notFound, uri)
            }
        }
    }

    func testProtocolRefusals() async throws {
        let x = Fixture.rows(3, seed: 10)
        let object: [String: Any] = [
            "inputs": [["name": "input", "shape": [3, 6], "datatype": "FP32", "data": x.scalars.map { Double($0) }]],
            "outputs": [["name": "score"], ["name": "explain_index"]],
        ]
        let explainWithout = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
        var huge = x.scalars
        for j in 6..<12 { huge[j] = 3.4e38 }  // row 1: finite in FP32, but its reconstruction error is not
        let overflow = Fixture.body(Tensor(shape: [3, 6], scalars: huge))
        try await Fixture.serve { client in
            var (code, body) = try await self.call(client, "/v2/models/tiny/infer", body: explainWithout)
            XCTAssertEqual(code, .badRequest)
            XCTAssertTrue((try decode(body)["error"] as? String ?? "").contains("explain_index"))

            (code, body) = try await self.call(client, "/v2/models/tiny/infer", body: overflow)
            XCTAssertEqual(code, .badRequest, String(buffer: body))
            XCTAssertTrue((try decode(body)["error"] as? String ?? "").hasPrefix("row 1:"), String(buffer: body))
            XCTAssertFalse(String(buffer: body).contains("\"inf\""))

            (code, body) = try await self.call(
                client, "/v2/models/tiny/infer", headers: [.contentType: "text/plain"], body: Fixture.body(x))
            XCTAssertEqual(code, .unsupportedMediaType)
            (code, body) = try await self.call(
                client, "/v2/models/tiny/infer", headers: [.contentType: "application/json; charset=utf-8"],
                body: Fixture.body(x))
            XCTAssertEqual(code, .ok)
        }
    }

    func testBrokenChunkedBodyIs400() async throws {
        try await Fixture.serve { client in
            let connection = try RawConnection(port: client.port)
            connection.send(
                "POST /v2/models/tiny/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"inp\r\nzz\r\nnot hex\r\n\r\n")
            let (text, _) = connection.receive(within: 5)
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 400"), text)
        }
    }

    func testSymlinkedDetectorsAreRefusedUnlessFollowed() async throws {
        let repository = try makeRepository()
        let outside = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-server-outside-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixture.directory, to: outside)
        addTeardownBlock { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(
            at: repository.appendingPathComponent("linked"), withDestinationURL: outside)
        // A detector directory whose model file links out.
        let inner = repository.appendingPathComponent("inner")
        try FileManager.default.copyItem(at: Fixture.directory, to: inner)
        try FileManager.default.removeItem(at: inner.appendingPathComponent("calibration.json"))
        try FileManager.default.createSymbolicLink(
            at: inner.appendingPathComponent("calibration.json"),
            withDestinationURL: outside.appendingPathComponent("calibration.json"))

        try await withServer(models: [:], repository: repository) { client in
            for name in ["linked", "inner"] {
                let (code, body) = try await self.call(client, "/v2/repository/models/\(name)/load")
                XCTAssertEqual(code, .badRequest, name)
                let error = try decode(body)["error"] as? String ?? ""
                XCTAssertTrue(error.contains("symbolic link"), error)
                XCTAssertFalse(error.contains(repository.path), error)
                XCTAssertFalse(error.contains(outside.path), error)
            }
        }
        var limits = ServerLimits()
        limits.followSymlinks = true
        try await withServer(models: [:], limits: limits, repository: repository) { client in
            for name in ["linked", "inner"] {
                let (code, body) = try await self.call(client, "/v2/repository/models/\(name)/load")
                XCTAssertEqual(code, .ok, String(buffer: body))
            }
        }
    }

    func testErrorsNameTheModelNotThePath() async throws {
        let repository = try makeRepository()
        let broken = repository.appendingPathComponent("broken")
        try FileManager.default.copyItem(at: Fixture.directory, to: broken)
        try Data("{".utf8).write(to: broken.appendingPathComponent("calibration.json"))
        try await withServer(models: [:], repository: repository) { client in
            let (code, body) = try await self.call(client, "/v2/repository/models/broken/load")
            XCTAssertEqual(code, .badRequest)
            let error = try decode(body)["error"] as? String ?? ""
            XCTAssertTrue(error.contains("'broken'") && error.contains("calibration.json"), error)
            XCTAssertFalse(error.contains(repository.path), error)
            XCTAssertFalse(error.contains("/proc/"), error)
        }
    }

    func testNamesArePercentDecodedOnceThenChecked() async throws {
        let repository = try makeRepository()
        try FileManager.default.copyItem(
            at: Fixture.directory, to: repository.appendingPathComponent("my cells"))
        try await withServer(models: [:], repository: repository) { client in
            var (code, _) = try await self.call(client, "/v2/repository/models/..%2Fcells/load")
            XCTAssertEqual(code, .badRequest)
            (code, _) = try await self.call(client, "/v2/repository/models/%252E%252E/load")
            XCTAssertEqual(code, .notFound)  // decoded once: "%2E%2E", a plain (absent) name
            (code, _) = try await self.call(client, "/v2/repository/models/my%20cells/load")
            XCTAssertEqual(code, .ok)
            (code, _) = try await self.call(
                client, "/v2/models/my%20cells/infer", body: Fixture.body(Fixture.rows(1, seed: 2)))
            XCTAssertEqual(code, .ok)
        }
    }

    func testBearerTokenGuardsInferAndRepositoryOnly() async throws {
        let repository = try makeRepository()
        let token = AccessToken(token: "s3cret-token-0123456789")
        let models = try loadModels([Fixture.directory.path], limits: ServerLimits())
        try await withServer(models: models, repository: repository, auth: token) { client in
            let body = Fixture.body(Fixture.rows(1, seed: 3))
            var (code, _) = try await self.call(client, "/v2/models/tiny/infer", body: body)
            XCTAssertEqual(code, .unauthorized)
            (code, _) = try await self.call(
                client, "/v2/models/tiny/infer", headers: [.authorization: "Bearer wrong-token-0123456789"], body: body)
            XCTAssertEqual(code, .unauthorized)
            (code, _) = try await self.call(client, "/v2/repository/index")
            XCTAssertEqual(code, .unauthorized)
            (code, _) = try await self.call(
                client, "/v2/models/tiny/infer", headers: [.authorization: "Bearer s3cret-token-0123456789"],
                body: body)
            XCTAssertEqual(code, .ok)
            for open in ["/v2/health/live", "/v2/health/ready", "/v2/models/tiny", "/v2"] {
                (code, _) = try await self.call(client, open, .get)
                XCTAssertEqual(code, .ok, open)
            }
        }
    }
}
