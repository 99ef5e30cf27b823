import Foundation
import XCTest

@testable import Latent

final class DatasetFetcherTests: XCTestCase {
    /// A two-file dataset served from a temporary "mirror" directory.
    private func tinyDataset(_ test: XCTestCase) throws -> (RemoteDataset, mirror: URL, root: URL) {
        let base = try temporaryDirectory(test)
        let mirror = base.appendingPathComponent("mirror", isDirectory: true)
        try FileManager.default.createDirectory(at: mirror, withIntermediateDirectories: true)
        let a = Array("alpha\n".utf8)
        let b = Gzip.compress(Array("beta\n".utf8))
        try writeFile(a, "a.txt", in: mirror)
        try writeFile(b, "b.gz", in: mirror)
        let dataset = RemoteDataset(
            name: "tiny", mirrors: [mirror],
            files: [
                .init(name: "a.txt", sha256: SHA256.hexDigest(of: a), size: a.count),
                .init(name: "b.gz", sha256: SHA256.hexDigest(of: b), size: b.count),
            ])
        return (dataset, mirror, base.appendingPathComponent("root", isDirectory: true))
    }

    func testFetchesVerifiesAndSkipsWhatIsThere() throws {
        let (dataset, _, root) = try tinyDataset(self)
        var lines: [String] = []
        let fetcher = DatasetFetcher(root: root, log: { lines.append($0) })
        XCTAssertEqual(fetcher.unverifiedFiles(of: dataset).count, 2)
        let dir = try fetcher.fetch(dataset)
        XCTAssertEqual(dir.path, root.appendingPathComponent("tiny").path)
        XCTAssertEqual(
            try String(contentsOf: dir.appendingPathComponent("a.txt"), encoding: .utf8), "alpha\n")
        XCTAssertEqual(fetcher.unverifiedFiles(of: dataset), [])
        XCTAssertEqual(lines.filter { $0.hasPrefix("saved") }.count, 2)
        lines.removeAll()
        try fetcher.fetch(dataset)
        XCTAssertEqual(lines, ["verified tiny/a.txt", "verified tiny/b.gz"])
        // No temporary files are left beside the data.
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
            ["a.txt", "b.gz"])
    }

    func testChecksumMismatchLeavesNothingBehind() throws {
        let (dataset, mirror, root) = try tinyDataset(self)
        try writeFile("tampered\n", "a.txt", in: mirror)
        let fetcher = DatasetFetcher(root: root)
        assertDataError(
            .checksumMismatch,
            [
                mirror.appendingPathComponent("a.txt").absoluteString, "SHA-256",
                dataset.files[0].sha256, "Nothing was saved",
            ]
        ) {
            try fetcher.fetch(dataset)
        }
        let dir = root.appendingPathComponent("tiny")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        XCTAssertEqual(left, [], "nothing may be written when the checksum is wrong")
    }

    func testFallsBackToTheNextMirror() throws {
        var (dataset, mirror, root) = try tinyDataset(self)
        dataset.mirrors = [mirror.appendingPathComponent("missing/", isDirectory: true), mirror]
        XCTAssertNoThrow(try DatasetFetcher(root: root).fetch(dataset))
        dataset.mirrors = [mirror.appendingPathComponent("missing/", isDirectory: true)]
        try FileManager.default.removeItem(at: root)
        assertDataError(.downloadFailed, ["missing/a.txt", "could not be read"]) {
            try DatasetFetcher(root: root).fetch(dataset)
        }
    }

    func testAllMirrorsFailing() throws {
        var (dataset, mirror, root) = try tinyDataset(self)
        let other = mirror.deletingLastPathComponent().appendingPathComponent(
            "other", isDirectory: true)
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try writeFile("wrong\n", "a.txt", in: other)
        dataset.mirrors = [mirror.appendingPathComponent("missing/", isDirectory: true), other]
        assertDataError(
            .checksumMismatch,
            [
                "no mirror provided a verified copy", "missing/a.txt", "other/a.txt",
                "Nothing was saved",
            ]
        ) {
            try DatasetFetcher(root: root).fetch(dataset)
        }
    }

    func testReplacesAFileWithTheWrongChecksum() throws {
        let (dataset, _, root) = try tinyDataset(self)
        let dir = root.appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try writeFile("corrupted", "a.txt", in: dir)
        try DatasetFetcher(root: root).fetch(dataset)
        XCTAssertEqual(
            try String(contentsOf: dir.appendingPathComponent("a.txt"), encoding: .utf8), "alpha\n")
    }

    func testFetchesRealECGFromAFileMirror() throws {
        let source = try sharedDatasets("ecg5000")
        let root = try temporaryDirectory(self)
        // The base URL replaces the canonical mirrors (the machine may be offline).
        let fetcher = DatasetFetcher(root: root, baseURL: source)
        let dir = try fetcher.fetch(.ecg5000)
        XCTAssertEqual(try ECG5000.load(from: dir).count, 4998)
    }

    func testFetchesRealMNISTLabelsFromAFileMirror() throws {
        let source = try sharedDatasets("mnist")
        let root = try temporaryDirectory(self)
        let mirror = root.appendingPathComponent("copy", isDirectory: true)
        try FileManager.default.createDirectory(at: mirror, withIntermediateDirectories: true)
        let labels = RemoteDataset.mnist.files.filter { $0.name.contains("labels") }
        for file in labels {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(file.name),
                to: mirror.appendingPathComponent(file.name))
        }
        let fetcher = DatasetFetcher(root: root, baseURL: mirror)
        let target = fetcher.directory(for: .mnist)
        for file in labels { try fetcher.fetch(file, of: .mnist, into: target) }
        XCTAssertEqual(
            try IDXFile.read(from: target.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
                .labels().count, 10000)
        XCTAssertEqual(
            fetcher.unverifiedFiles(of: .mnist).map(\.name),
            ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"])
    }

    func testCatalog() {
        XCTAssertEqual(RemoteDataset.named("MNIST"), .mnist)
        XCTAssertEqual(RemoteDataset.named("fashion-mnist")?.files.count, 4)
        XCTAssertNil(RemoteDataset.named("cifar"))
        XCTAssertEqual(
            RemoteDataset.mnist.mirrors.first?.absoluteString,
            "https://ossci-datasets.s3.amazonaws.com/mnist/")
    }
}
