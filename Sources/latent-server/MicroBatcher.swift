import Dispatch
import Foundation
import Latent

/// Runs one detector's work on its own serial queue, joining requests that arrive while
/// a batch is being scored into the next batch (opportunistic micro-batching: no added
/// wait when the server is idle, larger matrix products under load).
///
/// ```
/// request ─┐
/// request ─┼─► pending ──(queue free?)──► one evaluate([Σ rows, d]) ──► split per request
/// request ─┘
/// ```
///
/// The detector is only ever touched from `queue`, so its model needs no locking.
final class MicroBatcher: @unchecked Sendable {
    let detector: AnomalyDetector
    let maxBatchRows: Int
    /// The serial queue all scoring runs on (internal so tests can hold it busy and prove
    /// that requests arriving meanwhile are joined into one batch).
    let queue: DispatchQueue
    private let lock = NSLock()
    private var pending: [Job] = []
    private var running = false
    private var batches = 0
    private var requests = 0

    private struct Job {
        var rows: [Float]
        var count: Int
        var topK: Int
        var continuation: CheckedContinuation<[RowScore], Error>
    }

    init(detector: AnomalyDetector, label: String, maxBatchRows: Int) {
        self.detector = detector
        self.maxBatchRows = max(1, maxBatchRows)
        queue = DispatchQueue(label: "latent-server.model.\(label)")
    }

    /// How many detector calls served how many requests so far.
    var statistics: (batches: Int, requests: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (batches, requests)
    }

    /// Requests waiting for the queue.
    var pendingCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return pending.count
    }

    /// Scores `count` rows (`rows` holds `count × featureCount` values, row-major).
    func evaluate(rows: [Float], count: Int, topK: Int) async throws -> [RowScore] {
        try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            pending.append(Job(rows: rows, count: count, topK: topK, continuation: continuation))
            let start = !running
            running = true
            lock.unlock()
            if start { queue.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            lock.lock()
            if pending.isEmpty {
                running = false
                lock.unlock()
                return
            }
            var take = 0
            var rows = 0
            while take < pending.count, take == 0 || rows + pending[take].count <= maxBatchRows {
                rows += pending[take].count
                take += 1
            }
            let jobs = Array(pending.prefix(take))
            pending.removeFirst(take)
            batches += 1
            requests += take
            lock.unlock()
            run(jobs)
        }
    }

    private func run(_ jobs: [Job]) {
        if jobs.count == 1 {
            let job = jobs[0]
            do {
                job.continuation.resume(returning: try score(job.rows, job.count, job.topK))
            } catch {
                job.continuation.resume(throwing: error)
            }
            return
        }
        let d = detector.schema.featureCount
        var flat: [Float] = []
        flat.reserveCapacity(jobs.reduce(0) { $0 + $1.count } * d)
        for job in jobs { flat += job.rows }
        let total = jobs.reduce(0) { $0 + $1.count }
        let topK = jobs.map(\.topK).max() ?? 0
        do {
            let results = try score(flat, total, topK)
            var offset = 0
            for job in jobs {
                var mine = Array(results[offset..<(offset + job.count)])
                if job.topK < topK {
                    for i in mine.indices { mine[i].explanation = Array(mine[i].explanation.prefix(job.topK)) }
                }
                offset += job.count
                job.continuation.resume(returning: mine)
            }
        } catch {
            // Should not happen (every job was checked), but never let one request sink others.
            for job in jobs { run([job]) }
        }
    }

    private func score(_ rows: [Float], _ count: Int, _ topK: Int) throws -> [RowScore] {
        try detector.evaluate(
            Tensor(shape: [count, detector.schema.featureCount], scalars: rows), topK: topK)
    }
}
