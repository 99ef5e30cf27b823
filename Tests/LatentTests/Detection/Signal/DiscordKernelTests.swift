import CLatentKernels
import XCTest

@testable import Latent

/// The C loops behind ``DiscordCursor`` against the scalar loops they replaced: the same
/// bits at every kernel level (`.ci/run` repeats these at `LATENT_KERNELS=avx2` and
/// `=baseline`).
final class DiscordKernelTests: XCTestCase {
    // 203 reference windows: 25 full vectors of 8 and a tail of 3 (the step skips window 0).
    let m = 13
    let count = 203

    func randoms(_ n: Int, _ random: inout DetectionTestRandom) -> [Double] {
        (0..<n).map { _ in random.uniform() * 2 - 1 }
    }

    func testSlidingDotsAreTheScalarSumsBitForBit() {
        var random = DetectionTestRandom(seed: 11)
        let q = randoms(m, &random)
        let r = randoms(count + m - 1, &random)
        var got = [Double](repeating: .nan, count: count)
        latent_sliding_dots(q, m, r, count, &got)
        for j in 0..<count {
            var s = 0.0
            for t in 0..<m { s += q[t] * r[j + t] }
            XCTAssertEqual(got[j].bitPattern, s.bitPattern, "window \(j)")
        }
    }

    func testTheStepIsTheScalarLoopBitForBitAtEveryLevel() {
        var random = DetectionTestRandom(seed: 12)
        let r = randoms(count + m - 1, &random)
        let muR = randoms(count, &random)
        let invR = randoms(count, &random).map { abs($0) + 0.5 }
        let ssR = randoms(count, &random).map { abs($0) * 10 }
        let previous = randoms(count, &random).map { $0 * 5 }
        let (leaving, entering, first) = (0.37, -1.25, 2.5)
        let (mu, invQ, invM, ss) = (0.1, 1.7, 1 / Double(m), 6.0)

        // The loop DiscordCursor ran before the kernel, written out.
        var want = previous
        var wantBest = -Double.infinity
        var wantNearest = Double.infinity
        var j = count - 1
        while j >= 1 {
            let v = want[j - 1] - leaving * r[j - 1] + entering * r[j + m - 1]
            want[j] = v
            wantBest = max(wantBest, 0 + (v * invM - mu * muR[j]) * invQ * invR[j])
            wantNearest = min(wantNearest, 0 + (ss + ssR[j] - 2 * v))
            j -= 1
        }
        want[0] = first
        wantBest = max(wantBest, 0 + (first * invM - mu * muR[0]) * invQ * invR[0])
        wantNearest = min(wantNearest, 0 + (ss + ssR[0] - 2 * first))

        for level: Int32 in [0, 1, 2] {
            var out = [Double](repeating: .nan, count: count)
            var best = 0.0
            var nearest = 0.0
            latent_discord_step_level(
                level, previous, &out, r, muR, invR, ssR, count, m, leaving, entering, first, mu, invQ, invM,
                ss, &best, &nearest)
            XCTAssertEqual(out.map(\.bitPattern), want.map(\.bitPattern), "level \(level)")
            XCTAssertEqual(best.bitPattern, wantBest.bitPattern, "level \(level)")
            XCTAssertEqual(nearest.bitPattern, wantNearest.bitPattern, "level \(level)")
        }
    }
}
