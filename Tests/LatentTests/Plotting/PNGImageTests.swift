import CZlib
import Foundation
import XCTest

@testable import Latent

final class PNGImageTests: XCTestCase {
    func testGrayscaleRoundTripsThroughEncodeAndDecode() throws {
        let values: [Float] = (0..<12).map { Float($0) / 11 }  // 4×3 ramp
        let image = PNGImage(grayscale: values, width: 4, height: 3)
        let data = image.pngData()
        let info = try PNGInspection.validate(data)
        XCTAssertEqual(info.width, 4)
        XCTAssertEqual(info.height, 3)
        XCTAssertEqual(info.colorType, .grayscale)
        let decoded = try PNGInspection.decode(data)
        XCTAssertEqual(decoded.pixels, values.map { UInt8(($0 * 255).rounded()) })
        XCTAssertEqual(decoded.pixels.first, 0)
        XCTAssertEqual(decoded.pixels.last, 255)
    }

    func testRGBAndRGBARoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        for colorType in [PNGImage.ColorType.rgb, .rgba, .grayscaleAlpha] {
            let pixels = (0..<(17 * 9 * colorType.channels)).map { _ in
                UInt8.random(in: 0...255, using: &rng)
            }
            let image = PNGImage(width: 17, height: 9, colorType: colorType, pixels: pixels)
            let decoded = try PNGInspection.decode(image.pngData())
            XCTAssertEqual(decoded, image, "\(colorType)")
        }
    }

    func testFileLayoutMatchesTheSpecification() throws {
        let data = [UInt8](PNGImage(width: 2, height: 1, fill: RGBColor(hex: 0x102030)).pngData())
        XCTAssertEqual(Array(data[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: length 13, then width 2, height 1, depth 8, colour type 2 (RGB).
        XCTAssertEqual(Array(data[8..<16]), [0, 0, 0, 13] + Array("IHDR".utf8))
        XCTAssertEqual(Array(data[16..<29]), [0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0, 0])
        // The CRC of IHDR's type + data, computed independently with zlib.
        let crc = data[12..<29].withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        XCTAssertEqual(Array(data[29..<33]), PNGImage.bigEndian(UInt32(crc)))
        // Ends with an empty IEND chunk and its well-known CRC AE 42 60 82.
        XCTAssertEqual(
            Array(data.suffix(12)), [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
    }

    func testIDATInflatesToFilteredScanlines() throws {
        let image = PNGImage(grayscale: [0, 0.5, 1, 0.25, 0.75, 1], width: 3, height: 2)
        let data = [UInt8](image.pngData())
        let length = Int(
            UInt32(data[33]) << 24 | UInt32(data[34]) << 16 | UInt32(data[35]) << 8
                | UInt32(data[36]))
        XCTAssertEqual(String(decoding: data[37..<41], as: UTF8.self), "IDAT")
        let compressed = Array(data[41..<(41 + length)])
        var out = [UInt8](repeating: 0, count: 64)
        var outLength = uLongf(out.count)
        XCTAssertEqual(uncompress(&out, &outLength, compressed, uLong(compressed.count)), Z_OK)
        XCTAssertEqual(Int(outLength), 2 * (1 + 3))  // each row: filter byte + 3 samples
        // Undo each row's filter by hand and compare with the pixels.
        var previous: [UInt8] = [0, 0, 0]
        var rows = [UInt8]()
        for y in 0..<2 {
            let filter = try XCTUnwrap(PNGFilter(rawValue: out[y * 4]))
            previous = filter.reverse(
                Array(out[(y * 4 + 1)..<(y * 4 + 4)]), previous: previous, bytesPerPixel: 1)
            rows += previous
        }
        XCTAssertEqual(rows, [0, 128, 255, 64, 191, 255])
    }

    func testFloatConversionClampsAndMapsNaNToZero() {
        let image = PNGImage(grayscale: [-1, 2, .nan, 0.5], width: 2, height: 2)
        XCTAssertEqual(image.pixels, [0, 255, 0, 128])
    }

    func testUpscaleRepeatsPixels() {
        let image = PNGImage(width: 2, height: 1, colorType: .grayscale, pixels: [10, 200])
            .upscaled(by: 2)
        XCTAssertEqual(image.width, 4)
        XCTAssertEqual(image.height, 2)
        XCTAssertEqual(image.pixels, [10, 10, 200, 200, 10, 10, 200, 200])
    }

    func testRGBConversionCompositesAlphaOnWhite() {
        let image = PNGImage(
            width: 2, height: 1, colorType: .grayscaleAlpha, pixels: [0, 255, 0, 0]
        ).rgb()
        XCTAssertEqual(image.pixels, [0, 0, 0, 255, 255, 255])
    }

    func testEveryFilterReversesItself() {
        let previous: [UInt8] = [3, 250, 17, 99, 0, 128]
        let row: [UInt8] = [255, 1, 77, 200, 13, 64]
        for filter in PNGFilter.allCases {
            let filtered = filter.apply(row, previous: previous, bytesPerPixel: 2)
            XCTAssertEqual(
                filter.reverse(filtered, previous: previous, bytesPerPixel: 2), row, "\(filter)")
        }
        XCTAssertEqual(PNGFilter.paethPredictor(10, 20, 15), 15)  // p = 15 equals c
        XCTAssertEqual(PNGFilter.paethPredictor(10, 20, 30), 10)  // p = 0 is closest to a
    }
}
