import Foundation
import XCTest

@testable import Latent

final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        // FIPS 180-4 examples and the NIST short-message vectors.
        let vectors: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ]
        for (message, digest) in vectors {
            XCTAssertEqual(SHA256.hexDigest(of: Data(message.utf8)), digest, message)
        }
        XCTAssertEqual(
            SHA256.hexDigest(of: Data(repeating: UInt8(ascii: "a"), count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testIncrementalUpdatesMatchOneShot() {
        var generator = RandomGenerator(seed: 2)
        let bytes = (0..<1000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let whole = SHA256.hash(bytes)
        for pieces in [1, 3, 63, 64, 65, 200] {
            var hasher = SHA256()
            for start in stride(from: 0, to: bytes.count, by: pieces) {
                hasher.update(Array(bytes[start..<min(start + pieces, bytes.count)]))
            }
            XCTAssertEqual(hasher.finalize(), whole, "pieces of \(pieces)")
        }
    }

    func testMatchesSha256sumAtEveryPaddingLength() throws {
        let dir = try temporaryDirectory(self)
        var generator = RandomGenerator(seed: 8)
        var urls: [URL] = []
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            urls.append(try writeFile(bytes, "r\(length).bin", in: dir))
        }
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"] + urls.map(\.path)
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { throw XCTSkip("sha256sum is not available") }
        let output = String(
            decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = output.split(separator: "\n").map { String($0.prefix(64)) }
        XCTAssertEqual(expected.count, urls.count)
        for (url, digest) in zip(urls, expected) {
            XCTAssertEqual(try SHA256.hexDigest(ofFile: url), digest, url.lastPathComponent)
        }
    }

    func testMatchesSharedChecksums() throws {
        let root = try sharedDatasets()
        let sums = try String(
            contentsOf: root.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        var checked = 0
        for line in sums.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            // The small files keep this quick in debug builds.
            guard parts.count == 2, parts[1].contains("labels") || parts[1].hasSuffix("TRAIN.tsv")
            else { continue }
            XCTAssertEqual(
                try SHA256.hexDigest(ofFile: root.appendingPathComponent(String(parts[1]))),
                String(parts[0]))
            checked += 1
        }
        XCTAssertEqual(checked, 5)
    }

    func testPinnedChecksumsMatchSharedSums() throws {
        let sums = try String(contentsOf: sharedDatasets("SHA256SUMS"), encoding: .utf8)
        for dataset in RemoteDataset.all {
            for file in dataset.files {
                XCTAssertTrue(
                    sums.contains("\(file.sha256)  \(dataset.name)/\(file.name)"),
                    "\(dataset.name)/\(file.name)")
            }
        }
    }
}
