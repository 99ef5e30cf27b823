import XCTest

@testable import Latent

final class ColormapTests: XCTestCase {
    func testEndpointsMidpointsAndClamping() {
        let map = Colormap(anchors: [
            RGBColor(hex: 0x000000), RGBColor(hex: 0xFF8000), RGBColor(hex: 0xFFFFFF),
        ])
        XCTAssertEqual(map.color(at: 0), RGBColor(hex: 0x000000))
        XCTAssertEqual(map.color(at: 0.5), RGBColor(hex: 0xFF8000))
        XCTAssertEqual(map.color(at: 1), RGBColor(hex: 0xFFFFFF))
        XCTAssertEqual(map.color(at: 0.25), RGBColor(red: 128, green: 64, blue: 0))
        XCTAssertEqual(map.color(at: -3), map.color(at: 0))
        XCTAssertEqual(map.color(at: 7), map.color(at: 1))
        XCTAssertEqual(map.color(at: .nan), map.color(at: 0))
    }

    func testPerceptualMapsGetLighterMonotonically() {
        for map in [Colormap.viridis, .magma] {
            let luma = stride(from: 0.0, through: 1.0, by: 0.05).map { t -> Double in
                let c = map.color(at: t)
                return 0.2126 * Double(c.red) + 0.7152 * Double(c.green) + 0.0722 * Double(c.blue)
            }
            XCTAssertEqual(luma, luma.sorted())
        }
    }

    func testHexStringAndPalette() {
        XCTAssertEqual(RGBColor(hex: 0x4E79A7).hexString, "#4e79a7")
        XCTAssertEqual(Set(RGBColor.tableau10).count, 10)
        XCTAssertEqual(RGBColor.category(10), RGBColor.category(0))
        XCTAssertEqual(RGBColor.category(-1), RGBColor.category(9))
    }
}
