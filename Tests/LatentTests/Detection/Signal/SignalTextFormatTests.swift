import XCTest

@testable import Latent

final class SignalTextFormatTests: XCTestCase {
    func testOneColumnWithoutHeader() throws {
        let file = try Signal.parse(Array("1.5\n-2\n3e1\n\n".utf8), file: "s.txt")
        XCTAssertEqual(file.signal.names, ["x0"])
        XCTAssertEqual(file.signal.values, [1.5, -2, 30])
        XCTAssertFalse(file.format.hasHeader)
    }

    func testHeaderTimestampLabelAndIgnoredColumnsLikeSKAB() throws {
        let text = """
            datetime;a;b;anomaly;changepoint
            2020-03-09 10:14:33;1;10;0.0;0.0
            2020-03-09 10:14:34;2;20;1.0;0.0
            """
        let file = try Signal.parse(
            Array(text.utf8), file: "e.csv", labelColumn: "anomaly", ignoredColumns: ["changepoint"])
        XCTAssertEqual(file.signal.names, ["a", "b"])
        XCTAssertEqual(file.signal.values, [1, 10, 2, 20])
        XCTAssertEqual(file.labels, [false, true])
    }

    func testGzipIsReadTransparently() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("signal-\(UUID().uuidString).txt.gz")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(Gzip.compress(Array("4\n5\n6\n".utf8))).write(to: url)
        XCTAssertEqual(try Signal.read(url).signal.values, [4, 5, 6])
    }

    func testBadValueNamesLineAndColumn() {
        XCTAssertThrowsError(try Signal.parse(Array("1\n2\nabc\n".utf8), file: "s.txt")) { error in
            let e = error as! DataError
            XCTAssertEqual(e.kind, .nonNumeric)
            XCTAssertTrue(e.description.contains("s.txt, line 3"), e.description)
        }
        XCTAssertThrowsError(
            try Signal.parse(Array("a,b\n1,2\n".utf8), file: "t.csv", labelColumn: "label")
        ) { error in
            XCTAssertTrue("\(error)".contains("no label column 'label'"), "\(error)")
        }
    }

    /// A NumPy array or an archive given as a signal is named for what it is (read as text
    /// it failed on its second "line" with a count of fields).
    func testBinaryFilesAreNamedForWhatTheyAre() throws {
        let dir = try temporaryDirectory(self)
        let npy = dir.appendingPathComponent("wave.npy")
        try NPYFile.write(Tensor(shape: [40], scalars: (0..<40).map(Float.init)), to: npy)
        let zip = dir.appendingPathComponent("wave.npz")
        try NPZFile.write(["X": NPYArray(Tensor(shape: [4], scalars: [1, 2, 3, 4]))], to: zip)
        for (url, what) in [(npy, "a NumPy array (.npy)"), (zip, "a zip archive")] {
            XCTAssertThrowsError(try Signal.read(url)) { error in
                XCTAssertEqual((error as? DataError)?.kind, .unsupported, "\(error)")
                XCTAssertTrue("\(error)".contains("\(url.lastPathComponent): it holds \(what)"), "\(error)")
            }
        }
    }
}
