import XCTest

@testable import Latent

final class ImageGridTests: XCTestCase {
    func testGridSizeAndTilePlacement() throws {
        let black = [Float](repeating: 0, count: 6)  // 3 wide × 2 high
        let grey = [Float](repeating: 0.5, count: 6)
        let grid = ImageGrid.compose(
            images: [black, grey, black], width: 3, height: 2, columns: 2, padding: 1, scale: 2)
        // 2 columns × 6 px + 3 × 1 px padding; 2 rows × 4 px + 3 × 1 px padding.
        XCTAssertEqual(grid.width, 15)
        XCTAssertEqual(grid.height, 11)
        XCTAssertEqual(grid.colorType, .grayscale)
        XCTAssertEqual(grid[0, 0], [255])  // border is background
        XCTAssertEqual(grid[1, 1], [0])  // first tile starts after the padding
        XCTAssertEqual(grid[6, 4], [0])  // its last pixel
        XCTAssertEqual(grid[7, 4], [255])  // padding between columns
        XCTAssertEqual(grid[8, 1], [128])  // second tile (grey)
        XCTAssertEqual(grid[1, 6], [0])  // third tile, second row
        XCTAssertEqual(grid[8, 6], [255])  // empty fourth cell is background
        let decoded = try PNGInspection.decode(grid.pngData())
        XCTAssertEqual(decoded, grid)
    }

    func testMixedTilesBecomeRGB() {
        let gray = PNGImage(grayscale: [1, 1, 1, 1], width: 2, height: 2)
        let heat = HeatMap.image(values: [0, 1, 2, 3], width: 2, height: 2)
        let grid = ImageGrid.compose(
            tiles: [gray, heat], columns: 2, padding: 0, background: .black)
        XCTAssertEqual(grid.colorType, .rgb)
        XCTAssertEqual(grid.width, 4)
        XCTAssertEqual(Array(grid[0, 0]), [255, 255, 255])
        XCTAssertEqual(Array(grid[2, 0]), [0, 0, 4])  // magma's first anchor for the minimum
    }
}
