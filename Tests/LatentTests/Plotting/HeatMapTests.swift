import XCTest

@testable import Latent

final class HeatMapTests: XCTestCase {
    func testValuesMapAcrossTheColormap() {
        let image = HeatMap.image(
            values: [0, 0.5, 1, .nan], width: 2, height: 2, range: 0...1, colormap: .viridis)
        XCTAssertEqual(image.colorType, .rgb)
        XCTAssertEqual(Array(image[0, 0]), [0x44, 0x01, 0x54])  // viridis(0)
        XCTAssertEqual(Array(image[0, 1]), [0xFD, 0xE7, 0x25])  // viridis(1)
        XCTAssertEqual(Array(image[1, 1]), [0x44, 0x01, 0x54])  // NaN → first colour
        let mid = Colormap.viridis.color(at: 0.5)
        XCTAssertEqual(Array(image[1, 0]), [mid.red, mid.green, mid.blue])
    }

    func testAutomaticRangeUsesFiniteExtremes() {
        let image = HeatMap.image(
            values: [2, 4, .infinity, 3], width: 4, height: 1, colormap: .grayscale)
        XCTAssertEqual(image[0, 0].first, 0)
        XCTAssertEqual(image[1, 0].first, 255)
        XCTAssertEqual(image[3, 0].first, 128)
    }
}
