import Foundation
import XCTest

@testable import Latent

final class KnownDatasetTests: XCTestCase {
    func testMNISTTestPart() throws {
        let test = try MNIST.load(.test, from: sharedDatasets("mnist"))
        XCTAssertEqual(test.features.shape, [10000, 28, 28])
        XCTAssertEqual(test.labels?.count, 10000)
        XCTAssertEqual(test.labelCounts[1], 1135)
    }

    func testFashionMNISTThroughTheEnvironmentRoot() throws {
        let root = try sharedDatasets()
        XCTAssertEqual(
            DataDirectory.url(for: FashionMNIST.name, environment: ["LATENT_DATA": root.path]).path,
            root.appendingPathComponent("fashion-mnist").path)
        let test = try FashionMNIST.load(
            .test,
            from: DataDirectory.url(for: FashionMNIST.name, environment: ["LATENT_DATA": root.path])
        )
        XCTAssertEqual(test.count, 10000)
        XCTAssertEqual(Set(test.labelCounts.values), [1000])
        XCTAssertEqual(FashionMNIST.classNames[9], "Ankle boot")
    }

    func testECG5000FromDirectoryAndBundle() throws {
        let ecg = try ECG5000.load(from: sharedDatasets("ecg5000"))
        XCTAssertEqual(ecg.features.shape, [4998, 140])
        XCTAssertEqual(ecg.labelCounts, [1: 2919, 0: 2079])
        let bundled = try ECG5000.bundled()
        XCTAssertEqual(bundled.labels, ecg.labels)
        XCTAssertEqual(bundled.features.scalars, ecg.features.scalars)
        XCTAssertEqual(ecg.filter { $0 == ECG5000.normalLabel }.count, 2919)
    }

    func testECG5000FindsGzipAndChecksLayout() throws {
        let dir = try temporaryDirectory(self)
        let row = (0..<140).map { "\(Float($0) / 10)" }.joined(separator: ",")
        try writeFile(Gzip.compress(Array("\(row),1.0\n\(row),0.0\n".utf8)), "ecg.csv.gz", in: dir)
        XCTAssertEqual(try ECG5000.load(from: dir).labels, [1, 0])
        let bad = try writeFile("\(row),2.0\n", "bad.csv", in: dir)
        assertDataError(.mismatch, [bad.path, "line 1, column 141", "label 2"]) {
            try ECG5000.read(bad)
        }
        let short = try writeFile("1,2,1.0\n", "short.csv", in: dir)
        assertDataError(.mismatch, [short.path, "140 samples", "found 2"]) {
            try ECG5000.read(short)
        }
    }

    func testMissingFilesSayHowToFetch() throws {
        let dir = try temporaryDirectory(self)
        assertDataError(
            .fileNotFound,
            [
                dir.path, "train-images-idx3-ubyte.gz", "DatasetFetcher().fetch(.mnist)",
                "LATENT_DATA",
            ]
        ) {
            try MNIST.load(.train, from: dir)
        }
        assertDataError(.fileNotFound, ["ecg.csv", "fetch(.ecg5000)"]) {
            try ECG5000.load(from: dir)
        }
    }

    func testLabelCountMismatch() throws {
        let dir = try temporaryDirectory(self)
        try IDXFile.write(
            IDXArray(
                dataType: .uint8, dimensions: [2, 28, 28],
                bytes: [UInt8](repeating: 0, count: 2 * 784)),
            to: dir.appendingPathComponent("t10k-images-idx3-ubyte.gz"), compressed: true)
        try IDXFile.write(
            IDXArray(dataType: .uint8, dimensions: [3], bytes: [1, 2, 3]),
            to: dir.appendingPathComponent("t10k-labels-idx1-ubyte.gz"), compressed: true)
        assertDataError(.mismatch, ["t10k-labels-idx1-ubyte.gz", "3 labels", "2 images"]) {
            try MNIST.load(.test, from: dir)
        }
    }

    func testDataDirectoryResolution() {
        let explicit = URL(fileURLWithPath: "/data/mine")
        XCTAssertEqual(
            DataDirectory.url(for: "mnist", explicit: explicit, environment: ["LATENT_DATA": "/x"]),
            explicit)
        XCTAssertEqual(
            DataDirectory.url(for: "mnist", environment: ["LATENT_DATA": "/x", "HOME": "/home/u"])
                .path, "/x/mnist")
        XCTAssertEqual(
            DataDirectory.url(
                for: "mnist", environment: ["XDG_CACHE_HOME": "/c", "HOME": "/home/u"]
            ).path, "/c/latent/mnist")
        XCTAssertEqual(
            DataDirectory.url(for: "ecg5000", environment: ["HOME": "/home/u"]).path,
            "/home/u/.cache/latent/ecg5000")
        XCTAssertEqual(
            DataDirectory.root(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"]).path,
            "/h/.cache/latent",
            "XDG requires an absolute path")
    }
}
