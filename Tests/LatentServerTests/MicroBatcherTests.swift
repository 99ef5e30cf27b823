import Dispatch
import Latent
import XCTest

@testable import latent_server

/// Requests that arrive while the detector is busy are scored together, in one call, and
/// each gets exactly the scores it would get alone.
final class MicroBatcherTests: XCTestCase {
    func testRequestsArrivingWhileBusyAreScoredInOneBatch() async throws {
        let batcher = MicroBatcher(detector: Fixture.detector, label: "test", maxBatchRows: 10_000)
        let requests = (0..<24).map { Fixture.rows(1 + $0 % 5, seed: UInt64(200 + $0)) }
        let alone = try requests.map { try Fixture.detector.score($0) }
        // Hold the queue busy until every request is waiting for it.
        let gate = DispatchSemaphore(value: 0)
        batcher.queue.async { gate.wait() }
        let results = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (i, x) in requests.enumerated() {
                group.addTask {
                    (i, try await batcher.evaluate(rows: x.scalars, count: x.shape[0], topK: 0).map(\.score))
                }
            }
            while batcher.pendingCount < requests.count { try await Task.sleep(nanoseconds: 1_000_000) }
            gate.signal()
            var results = [[Float]](repeating: [], count: requests.count)
            for try await (i, scores) in group { results[i] = scores }
            return results
        }
        for i in requests.indices {
            XCTAssertEqual(results[i].map(\.bitPattern), alone[i].map(\.bitPattern), "request \(i)")
        }
        XCTAssertEqual(batcher.statistics.requests, 24)
        XCTAssertEqual(batcher.statistics.batches, 1, "the 24 waiting requests were not joined")
    }

    func testABatchNeverExceedsTheRowLimit() async throws {
        let batcher = MicroBatcher(detector: Fixture.detector, label: "test", maxBatchRows: 10)
        let requests = (0..<12).map { _ in Fixture.rows(4, seed: 7) }
        let gate = DispatchSemaphore(value: 0)
        batcher.queue.async { gate.wait() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for x in requests {
                group.addTask { _ = try await batcher.evaluate(rows: x.scalars, count: 4, topK: 0) }
            }
            while batcher.pendingCount < requests.count { try await Task.sleep(nanoseconds: 1_000_000) }
            gate.signal()
            try await group.waitForAll()
        }
        // 12 requests of 4 rows, at most 10 rows a batch: two requests per batch.
        XCTAssertEqual(batcher.statistics.batches, 6)
    }
}
