import XCTest

@testable import Latent

final class DiscordCursorTests: XCTestCase {
    /// Brute force: every reference window, distances as the doc comment defines them.
    func bruteForce(_ q: [[Double]], _ r: [[Double]], m: Int) -> (z: Double, raw: Double) {
        var bestRho = -Double.infinity
        var bestD2 = Double.infinity
        for j in 0...(r[0].count - m) {
            var rho = 0.0
            var d2 = 0.0
            for c in q.indices {
                let a = Array(q[c])
                let b = Array(r[c][j..<(j + m)])
                let ma = a.reduce(0, +) / Double(m)
                let mb = b.reduce(0, +) / Double(m)
                let sa = (a.map { ($0 - ma) * ($0 - ma) }.reduce(0, +) / Double(m)).squareRoot()
                let sb = (b.map { ($0 - mb) * ($0 - mb) }.reduce(0, +) / Double(m)).squareRoot()
                rho += zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +) / (Double(m) * sa * sb)
                d2 += zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            }
            bestRho = max(bestRho, rho / Double(q.count))
            bestD2 = min(bestD2, d2)
        }
        return ((2 * (1 - bestRho)).squareRoot(), (bestD2 / Double(m * q.count)).squareRoot())
    }

    func testRecurrenceMatchesBruteForceOverManyWindows() {
        // One channel takes the fused fast path, two the general one.
        for channels in [1, 2] {
            var random = DetectionTestRandom(seed: 7)
            let m = 12
            let reference = (0..<channels).map { _ in (0..<200).map { _ in random.uniform() * 2 - 1 } }
            let query = (0..<channels).map { _ in (0..<(m + 300)).map { _ in random.uniform() * 2 - 1 } }
            let cursor = DiscordCursor(reference: DiscordReference(series: reference, m: m))
            for k in 0...300 {
                let got = query.withWindow(from: k, length: m) { cursor.next($0, index: k) }
                let want = bruteForce(query.map { Array($0[k..<(k + m)]) }, reference, m: m)
                XCTAssertEqual(got.z, want.z, accuracy: 1e-9, "window \(k)")
                XCTAssertEqual(got.raw, want.raw, accuracy: 1e-9, "window \(k)")
            }
        }
    }

    func testAWindowFoundInTheReferenceHasDistanceZero() {
        let wave = SignalTestData.wave(rows: 400, period: 40, noise: 0).map(Double.init)
        let cursor = DiscordCursor(reference: DiscordReference(series: [wave], m: 40))
        let d = [Array(wave[100..<140])].withWindow(from: 0, length: 40) {
            cursor.next($0, index: 0)
        }
        XCTAssertEqual(d.z, 0, accuracy: 1e-6)
        XCTAssertEqual(d.raw, 0, accuracy: 1e-6)
    }

    func testFlatWindowsCorrelateOnlyWithFlatWindows() {
        let flat = [Double](repeating: 3, count: 20)
        let withFlat = DiscordCursor(reference: DiscordReference(series: [flat + [1, 2, 3]], m: 8))
        let d = [flat].withWindow(from: 0, length: 8) { withFlat.next($0, index: 0) }
        XCTAssertEqual(d.z, 0)
        let noFlat = DiscordCursor(
            reference: DiscordReference(series: [(0..<30).map { Double($0 % 5) }], m: 8))
        let e = [flat].withWindow(from: 0, length: 8) { noFlat.next($0, index: 0) }
        XCTAssertEqual(e.z, 2.0.squareRoot(), accuracy: 1e-12)
    }
}
