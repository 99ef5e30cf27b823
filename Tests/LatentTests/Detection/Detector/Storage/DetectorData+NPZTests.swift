import Foundation
import XCTest

@testable import Latent

/// Reading detector input from `.npz` archives: `X` and `y` by default (y = 0 normal),
/// other keys on request, clear errors for what is missing.
final class DetectorDataNPZTests: XCTestCase {
    private func write(_ arrays: [String: NPYArray], _ name: String) throws -> URL {
        let url = try temporaryDirectory(self).appendingPathComponent(name)
        try NPZFile.write(arrays, to: url)
        return url
    }

    private let rows = NPYArray(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))

    func testXAndYByDefaultWithZeroAsNormal() throws {
        let url = try write(["X": rows, "y": NPYArray(integers: [0, 1, 0])], "set.npz")
        XCTAssertEqual(try DetectorData.format(of: url), .npz)
        let data = try DetectorData.read(url)
        XCTAssertEqual(data.features.shape, [3, 2])
        XCTAssertEqual(data.labels, ["0", "1", "0"])
        XCTAssertEqual(data.defaultNormalLabel, "0")
        XCTAssertEqual(try data.isNormal(normalLabel: data.defaultNormalLabel!), [true, false, true])
        XCTAssertTrue(data.summary.contains("array X"), data.summary)
        XCTAssertTrue(data.summary.contains("labels from array y"), data.summary)
    }

    func testWithoutYEveryRowIsUnlabelled() throws {
        let data = try DetectorData.read(try write(["X": rows], "x.npz"))
        XCTAssertNil(data.labels)
        XCTAssertNil(data.defaultNormalLabel)
    }

    func testOtherKeys() throws {
        let url = try write(
            ["features": rows, "target": NPYArray(integers: [2, 2, 7])], "k.npz")
        let data = try DetectorData.read(
            url, arrayKeys: .init(features: "features", labels: "target"))
        XCTAssertEqual(data.labels, ["2", "2", "7"])
        assertDataError(.missingColumn, ["k.npz", "no array 'X'", "'features'"]) {
            try DetectorData.read(url)
        }
        assertDataError(.missingColumn, ["k.npz", "no array 'y'"]) {
            try DetectorData.read(url, arrayKeys: .init(features: "features", labels: "y"))
        }
    }

    func testLabelsOfTheWrongLengthAreRefused() throws {
        let url = try write(["X": rows, "y": NPYArray(integers: [0, 1])], "short.npz")
        assertDataError(.mismatch, ["short.npz", "'y' has shape [2]", "3 rows"]) {
            try DetectorData.read(url)
        }
    }

    func testALabelColumnOfXWinsOverY() throws {
        let url = try write(["X": rows, "y": NPYArray(integers: [0, 1, 0])], "col.npz")
        let data = try DetectorData.read(url, labelColumn: .index(1))
        XCTAssertEqual(data.features.shape, [3, 1])
        XCTAssertEqual(data.labels, ["2", "4", "6"])
        XCTAssertNil(data.defaultNormalLabel)
    }

    func testScoringReadsTheSameRowsAsTraining() throws {
        let url = try write(["X": rows, "y": NPYArray(integers: [0, 1, 0])], "s.npz")
        let schema = try DetectorData.read(url).schema(normalLabel: "0")
        let data = try DetectorData.read(url, for: schema)
        XCTAssertEqual(data.features.scalars, [1, 2, 3, 4, 5, 6])
    }

    /// A NaN in an array is refused naming the file, row and value (scored, it would come
    /// out as NaN and never be flagged); skipping leaves its row and label out.
    func testNonFiniteValuesAreRefusedOrTheirRowsSkipped() throws {
        let x = NPYArray(Tensor(shape: [4, 2], scalars: [1, 2, 3, .nan, 5, 6, -.infinity, 8]))
        let url = try write(["X": x, "y": NPYArray(integers: [0, 1, 0, 1])], "nan.npz")
        XCTAssertThrowsError(try DetectorData.read(url)) { error in
            XCTAssertEqual((error as? DataError)?.kind, .nonFinite, "\(error)")
            XCTAssertTrue("\(error)".contains("nan.npz: row 1, value 1 of the row is nan"), "\(error)")
        }
        let data = try DetectorData.read(url, skippingNonFiniteRows: true)
        XCTAssertEqual(data.features.scalars, [1, 2, 5, 6])
        XCTAssertEqual(data.labels, ["0", "0"])
        XCTAssertTrue(data.summary.contains("skipped 2 rows with NaN or infinite values"), data.summary)

        let labelled = try write(["X": rows, "y": NPYArray(Tensor(shape: [3], scalars: [0, .nan, 1]))], "y.npz")
        XCTAssertThrowsError(try DetectorData.read(labelled)) { error in
            XCTAssertTrue("\(error)".contains("y.npz: the label of row 1 is nan"), "\(error)")
        }
        XCTAssertEqual(try DetectorData.read(labelled, skippingNonFiniteRows: true).labels, ["0", "1"])

        let npy = try temporaryDirectory(self).appendingPathComponent("nan.npy")
        try NPYFile.write(Tensor(shape: [2, 2], scalars: [.nan, 1, 2, .infinity]), to: npy)
        XCTAssertThrowsError(try DetectorData.read(npy)) { error in
            XCTAssertTrue("\(error)".contains("nan.npy: row 0, value 0 of the row is nan"), "\(error)")
        }
        XCTAssertThrowsError(try DetectorData.read(npy, skippingNonFiniteRows: true)) { error in
            XCTAssertTrue("\(error)".contains("every one of its 2 rows"), "\(error)")
        }
        // float64 beyond the Float range arrives as inf; an array without rows is empty.
        let wide = [1.0, 1e300].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        try NPYFile.write(NPYArray(dataType: .float64, shape: [1, 2], bytes: wide), to: npy)
        XCTAssertThrowsError(try DetectorData.read(npy)) { error in
            XCTAssertTrue(
                "\(error)".contains("value 1 of the row is inf (infinite, or beyond the Float range)"), "\(error)")
        }
        try NPYFile.write(Tensor(shape: [0, 3], scalars: []), to: npy)
        XCTAssertThrowsError(try DetectorData.read(npy)) { error in
            XCTAssertEqual((error as? DataError)?.kind, .empty, "\(error)")
            XCTAssertTrue("\(error)".contains("the array has no rows (shape [0, 3])"), "\(error)")
        }
    }
}
