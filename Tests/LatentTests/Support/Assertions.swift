import XCTest

@testable import Latent

/// Asserts two float arrays agree elementwise within `tolerance` (absolute, plus
/// relative to the larger magnitude).
func assertClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "count differs. \(message)", file: file, line: line)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let scale = max(1, Swift.abs(a), Swift.abs(e))
        if !(Swift.abs(a - e) <= tolerance * scale) {
            XCTFail("element \(i): \(a) vs expected \(e) (tolerance \(tolerance)). \(message)", file: file, line: line)
            return
        }
    }
}

func assertClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.shape, expected.shape, "shape differs. \(message)", file: file, line: line)
    assertClose(actual.scalars, expected.scalars, tolerance: tolerance, message, file: file, line: line)
}
