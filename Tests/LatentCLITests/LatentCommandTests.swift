import Foundation
import XCTest

/// The command line as a user meets it: help text, the README's demo, clear errors.
final class LatentCommandTests: XCTestCase {
    func testHelpListsTheCommands() throws {
        let result = try latent(["--help"])
        XCTAssertEqual(result.status, 0)
        for command in ["demo", "example", "datasets", "bench"] {
            XCTAssertTrue(result.stdout.contains(command), command)
        }
        let example = try latent(["example", "--help"])
        for name in [
            "fashion-ae", "fashion-denoise", "ecg-anomaly", "mnist-latent", "mnist-generate", "mnist-anomaly",
            "--data-dir", "--quick",
        ] {
            XCTAssertTrue(example.stdout.contains(name), name)
        }
    }

    func testDemoRunsOnTheBundledData() throws {
        let out = try temporaryDirectory(self).appendingPathComponent("run")
        let result = try latent(["demo", "--quick", "--quiet", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        // Results apart from settings, in an aligned table.
        XCTAssertTrue(result.stdout.contains("Results\n"), result.stdout)
        XCTAssertNotNil(result.stdout.range(of: #"\n  auroc +0\.\d+\n"#, options: .regularExpression), result.stdout)
        XCTAssertTrue(result.stdout.contains("Settings\n"), result.stdout)
        XCTAssertEqual(result.stderr, "", "--quiet shows no progress")
        XCTAssertTrue(result.stdout.contains("report.html"), result.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.html").path))
    }

    func testUnknownExampleIsAClearError() throws {
        let result = try latent(["example", "mnist-nonsense"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("mnist-nonsense"), result.stderr)
        XCTAssertTrue(result.stderr.contains("fashion-ae"), "the message lists the valid names: \(result.stderr)")
    }

    func testMissingDataNamesTheFileAndTheFix() throws {
        let empty = try temporaryDirectory(self)
        let result = try latent([
            "example", "fashion-ae", "--quick", "--data-dir", empty.path, "--out",
            empty.appendingPathComponent("run").path,
        ])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("train-images-idx3-ubyte.gz"), result.stderr)
        XCTAssertTrue(
            result.stderr.contains("datasets fetch") || result.stderr.contains("DatasetFetcher"), result.stderr)
    }

    func testDatasetsFetchFromAFileMirrorVerifiesTheChecksum() throws {
        let shared = try sharedDatasets()
        let root = try temporaryDirectory(self)
        let mirror = shared.appendingPathComponent("ecg5000", isDirectory: true)
        let result = try latent([
            "datasets", "fetch", "ecg5000", "--data-dir", root.path, "--base-url", mirror.absoluteString,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let fetched = root.appendingPathComponent("ecg5000/ecg.csv")
        XCTAssertEqual(try Data(contentsOf: fetched), try Data(contentsOf: mirror.appendingPathComponent("ecg.csv")))

        // A mirror serving the wrong bytes is refused and leaves nothing behind.
        let bad = try temporaryDirectory(self)
        try Data("1,2,3\n".utf8).write(to: bad.appendingPathComponent("ecg.csv"))
        let root2 = try temporaryDirectory(self)
        let refused = try latent([
            "datasets", "fetch", "ecg5000", "--data-dir", root2.path, "--base-url", bad.absoluteString,
        ])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("SHA-256"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root2.appendingPathComponent("ecg5000/ecg.csv").path))
    }

    func testInvalidEpochsIsRejectedBeforeAnyWork() throws {
        let result = try latent(["example", "ecg-anomaly", "--epochs", "0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--epochs"), result.stderr)
    }
}
