import Foundation
import XCTest

@testable import Latent

/// The README's detector example, verbatim apart from the epochs and the file locations,
/// so it keeps compiling and working.
final class ReadmeDetectorExampleTests: XCTestCase {
    func testReadmeDetectorExample() throws {
        let dir = try temporaryDirectory(self)
        let (rows, normalFlags) = DetectorTestData.rows(count: 200, anomalyEvery: 5, seed: 21)
        try DetectorTestData.csv(rows: rows, isNormal: normalFlags)
            .write(to: dir.appendingPathComponent("cells.csv"), atomically: true, encoding: .utf8)
        let newRows = DetectorTestData.rows(count: 10, anomalyEvery: 2, seed: 22).x
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }

        var configuration = DetectorConfiguration()
        configuration.threshold = .falsePositiveRate(0.05)
        configuration.epochs = 20  // not in the README: keep the debug-build test fast
        let data = try DetectorData.read(URL(fileURLWithPath: "cells.csv"), labelColumn: .name("diagnosis"))
        let detector = try AnomalyDetector.fit(
            data.features, isNormal: try data.isNormal(normalLabel: "benign"),
            schema: data.schema(normalLabel: "benign"), configuration: configuration)
        let scores = try detector.score(newRows)  // higher = more anomalous (PyOD's decision_function)
        let flags = try detector.predict(newRows)  // score > detector.threshold
        let p = try detector.pValues(newRows)  // (1 + #{calibration ≥ s}) / (n + 1)
        let why = try detector.explain(newRows, topK: 3)
        try detector.save(to: URL(fileURLWithPath: "cells-detector"))
        let again = try AnomalyDetector.load(from: URL(fileURLWithPath: "cells-detector"))

        XCTAssertEqual(scores.count, 10)
        XCTAssertEqual(flags, scores.map { $0 > detector.threshold })
        XCTAssertEqual(p.count, 10)
        XCTAssertEqual(why.map(\.count), [Int](repeating: 3, count: 10))
        XCTAssertEqual(why[1][0].name, "t5", "the spiked column, by its header name")
        XCTAssertEqual(try again.score(newRows), scores)
    }
}
