import Foundation
import Hummingbird
import Latent
import XCTest

@testable import latent_server

#if canImport(Glibc)
import Glibc
#endif

/// Items 4 and 5 of issue 16: a load reads one whole fit even while the directory is
/// being replaced, and a served directory that changes is reloaded, without dropping requests.
final class ReloadTests: XCTestCase {
    func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-server-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root
    }

    /// A second fit, different weights and threshold from the fixture's.
    static let other: AnomalyDetector = {
        var c = DetectorConfiguration()
        c.epochs = 3
        c.batchSize = 8
        c.hidden = [5, 3]
        c.learningRate = 0.02
        c.validationFraction = 0.25
        return try! AnomalyDetector.fit(Fixture.rows(120, seed: 77), configuration: c)
    }()

    func testLoadsNeverMixTwoFitsWhileDirectoriesAreExchanged() throws {
        #if os(Linux)
        let root = try scratch()
        let a = root.appendingPathComponent("a")
        let b = root.appendingPathComponent("b")
        try FileManager.default.copyItem(at: Fixture.directory, to: a)
        try Self.other.save(to: b)
        let probe = Fixture.rows(1, seed: 42)
        let first = try AnomalyDetector.load(from: a)
        let second = try AnomalyDetector.load(from: b)
        let fits = [
            (first.threshold, try first.score(probe)[0]), (second.threshold, try second.score(probe)[0]),
        ]
        XCTAssertNotEqual(fits[0].0, fits[1].0)
        // Exchange a and b as fast as possible while loading a.
        let swapping = Flag()
        // renameat2 is in glibc 2.28+, but not in Swift's Glibc module: look it up.
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else {
            throw XCTSkip("no renameat2 in this libc")
        }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let (pathA, pathB) = (a.path, b.path)
        let swapper = Thread {
            while swapping.isSet {
                _ = renameat2(AT_FDCWD, pathA, AT_FDCWD, pathB, 2 /* RENAME_EXCHANGE */)
            }
        }
        swapper.start()
        var loaded = 0
        var failed = 0
        let end = Date().addingTimeInterval(3)
        while Date() < end {
            do {
                let (detector, _) = try DetectorSnapshot.load(a, name: "a", followSymlinks: false)
                let pair = (detector.threshold, try detector.score(probe)[0])
                XCTAssertTrue(
                    fits.contains { $0.0 == pair.0 && $0.1 == pair.1 },
                    "threshold \(pair.0) served with another fit's weights (score \(pair.1))")
                loaded += 1
            } catch {
                failed += 1
            }
        }
        swapping.clear()
        while !swapper.isFinished { usleep(1000) }
        XCTAssertGreaterThan(loaded, 10, "only \(loaded) loads succeeded, \(failed) failed")
        #endif
    }

    func testAChangedDirectoryIsReloadedWithinTwoSecondsWithoutDroppingRequests() async throws {
        let root = try scratch()
        let dir = root.appendingPathComponent("cells")
        try FileManager.default.copyItem(at: Fixture.directory, to: dir)
        let models = try loadModels([dir.path], limits: ServerLimits())
        let before = Fixture.detector.threshold
        try await withServer(models: models, reloadInterval: 0.25) { client in
            // Requests keep flowing through the reload.
            let running = Flag()
            let traffic = Task {
                var statuses: [HTTPResponse.Status] = []
                while running.isSet {
                    statuses.append(
                        try await client.execute(
                            uri: "/v2/models/cells/infer", method: .post, body: Fixture.body(Fixture.rows(2, seed: 4))
                        ) { $0.status })
                }
                return statuses
            }
            let (rethresholded, _) = try AnomalyDetector.rethreshold(at: dir, rule: .percentile(50))
            XCTAssertNotEqual(rethresholded.threshold, before)
            let start = Date()
            var served = before
            while Date().timeIntervalSince(start) < 2 {
                served = try await client.execute(uri: "/v2/models/cells", method: .get) { reply in
                    let parameters = try decode(reply.body)["parameters"] as? [String: Any]
                    return Float(parameters?["threshold"] as? Double ?? 0)
                }
                if served == rethresholded.threshold { break }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            XCTAssertEqual(served, rethresholded.threshold, "not reloaded within 2 s")
            // A replacement by a whole new fit is seen too, and infer uses it.
            try Self.other.save(to: dir)
            let x = Fixture.rows(3, seed: 8)
            let expected = try Self.other.score(x)
            var scores: [Float] = []
            while Date().timeIntervalSince(start) < 6 {
                scores = try await client.execute(uri: "/v2/models/cells/infer", method: .post, body: Fixture.body(x)) {
                    (try outputs($0.body)["score"]?["data"] as? [Double] ?? []).map { Float($0) }
                }
                if scores == expected { break }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            XCTAssertEqual(scores, expected)
            running.clear()
            let statuses = try await traffic.value
            XCTAssertFalse(statuses.isEmpty)
            XCTAssertEqual(statuses.filter { $0 != .ok }, [])
        }
    }

    func testABrokenReplacementKeepsThePreviousModel() async throws {
        let root = try scratch()
        let dir = root.appendingPathComponent("cells")
        try FileManager.default.copyItem(at: Fixture.directory, to: dir)
        let registry = ModelRegistry(
            models: try loadModels([dir.path], limits: ServerLimits()), repository: nil, limits: ServerLimits())
        try Data("{ not json".utf8).write(to: dir.appendingPathComponent("detector.json"))
        let reloaded = await registry.reloadChanged()
        XCTAssertEqual(reloaded, [])
        let served = try await registry.model(named: "cells")
        XCTAssertEqual(served.threshold, Fixture.detector.threshold)
        let forced = await registry.reloadChanged(force: true)  // SIGHUP's path
        XCTAssertEqual(forced, [])
        let ready = await registry.isReady
        XCTAssertTrue(ready)
    }
}

/// A flag one task clears and another reads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = true
    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func clear() {
        lock.lock()
        value = false
        lock.unlock()
    }
}
