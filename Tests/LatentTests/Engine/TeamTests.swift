import XCTest
@testable import Latent

final class TeamTests: XCTestCase {
    func testEveryWorkerRunsOnceAndNestedJobsStillRun() {
        let saved = Engine.threadCount
        Engine.threadCount = 4
        defer { Engine.threadCount = saved }
        for workers in [2, 3, 4, 2] {
            for _ in 0..<200 {
                let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * 2)
                defer { counts.deallocate() }
                counts.initialize(repeating: 0)
                Engine.parallelChunks(workers) { w in
                    counts[w] += 1
                    // A job started from inside one: the team is busy, so Dispatch runs it.
                    Engine.parallelChunks(2) { inner in if w == 0 { counts[workers + inner] += 1 } }
                }
                XCTAssertEqual(Array(counts.prefix(workers)), Array(repeating: 1, count: workers))
                XCTAssertEqual(Array(counts[workers..<(workers + 2)]), [1, 1])
            }
        }
    }

    func testParallelForCoversTheRangeOnce() {
        var seen = [Int](repeating: 0, count: 100_000)
        seen.withUnsafeMutableBufferPointer { s in
            Engine.parallelFor(s.count, minimumChunk: 1000) { r in for i in r { s[i] += 1 } }
        }
        XCTAssertEqual(Set(seen), [1])
    }
}
