import XCTest

@testable import Latent

final class PeriodEstimateTests: XCTestCase {
    func testFindsThePeriodOfANoisyWave() {
        for period in [17, 50, 230] {
            let estimate = PeriodEstimate(Signal(SignalTestData.wave(rows: 5000, period: period)))
            XCTAssertLessThanOrEqual(abs(estimate.period - period), 1, "period \(period)")
            XCTAssertGreaterThan(estimate.autocorrelation, 0.8)
        }
    }

    func testNoiseWithoutAClearPeakFallsBack() {
        // White noise crosses zero at once, but no later peak is a period.
        var random = DetectionTestRandom(seed: 7)
        let noise = (0..<3000).map { _ in Float(random.uniform()) }
        let estimate = PeriodEstimate(Signal(noise))
        XCTAssertEqual(estimate.period, PeriodEstimate.fallbackWindow)
        XCTAssertLessThan(estimate.autocorrelation, PeriodEstimate.minimumAutocorrelation)
        XCTAssertTrue(estimate.method.contains("no clear period"), estimate.method)
    }

    func testATrendWithoutRhythmFallsBack() {
        let estimate = PeriodEstimate(Signal((0..<3000).map { Float($0) }))
        XCTAssertEqual(estimate.period, PeriodEstimate.fallbackWindow)
        XCTAssertTrue(estimate.method.contains("fallback"))
    }
}
