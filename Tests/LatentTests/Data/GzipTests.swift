import Foundation
import XCTest

@testable import Latent

final class GzipTests: XCTestCase {
    private let text = Array(
        String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 200).utf8)

    func testRoundTrip() throws {
        let packed = Gzip.compress(text)
        XCTAssertTrue(Gzip.isCompressed(packed))
        XCTAssertFalse(Gzip.isCompressed(text))
        XCTAssertLessThan(packed.count, text.count / 10)
        XCTAssertEqual(try Gzip.decompress(packed, maximumSize: text.count, file: "t.gz"), text)
    }

    func testEmptyPayload() throws {
        XCTAssertEqual(try Gzip.decompress(Gzip.compress([]), maximumSize: 10, file: "e.gz"), [])
    }

    func testMatchesSystemGzip() throws {
        let dir = try temporaryDirectory(self)
        let plain = try writeFile(text, "fox.txt", in: dir)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-k", "-9", plain.path]
        guard (try? process.run()) != nil else { throw XCTSkip("gzip is not installed") }
        process.waitUntilExit()
        let packed = try [UInt8](Data(contentsOf: dir.appendingPathComponent("fox.txt.gz")))
        XCTAssertEqual(try Gzip.decompress(packed, maximumSize: 1 << 20, file: "fox.txt.gz"), text)
    }

    func testMultipleMembersConcatenate() throws {
        let a = Array("first member\n".utf8)
        let b = Array("second member\n".utf8)
        let joined = Gzip.compress(a) + Gzip.compress(b) + [0, 0, 0, 0]  // zero padding is allowed
        XCTAssertEqual(try Gzip.decompress(joined, maximumSize: 100, file: "m.gz"), a + b)
    }

    func testTrailingGarbageIsAnError() {
        let packed = Gzip.compress(text) + Array("junk".utf8)
        assertDataError(.corrupt, ["g.gz", "byte \(packed.count - 4)", "4 unexpected bytes"]) {
            try Gzip.decompress(packed, maximumSize: 1 << 20, file: "g.gz")
        }
    }

    func testTruncatedStreamNamesTheOffset() {
        let packed = Gzip.compress(text)
        let cut = Array(packed.prefix(packed.count / 2))
        assertDataError(.truncated, ["cut.gz", "byte \(cut.count)", "truncated"]) {
            try Gzip.decompress(cut, maximumSize: 1 << 20, file: "cut.gz")
        }
        // Missing only the CRC-32/size trailer is still truncation.
        assertDataError(.truncated, ["cut.gz", "truncated"]) {
            try Gzip.decompress(Array(packed.dropLast(4)), maximumSize: 1 << 20, file: "cut.gz")
        }
    }

    func testCorruptStreamIsAnError() {
        var packed = Gzip.compress(text)
        // Damage the deflate data (the 10-byte header and 8-byte trailer stay intact).
        for i in stride(from: 12, to: packed.count - 8, by: 3) { packed[i] ^= 0x5A }
        let error = assertDataError(.corrupt, ["bad.gz", "byte ", "corrupt"]) {
            try Gzip.decompress(packed, maximumSize: 1 << 20, file: "bad.gz")
        }
        XCTAssertEqual(error.map { if case .byte = $0.location { true } else { false } }, true)
    }

    func testCRCMismatchIsCorrupt() {
        var packed = Gzip.compress(text)
        packed[packed.count - 8] ^= 0xFF  // first byte of the CRC-32
        assertDataError(.corrupt, ["crc.gz", "incorrect data check"]) {
            try Gzip.decompress(packed, maximumSize: 1 << 20, file: "crc.gz")
        }
    }

    func testBombStopsAtTheCap() {
        let zeros = [UInt8](repeating: 0, count: 20 << 20)  // 20 MiB → about 20 KB compressed
        let packed = Gzip.compress(zeros, level: 9)
        XCTAssertLessThan(packed.count, 100_000)
        assertDataError(.tooLarge, ["bomb.gz", "limit of 1048576 bytes"]) {
            try Gzip.decompress(packed, maximumSize: 1 << 20, file: "bomb.gz")
        }
    }

    func testNotGzip() {
        assertDataError(.badMagic, ["plain.txt", "1f 8b"]) {
            try Gzip.decompress(text, maximumSize: 1 << 20, file: "plain.txt")
        }
    }
}
