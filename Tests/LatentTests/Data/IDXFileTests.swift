import Foundation
import XCTest

@testable import Latent

final class IDXFileTests: XCTestCase {
    /// A 2×2×3 uint8 IDX file.
    private let tiny: [UInt8] =
        [0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3] + Array(0..<12).map { UInt8($0 * 20) }

    func testReadsTinyFileAndItsGzip() throws {
        for bytes in [tiny, Gzip.compress(tiny)] {
            let array = try IDXFile.read(bytes: bytes, file: "tiny")
            XCTAssertEqual(array.dataType, .uint8)
            XCTAssertEqual(array.dimensions, [2, 2, 3])
            XCTAssertEqual(array.bytes, Array(tiny[16...]))
            let images = try array.images()
            XCTAssertEqual(images.shape, [2, 2, 3])
            assertClose(images.scalars, (0..<12).map { Float($0 * 20) / 255 })
        }
    }

    func testWriteThenRead() throws {
        let dir = try temporaryDirectory(self)
        let array = IDXArray(dataType: .uint8, dimensions: [4], bytes: [3, 1, 4, 1])
        let url = dir.appendingPathComponent("labels-idx1-ubyte.gz")
        try IDXFile.write(array, to: url, compressed: true)
        let read = try IDXFile.read(from: url)
        XCTAssertEqual(try read.labels(), [3, 1, 4, 1])
        XCTAssertEqual(read.source, url.path)
    }

    func testBigEndianTypes() throws {
        let int16: [UInt8] = [0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE]
        XCTAssertEqual(try IDXFile.read(bytes: int16, file: "s").labels(), [258, -2])
        let float32: [UInt8] = [0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0]
        XCTAssertEqual(try IDXFile.read(bytes: float32, file: "f").floats(), [1.5])
    }

    // MARK: Real files

    func testMNISTTrainLabels() throws {
        let url = try sharedDatasets("mnist/train-labels-idx1-ubyte.gz")
        let labels = try IDXFile.read(from: url).labels()
        XCTAssertEqual(labels.count, 60000)
        XCTAssertEqual(Array(labels.prefix(5)), [5, 0, 4, 1, 9])
        var counts = [Int](repeating: 0, count: 10)
        for l in labels { counts[l] += 1 }
        XCTAssertEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }

    func testMNISTTestImages() throws {
        let url = try sharedDatasets("mnist/t10k-images-idx3-ubyte.gz")
        let array = try IDXFile.read(from: url)
        XCTAssertEqual(array.dimensions, [10000, 28, 28])
        let images = try array.images()
        XCTAssertEqual(images.shape, [10000, 28, 28])
        let scalars = images.scalars
        XCTAssertEqual(scalars.min(), 0)
        XCTAssertEqual(scalars.max(), 1)
        XCTAssertThrowsError(try array.labels())
    }

    func testFashionMNISTTestLabels() throws {
        let labels = try IDXFile.read(
            from: sharedDatasets("fashion-mnist/t10k-labels-idx1-ubyte.gz")
        ).labels()
        XCTAssertEqual(labels.count, 10000)
        XCTAssertEqual(Set(labels), Set(0..<10))
        XCTAssertTrue((0..<10).allSatisfy { c in labels.filter { $0 == c }.count == 1000 })
    }

    // MARK: Malformed files

    func testBadMagic() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile([0x50, 0x4B, 3, 4] + tiny[4...], "zip-ubyte", in: dir)
        assertDataError(.badMagic, [url.path, "byte 0", "50 4b 03 04"]) {
            try IDXFile.read(from: url)
        }
    }

    func testUnknownType() {
        var bytes = tiny
        bytes[2] = 0x07
        assertDataError(.unsupported, ["t", "byte 2", "0x07"]) {
            try IDXFile.read(bytes: bytes, file: "t")
        }
    }

    func testTruncatedData() throws {
        let dir = try temporaryDirectory(self)
        let url = try writeFile(Array(tiny.prefix(20)), "short-ubyte", in: dir)
        assertDataError(.truncated, [url.path, "byte 20", "implies 12 bytes", "only 4 follow"]) {
            try IDXFile.read(from: url)
        }
    }

    func testTruncatedGzipPayload() throws {
        // A whole gzip stream whose content is a truncated IDX file: offsets are in the
        // decompressed data.
        let url = try writeFile(
            Gzip.compress(Array(tiny.prefix(20))), "short-ubyte.gz",
            in: try temporaryDirectory(self))
        assertDataError(.truncated, [url.path, "byte 20 of the decompressed data"]) {
            try IDXFile.read(from: url)
        }
    }

    func testTruncatedGzipStream() throws {
        let packed = Gzip.compress(tiny)
        let url = try writeFile(
            Array(packed.prefix(packed.count - 10)), "cut-ubyte.gz",
            in: try temporaryDirectory(self))
        assertDataError(.truncated, [url.path, "byte \(packed.count - 10)", "gzip"]) {
            try IDXFile.read(from: url)
        }
    }

    func testTruncatedHeader() {
        assertDataError(.truncated, ["h", "byte 10", "3 dimensions"]) {
            try IDXFile.read(bytes: Array(tiny.prefix(10)), file: "h")
        }
        assertDataError(.truncated, ["h", "byte 2"]) { try IDXFile.read(bytes: [0, 0], file: "h") }
    }

    func testExtraBytes() {
        assertDataError(.corrupt, ["x", "byte 28", "3 more bytes"]) {
            try IDXFile.read(bytes: tiny + [1, 2, 3], file: "x")
        }
    }

    func testDimensionsOverflow() {
        let huge: [UInt8] = [0, 0, 0x08, 3] + Array(repeating: 0xFF, count: 12)
        assertDataError(.tooLarge, ["o", "byte 4", "overflow"]) {
            try IDXFile.read(bytes: huge, file: "o")
        }
    }

    func testHugeClaimFailsWithoutAllocating() {
        // 60000 × 60000 × 60000 bytes fits in Int but is far beyond the file: it must fail
        // as truncated (or too large), not by trying to allocate it.
        let claim: [UInt8] = [
            0, 0, 0x08, 2, 0x7F, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 1, 2, 3,
        ]
        assertDataError(.truncated, ["c", "only 3 follow"]) {
            try IDXFile.read(bytes: claim, file: "c", maximumSize: Int.max)
        }
        assertDataError(.tooLarge, ["c", "limit"]) { try IDXFile.read(bytes: claim, file: "c") }
    }

    func testEmptyFile() throws {
        let url = try writeFile([], "empty-ubyte", in: try temporaryDirectory(self))
        assertDataError(.empty, [url.path, "empty"]) { try IDXFile.read(from: url) }
    }

    func testMissingFile() {
        assertDataError(.fileNotFound, ["/nonexistent/x-ubyte"]) {
            try IDXFile.read(from: URL(fileURLWithPath: "/nonexistent/x-ubyte"))
        }
    }
}
