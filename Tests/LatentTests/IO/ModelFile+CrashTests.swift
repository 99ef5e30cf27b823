import Foundation
import XCTest

@testable import Latent

/// A model save interrupted between its two renames (new weights in place, old JSON
/// still there) leaves the old model loadable, not a pair whose hashes disagree.
final class ModelFileCrashTests: XCTestCase {
    struct Killed: Error {}

    func model(seed: UInt64) -> Autoencoder {
        var g = RandomGenerator(seed: seed)
        return Architectures.denseVector(inputSize: 6, hidden: [3], generator: &g)
    }

    func scalars(_ model: any Model) -> [[Float]] { model.namedParameters().map(\.parameter.wrappedValue.scalars) }

    func kept(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".prev-") }
    }

    func testAKillBetweenTheRenamesLeavesTheOldModel() throws {
        let directory = try temporaryDirectory(self)
        let base = directory.appendingPathComponent("model")
        let old = model(seed: 1)
        let new = model(seed: 2)
        try ModelFile.save(old, inputShape: [6], to: base)
        XCTAssertThrowsError(
            try ModelFile.save(new, inputShape: [6], metadata: [:], to: base, betweenRenames: { throw Killed() }))
        XCTAssertEqual(try kept(in: directory).count, 1, "the old weights are kept under their hash")
        XCTAssertEqual(scalars(try ModelFile.load(from: base).model), scalars(old))

        // The next complete save wins and removes the kept copy.
        try ModelFile.save(new, inputShape: [6], to: base)
        XCTAssertEqual(scalars(try ModelFile.load(from: base).model), scalars(new))
        XCTAssertEqual(try kept(in: directory), [])
    }

    func testWithoutTheKeptCopyTheMismatchIsStillRefused() throws {
        let directory = try temporaryDirectory(self)
        let base = directory.appendingPathComponent("model")
        try ModelFile.save(model(seed: 1), inputShape: [6], to: base)
        XCTAssertThrowsError(
            try ModelFile.save(
                model(seed: 2), inputShape: [6], metadata: [:], to: base, betweenRenames: { throw Killed() }))
        for name in try kept(in: directory) {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
        XCTAssertThrowsError(try ModelFile.load(from: base)) { error in
            XCTAssertTrue("\(error)".contains("its SHA-256 differs from the one model.json records"), "\(error)")
        }
    }

    func testAKeptCopyWithTheWrongContentIsNotUsed() throws {
        // The kept name comes from the JSON; its content is checked like the weights file's.
        let directory = try temporaryDirectory(self)
        let base = directory.appendingPathComponent("model")
        try ModelFile.save(model(seed: 1), inputShape: [6], to: base)
        XCTAssertThrowsError(
            try ModelFile.save(
                model(seed: 2), inputShape: [6], metadata: [:], to: base, betweenRenames: { throw Killed() }))
        let name = try XCTUnwrap(try kept(in: directory).first)
        try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        try Data(count: 100).write(to: directory.appendingPathComponent(name))
        XCTAssertThrowsError(try ModelFile.load(from: base))
    }
}
