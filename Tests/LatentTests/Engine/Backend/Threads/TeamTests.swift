import CLatentSystem
import Foundation
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

    /// A caller whose helper still works parks (no spinning or yielding its core away for
    /// longer than a bounded time) and is woken when the helper finishes.
    func testCallerParksWhileAHelperWorksAndIsWoken() {
        let saved = Engine.threadCount
        Engine.threadCount = 2
        defer { Engine.threadCount = saved }
        let caller = pthread_self()
        let before = latent_team_caller_parks()
        let started = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2)
        defer {
            started.deallocate()
            counts.deallocate()
        }
        let lock = NSLock()
        started.pointee = 0
        counts.initialize(repeating: 0)
        var bothStarted = true
        Engine.parallelChunks(2) { w in
            lock.lock()
            started.pointee += 1
            counts[w] += 1
            lock.unlock()
            // Both parts run at once, so the helper holds one of them …
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline {
                lock.lock()
                let n = started.pointee
                lock.unlock()
                if n == 2 { break }
            }
            lock.lock()
            if started.pointee < 2 { bothStarted = false }
            lock.unlock()
            // … and finishes 30 ms after the caller.
            if pthread_equal(pthread_self(), caller) == 0 { usleep(30_000) }
        }
        XCTAssertTrue(bothStarted, "the helper never claimed a part")
        XCTAssertEqual(Array(counts), [1, 1])
        XCTAssertGreaterThan(latent_team_caller_parks(), before)
    }

    /// Parts are claimed, not assigned: any number of parts, each run once, whatever thread
    /// gets there first (the caller alone when no helper is scheduled in time).
    func testManyPartsEachRunOnce() {
        let saved = Engine.threadCount
        Engine.threadCount = 2
        defer { Engine.threadCount = saved }
        for parts in [2, 3, 7, 64] {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
            defer { counts.deallocate() }
            counts.initialize(repeating: 0)
            let lock = NSLock()
            Engine.parallelChunks(parts) { w in
                lock.lock()
                counts[w] += 1
                lock.unlock()
            }
            XCTAssertEqual(Array(counts), Array(repeating: 1, count: parts), "\(parts) parts")
        }
    }

    func testParallelForCoversTheRangeOnce() {
        var seen = [Int](repeating: 0, count: 100_000)
        seen.withUnsafeMutableBufferPointer { s in
            Engine.parallelFor(s.count, minimumChunk: 1000) { r in for i in r { s[i] += 1 } }
        }
        XCTAssertEqual(Set(seen), [1])
    }

    /// A thread on a given CPU moves off it when another CPU is allowed, and keeps its
    /// affinity mask (helpers use this after parking, with the caller's CPU: woken on the
    /// caller's CPU they ran no part, or preempted the caller).
    func testLeavingACPUMovesTheThreadAndKeepsItsMask() throws {
        let allowed = latent_affinity_cpus()
        let here = latent_current_cpu()
        try XCTSkipIf(here < 0, "the current CPU is not known here")
        XCTAssertEqual(latent_team_leave_cpu(1000), 0, "moved although it was not on that CPU")
        let from = latent_current_cpu()
        let moved = latent_team_leave_cpu(from)
        if allowed > 1 {
            XCTAssertEqual(moved, 1)
            XCTAssertNotEqual(latent_current_cpu(), from)
        } else {
            XCTAssertEqual(moved, 0, "the only CPU allowed cannot be left")
        }
        XCTAssertEqual(latent_affinity_cpus(), allowed, "the affinity mask was not restored")
        XCTAssertEqual(latent_team_leave_cpu(-1), 0)
    }
}
