import XCTest

@testable import Latent

final class BenjaminiHochbergTests: XCTestCase {
    func testStepUpRejectsEverythingBelowTheLargestPassingRank() throws {
        // m = 6, q = 0.05: bounds i/6 · 0.05 = .0083 .0167 .025 .0333 .0417 .05.
        // Sorted: .002 ✓  .010 ✓  .020 ✓  .039 ✗  .041 ✓  .20 ✗  → k = 5.
        let p = [0.010, 0.039, 0.020, 0.002, 0.20, 0.041]
        XCTAssertEqual(try benjaminiHochberg(p, falseDiscoveryRate: 0.05), [true, true, true, true, false, true])
    }

    func testNoDiscoveries() throws {
        XCTAssertEqual(try benjaminiHochberg([0.5, 0.3, 0.04], falseDiscoveryRate: 0.05), [false, false, false])
    }

    func testBoundaryIsInclusiveAndTiesGoTogether() throws {
        XCTAssertEqual(try benjaminiHochberg([0.05], falseDiscoveryRate: 0.05), [true])
        // Both 0.02s pass at rank 2 (bound 0.025), so both are rejected.
        XCTAssertEqual(
            try benjaminiHochberg([0.02, 0.9, 0.02, 0.8], falseDiscoveryRate: 0.05),
            [true, false, true, false])
    }

    func testAgreesWithBonferroniStyleSingleTest() throws {
        // With m = 1, BH is the plain test p ≤ q.
        XCTAssertEqual(try benjaminiHochberg([0.051], falseDiscoveryRate: 0.05), [false])
        XCTAssertEqual(try benjaminiHochberg([], falseDiscoveryRate: 0.05), [])
    }

    func testRejectsBadInput() {
        XCTAssertThrowsError(try benjaminiHochberg([0.1], falseDiscoveryRate: 0))
        XCTAssertThrowsError(try benjaminiHochberg([0.1], falseDiscoveryRate: 1.5))
        XCTAssertThrowsError(try benjaminiHochberg([1.1], falseDiscoveryRate: 0.1))
        XCTAssertThrowsError(try benjaminiHochberg([.nan], falseDiscoveryRate: 0.1)) {
            XCTAssertTrue("\($0)".contains("a p-value must be in [0, 1]"), "\($0)")
        }
    }
}
