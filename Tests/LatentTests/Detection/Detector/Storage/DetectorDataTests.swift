import Foundation
import XCTest

@testable import Latent

/// Reading detector input: formats from extensions, text labels by column name, the UCR
/// TSV layout, numeric label matching, arrays with a label column.
final class DetectorDataTests: XCTestCase {
    func testHeaderAndTextLabelsByName() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile(
            "radius,texture,diagnosis\n1.5,2,benign\n3,4.25,malignant\n", "cells.csv", in: dir)
        let data = try DetectorData.read(url, labelColumn: .name("diagnosis"))
        XCTAssertEqual(data.features.shape, [2, 2])
        XCTAssertEqual(data.featureNames, ["radius", "texture"])
        XCTAssertEqual(data.labels, ["benign", "malignant"])
        XCTAssertEqual(try data.isNormal(normalLabel: "benign"), [true, false])
        XCTAssertTrue(data.summary.contains("header row (detected"), data.summary)
        XCTAssertTrue(data.summary.contains("column 2 (zero-based)"), data.summary)
        let schema = data.schema(normalLabel: "benign")
        XCTAssertEqual(schema.featureName(1), "texture")
        XCTAssertEqual(schema.labelName, "diagnosis")
    }

    func testTSVDefaultsToTheUCRLabelColumn() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile("1\t0.5\t0.25\n2\t0.1\t0.2\n", "ECG_TRAIN.tsv", in: dir)
        XCTAssertEqual(try DetectorData.format(of: url), .tsv)
        let data = try DetectorData.read(url)
        XCTAssertEqual(data.features.scalars, [0.5, 0.25, 0.1, 0.2])
        XCTAssertEqual(data.labels, ["1", "2"])
        XCTAssertEqual(
            try data.isNormal(normalLabel: "1.0"), [true, false], "numbers compare numerically")
        let none = try DetectorData.read(url, labelColumn: DetectorData.LabelColumn.none)
        XCTAssertEqual(none.features.shape, [2, 3])
    }

    func testMissingNormalLabelListsTheLabels() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile("1,a\n2,b\n", "x.csv", in: dir)
        let data = try DetectorData.read(url, labelColumn: .index(1))
        XCTAssertThrowsError(try data.isNormal(normalLabel: "c")) { error in
            XCTAssertTrue("\(error)".contains("'a', 'b'"), "\(error)")
            XCTAssertTrue("\(error)".contains("x.csv"), "\(error)")
        }
    }

    func testNPYTableWithALabelColumnAndImages() throws {
        let dir = try temporaryDirectory(self)
        let table = dir.appendingPathComponent("t.npy")
        try NPYFile.write(Tensor(shape: [2, 3], scalars: [1, 2, 0, 3, 4, 1]), to: table)
        let data = try DetectorData.read(table, labelColumn: .index(2))
        XCTAssertEqual(data.features.scalars, [1, 2, 3, 4])
        XCTAssertEqual(data.labels, ["0", "1"])
        let images = dir.appendingPathComponent("i.npy")
        try NPYFile.write(Tensor.zeros([5, 4, 4]), to: images)
        let imageData = try DetectorData.read(images)
        XCTAssertEqual(imageData.features.shape, [5, 4, 4, 1])
        XCTAssertEqual(imageData.schema(normalLabel: nil).exampleShape, [4, 4, 1])
    }

    func testUnknownExtensionAsksForTheFormat() {
        XCTAssertThrowsError(try DetectorData.format(of: URL(fileURLWithPath: "/tmp/data.parquet"))) { error in
            XCTAssertTrue("\(error)".contains("--format"), "\(error)")
        }
    }

    func testScoringFileWithTheTrainingLabelColumnDropsIt() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile("0.5,0.25,1\n0.1,0.2,0\n", "new.csv", in: dir)
        let schema = DetectorSchema(exampleShape: [2], labelColumnIndex: 2)
        let data = try DetectorData.read(url, for: schema)
        XCTAssertEqual(data.features.shape, [2, 2])
        let wrong = DetectorSchema(exampleShape: [5])
        XCTAssertThrowsError(try DetectorData.read(url, for: wrong)) { error in
            XCTAssertTrue("\(error)".contains("new.csv"), "\(error)")
            XCTAssertTrue("\(error)".contains("fitted on 5"), "\(error)")
        }
    }
}
