import Foundation
import XCTest

@testable import Latent

final class PNGInspectionTests: XCTestCase {
    private func sample() -> Data {
        PNGImage(grayscale: (0..<64).map { Float($0) / 63 }, width: 8, height: 8).pngData()
    }

    func testValidFileValidates() throws {
        let info = try PNGInspection.validate(sample())
        XCTAssertEqual(info.width, 8)
        XCTAssertEqual(info.height, 8)
        XCTAssertEqual(info.colorType, .grayscale)
    }

    func testEveryCorruptedByteIsDetected() {
        let original = [UInt8](sample())
        // Flipping any single bit anywhere must make validation throw (CRC covers all chunk
        // bytes except the length, and a wrong length misaligns the chunks after it).
        for offset in 0..<original.count {
            var corrupted = original
            corrupted[offset] ^= 0x10
            XCTAssertThrowsError(try PNGInspection.validate(Data(corrupted)), "byte \(offset)")
        }
    }

    func testCorruptedIDATReportsBadCRC() {
        var bytes = [UInt8](sample())
        bytes[45] ^= 0xFF  // inside IDAT data
        XCTAssertThrowsError(try PNGInspection.validate(Data(bytes))) { error in
            XCTAssertEqual(error as? PNGFormatError, .badCRC(chunk: "IDAT", offset: 33))
        }
    }

    func testTruncatedAndForeignDataAreRejected() {
        let bytes = [UInt8](sample())
        XCTAssertThrowsError(try PNGInspection.validate(Data(bytes.prefix(bytes.count - 5)))) {
            error in
            XCTAssertEqual(error as? PNGFormatError, .truncated(offset: bytes.count - 12))
        }
        XCTAssertThrowsError(try PNGInspection.validate(Data("GIF89a not a png".utf8))) { error in
            XCTAssertEqual(error as? PNGFormatError, .badSignature)
        }
    }

    func testWrongDecompressedSizeIsRejected() {
        // A well-formed file whose IHDR claims 9 rows while IDAT holds 8.
        var bytes = [UInt8](sample())
        bytes[23] = 9
        let crc = PNGImage.crc(Array(bytes[12..<29]))
        bytes.replaceSubrange(29..<33, with: PNGImage.bigEndian(crc))
        XCTAssertThrowsError(try PNGInspection.validate(Data(bytes))) { error in
            XCTAssertEqual(error as? PNGFormatError, .wrongDataSize(expected: 9 * 9, actual: 8 * 9))
        }
    }

    func testErrorDescriptionsAreSentences() {
        let text = PNGFormatError.badCRC(chunk: "IDAT", offset: 33).description
        XCTAssertTrue(text.contains("IDAT") && text.contains("33") && text.hasSuffix("."))
    }
}
