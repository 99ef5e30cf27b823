import Dispatch
import Foundation

/// Runs the CPU-heavy part of a request (decoding a body, encoding an answer) on threads
/// of its own, at most `width` at a time; more requests wait, suspended, for a turn.
///
/// Hummingbird answers every route from Swift's shared cooperative pool (one thread per
/// core). Decoding a 16 MiB body there took that pool for seconds, and health probes
/// waited behind it; here the pool stays free for health, metadata and the event loops.
final class WorkPool: @unchecked Sendable {
    private let queue = DispatchQueue(label: "latent-server.work", attributes: .concurrent)
    private let lock = NSLock()
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { available = max(1, width) }

    func run<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            lock.lock()
            if available > 0 {
                available -= 1
                lock.unlock()
                continuation.resume()
            } else {
                waiting.append(continuation)
                lock.unlock()
            }
        }
    }

    private func release() {
        lock.lock()
        if waiting.isEmpty {
            available += 1
            lock.unlock()
        } else {
            let next = waiting.removeFirst()
            lock.unlock()
            next.resume()  // the turn passes straight to the next waiter
        }
    }
}
