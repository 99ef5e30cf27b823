import Foundation
import XCTest

@testable import Latent

final class TicksTests: XCTestCase {
    /// A nice step is 1, 2 or 5 times a power of ten.
    private func isNice(_ step: Double) -> Bool {
        let base = pow(10, floor(log10(step) + 1e-9))
        return [1.0, 2, 5, 10].contains { abs(step / base - $0) < 1e-9 }
    }

    func testStepsAreNiceAndNearTheTarget() {
        XCTAssertEqual(Ticks.niceStep(span: 1, targetCount: 5), 0.2)
        XCTAssertEqual(Ticks.niceStep(span: 100, targetCount: 4), 20, accuracy: 1e-12)
        XCTAssertEqual(Ticks.niceStep(span: 0.0042, targetCount: 6), 0.001, accuracy: 1e-15)
        var rng = GalleryTests.Fixtures(state: 7)
        for _ in 0..<500 {
            let lo = (rng.uniform() - 0.5) * pow(10, rng.uniform() * 8 - 4)
            let span = pow(10, rng.uniform() * 10 - 5)
            let target = 2 + Int(rng.uniform() * 8)
            let ticks = Ticks.linear(in: lo...(lo + span), targetCount: target)
            XCTAssertGreaterThanOrEqual(ticks.count, 2, "\(lo)…\(lo + span)")
            XCTAssertLessThanOrEqual(ticks.count, 2 * target + 1)
            let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
            XCTAssertTrue(
                isNice(step) || abs(lo) / span > 1e6, "step \(step) for \(lo)…\(lo + span)")
            for (a, b) in zip(ticks, ticks.dropFirst()) {
                XCTAssertEqual(b - a, step, accuracy: step * 1e-3)
            }
            // Ticks are inside the range and cover it: less than a step is left at each end.
            XCTAssertGreaterThanOrEqual(ticks.first!, lo - step * 1e-6)
            XCTAssertLessThanOrEqual(ticks.last!, lo + span + step * 1e-6)
            XCTAssertLessThan(ticks.first! - lo, step * (1 + 1e-6))
            XCTAssertLessThan(lo + span - ticks.last!, step * (1 + 1e-6))
            // Every tick is an integer multiple of the step (so labels are round numbers).
            for t in ticks {
                XCTAssertEqual(
                    (t / step).rounded(), t / step, accuracy: 1e-6 * max(1, abs(t / step)))
            }
        }
    }

    func testLinearTicksForTypicalRanges() {
        XCTAssertEqual(Ticks.linear(in: 0...1, targetCount: 5), [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(Ticks.linear(in: 0.013...0.92), [0.2, 0.4, 0.6, 0.8])
        XCTAssertEqual(Ticks.linear(in: -7...23, targetCount: 6), [-5, 0, 5, 10, 15, 20])
        XCTAssertEqual(Ticks.linear(in: 1...30, targetCount: 6), [5, 10, 15, 20, 25, 30])
        XCTAssertEqual(
            Ticks.linear(in: 328.5709...328.637, targetCount: 2), [328.58, 328.6, 328.62])
        XCTAssertEqual(Ticks.linear(in: 0.9...4.1, targetCount: 8, minimumStep: 1), [1, 2, 3, 4])
        XCTAssertEqual(Ticks.linear(in: 0...1, targetCount: 8, minimumStep: 1), [0, 1])
    }

    func testLabelsUseJustEnoughDecimals() {
        let ticks = Ticks.linear(in: 0...0.3, targetCount: 6)  // step 0.05
        XCTAssertEqual(
            ticks.map { Ticks.label($0, step: 0.05) },
            ["0", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"])
        XCTAssertEqual(Ticks.label(0.30000000000000004, step: 0.1), "0.3")
        XCTAssertEqual(Ticks.label(1500, step: 500), "1500")
        XCTAssertEqual(Ticks.label(-2, step: 1), "\u{2212}2")
        XCTAssertEqual(Ticks.label(0.000002, step: 0.000001), "2e-6")
        XCTAssertEqual(Ticks.label(3_000_000, step: 1_000_000), "3e6")
    }

    func testLogTicks() {
        XCTAssertEqual(Ticks.logarithmic(in: 0.0004...2), [0.001, 0.01, 0.1, 1])
        // Under two decades 1-2-5 gives three ticks; 3× is added for a fourth.
        let short = Ticks.logarithmic(in: 0.015...0.12)
        XCTAssertEqual(short.count, 4)
        for (a, e) in zip(short, [0.02, 0.03, 0.05, 0.1]) { XCTAssertEqual(a, e, accuracy: 1e-12) }
        // Inside one decade (a loss falling from 0.08 to 0.03): four labelled ticks, not two.
        let narrow = Ticks.logarithmic(in: 0.03...0.08)
        XCTAssertGreaterThanOrEqual(narrow.count, 4, "\(narrow)")
        let wide = Ticks.logarithmic(in: 1e-9...1e3, targetCount: 4)
        XCTAssertLessThanOrEqual(wide.count, 5)
        XCTAssertTrue(
            wide.allSatisfy { abs(log10($0) - log10($0).rounded()) < 1e-9 },
            "powers of ten: \(wide)")
        // Thinning never leaves fewer than two powers of ten.
        XCTAssertEqual(Ticks.logarithmic(in: 7.9e-6...0.79, targetCount: 2), [1e-4, 1e-2])
        XCTAssertEqual(
            [0.001, 0.02, 1, 500, 1e-6, 2e7].map(Ticks.logLabel),
            ["0.001", "0.02", "1", "500", "1e-6", "2e7"])
    }
}
