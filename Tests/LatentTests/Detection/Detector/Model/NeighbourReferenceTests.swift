import CLatentKernels
import XCTest

@testable import Latent

/// The nearest-rows kernel against a double-precision loop written from the definition,
/// at every shape the panel layout has edges at; and the exactness the detector needs
/// (a row's score does not depend on its batch). `.ci/run` repeats these at each kernel
/// level.
final class NeighbourReferenceTests: XCTestCase {
    private func randomRows(_ n: Int, _ d: Int, seed: UInt64) -> Tensor {
        var g = RandomGenerator(seed: seed)
        return Tensor(shape: [n, d], scalars: (0..<(n * d)).map { _ in g.nextNormal() })
    }

    /// The k smallest squared distances from the definition, in Double, ties by row number.
    private func expected(_ q: [Float], _ r: [Float], d: Int, k: Int, skip: Int?) -> [(Double, Int)] {
        var all: [(Double, Int)] = []
        for j in 0..<(r.count / d) where j != skip {
            var s = 0.0
            for f in 0..<d {
                let u = Double(q[f]) - Double(r[j * d + f])
                s += u * u
            }
            all.append((s, j))
        }
        all.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        return Array(all.prefix(k))
    }

    func testScoresAreTheMeanDistanceToTheNearestRowsFromTheDefinition() {
        for (count, d, k) in [(1, 1, 1), (15, 3, 5), (16, 7, 5), (17, 16, 3), (40, 33, 7), (100, 1, 5)] {
            let training = randomRows(count, d, seed: UInt64(count * 100 + d))
            let reference = NeighbourReference(training: training, standardize: false, k: k)
            let queries = randomRows(9, d, seed: 7)
            let (scores, _, _) = reference.errors(queries, keepFeatures: false)
            let kk = min(k, count)
            for i in 0..<9 {
                let q = Array(queries.scalars[(i * d)..<((i + 1) * d)])
                let nearest = expected(q, reference.rows, d: d, k: kk, skip: nil)
                let want = nearest.map { ($0.0 / Double(d)).squareRoot() }.reduce(0, +) / Double(kk)
                XCTAssertEqual(
                    Double(scores[i]), want, accuracy: 1e-5 * max(1, want), "count \(count) d \(d) k \(k) row \(i)")
            }
        }
    }

    func testOwnCopyIsSkippedWhenScoringTheRememberedRows() {
        let training = randomRows(37, 5, seed: 3)
        let reference = NeighbourReference(training: training, standardize: false, k: 4)
        let (own, _, _) = reference.errors(training, keepFeatures: false, excludingSelf: true)
        for i in 0..<37 {
            let q = Array(reference.rows[(i * 5)..<((i + 1) * 5)])
            let nearest = expected(q, reference.rows, d: 5, k: 4, skip: i)
            let want = nearest.map { ($0.0 / 5).squareRoot() }.reduce(0, +) / 4
            XCTAssertEqual(Double(own[i]), want, accuracy: 1e-5, "row \(i)")
            XCTAssertGreaterThan(own[i], 0, "a row's own copy (distance 0) must not count")
        }
    }

    func testARowScoresTheSameBitsInAnyBatch() {
        let training = randomRows(333, 21, seed: 11)
        let reference = NeighbourReference(training: training, standardize: true, k: 5)
        let queries = randomRows(70, 21, seed: 12)
        let whole = reference.errors(queries, keepFeatures: false).scores
        for (i, row) in whole.enumerated() where i % 7 == 0 {
            let alone = reference.errors(queries.rows(i..<(i + 1)), keepFeatures: false).scores
            XCTAssertEqual(alone[0].bitPattern, row.bitPattern, "row \(i)")
        }
        let tail = reference.errors(queries.rows(13..<70), keepFeatures: false).scores
        XCTAssertEqual(tail.map(\.bitPattern), whole[13...].map(\.bitPattern))
    }

    func testEveryKernelLevelGivesTheSameBits() {
        let (count, d, k, n) = (45, 19, 5, 11)
        let rows = randomRows(count, d, seed: 5).scalars
        let queries = randomRows(n, d, seed: 6).scalars
        var packed = [Float](repeating: 0, count: latent_packed_rows_size(count, d))
        latent_pack_rows(rows, count, d, &packed)
        func run(_ level: Int32) -> ([UInt32], [Int32]) {
            var dist = [Float](repeating: 0, count: n * k)
            var index = [Int32](repeating: 0, count: n * k)
            latent_nearest_rows_level(level, queries, d, packed, count, d, k, -1, &dist, &index, 0, n)
            return (dist.map(\.bitPattern), index)
        }
        let baseline = run(0)
        for level: Int32 in [1, 2] {
            let other = run(level)
            XCTAssertEqual(other.0, baseline.0, "level \(level)")
            XCTAssertEqual(other.1, baseline.1, "level \(level)")
        }
    }

    func testStandardisesPerFeatureAndGivesConstantColumnsATinySpread() {
        var rows: [Float] = []
        for i in 0..<50 { rows += [Float(i), 1000 + 10 * Float(i % 5), 3] }
        let reference = NeighbourReference(training: Tensor(shape: [50, 3], scalars: rows), standardize: true, k: 5)
        XCTAssertEqual(reference.center[0], 24.5, accuracy: 1e-4)
        var variance = 0.0
        for i in 0..<50 { variance += (Double(i) - 24.5) * (Double(i) - 24.5) / 50 }
        XCTAssertEqual(Double(reference.spread[0]), variance.squareRoot(), accuracy: 1e-3)
        XCTAssertEqual(reference.spread[2], NeighbourReference.constantSpread)
        // A value the constant column never took outweighs any ordinary deviation.
        let moved = reference.errors(Tensor(shape: [1, 3], scalars: [24, 1020, 3.1]), keepFeatures: false).scores[0]
        let far = reference.errors(Tensor(shape: [1, 3], scalars: [200, 1020, 3]), keepFeatures: false).scores[0]
        XCTAssertGreaterThan(moved, far)
    }

    func testReconstructionIsTheMeanOfTheNearestRowsAndExplainsTheOddFeature() {
        var rows: [Float] = []
        for i in 0..<60 { rows += [Float(i % 6), Float(i % 6) * 2, 5] }
        let reference = NeighbourReference(training: Tensor(shape: [60, 3], scalars: rows), standardize: false, k: 3)
        let (_, features, reconstruction) = reference.errors(
            Tensor(shape: [1, 3], scalars: [2, 4, 9]), keepFeatures: true)
        XCTAssertEqual(reconstruction?.scalars ?? [], [2, 4, 5])
        XCTAssertEqual(features ?? [], [0, 0, 4])
    }
}
