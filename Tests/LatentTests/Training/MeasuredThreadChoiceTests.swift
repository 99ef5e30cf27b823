import XCTest

@testable import Latent

/// Whether shards run side by side follows the measured step times, and follows them
/// again when the load changes.
final class MeasuredThreadChoiceTests: XCTestCase {
    /// Runs `steps` steps where one thread takes `one` s per row and two take `two`; returns
    /// the threads used per step.
    func simulate(_ choice: inout MeasuredThreadChoice, steps: Int, one: Double, two: Double) -> [Int] {
        (0..<steps).map { _ in
            let t = choice.next
            choice.record(threads: t, rows: 100, seconds: 100 * (t > 1 ? two : one))
            return t
        }
    }

    func testPicksTheFasterAndReprobes() {
        // Long enough for one reprobe after the probe.
        let steps =
            MeasuredThreadChoice.Probing.training.warmUpSteps + MeasuredThreadChoice.Probing.training.probeSteps
            + MeasuredThreadChoice.Probing.training.reprobeInterval
        var slowPair = MeasuredThreadChoice(parallel: 2)
        let used = simulate(&slowPair, steps: steps, one: 1e-6, two: 3e-6)
        XCTAssertEqual(Array(used.prefix(MeasuredThreadChoice.Probing.training.warmUpSteps)), [2, 2])
        let settled = used.dropFirst(
            MeasuredThreadChoice.Probing.training.warmUpSteps + MeasuredThreadChoice.Probing.training.probeSteps)
        // Mostly one thread, the other tried only in the short reprobes.
        XCTAssertGreaterThan(settled.filter { $0 == 1 }.count, settled.count * 9 / 10)
        XCTAssertEqual(slowPair.secondsPerRow(0)!, 1e-6, accuracy: 1e-12)
        XCTAssertTrue(settled.contains(2))

        var fastPair = MeasuredThreadChoice(parallel: 2)
        let usedFast = simulate(&fastPair, steps: steps, one: 2e-6, two: 1e-6)
        let settledFast = usedFast.dropFirst(
            MeasuredThreadChoice.Probing.training.warmUpSteps + MeasuredThreadChoice.Probing.training.probeSteps)
        XCTAssertGreaterThan(settledFast.filter { $0 == 2 }.count, settledFast.count * 9 / 10)
    }

    func testFollowsAChangeInLoad() {
        var choice = MeasuredThreadChoice(parallel: 2)
        _ = simulate(&choice, steps: 100, one: 2e-6, two: 1e-6)
        XCTAssertEqual(choice.bestIndex, 1)
        // Another process starts: two threads now collapse.
        let after = simulate(&choice, steps: 300, one: 2e-6, two: 20e-6)
        XCTAssertEqual(choice.bestIndex, 0)
        // One thread but for a reprobe block in every 64 steps.
        XCTAssertGreaterThanOrEqual(
            after.suffix(64).filter { $0 == 1 }.count, 64 - MeasuredThreadChoice.Probing.training.blockLength)
    }

    /// Reprobes that leave the choice as it was come at doubling intervals (256, 512, …,
    /// 2048 steps), each still one block; once the load changes and a reprobe finds the
    /// other option faster, the choice follows and the interval starts over.
    func testReprobesBackOffWhileTheChoiceHolds() {
        let p = MeasuredThreadChoice.Probing.training
        var choice = MeasuredThreadChoice(parallel: 2)
        let used = simulate(&choice, steps: p.warmUpSteps + p.probeSteps + 10_000, one: 1e-6, two: 3e-6)
        let settled = Array(used.dropFirst(p.warmUpSteps + p.probeSteps))
        // Starts of the reprobe blocks: a 2 after a 1.
        let starts = settled.indices.filter { $0 > 0 && settled[$0] == 2 && settled[$0 - 1] == 1 }
        XCTAssertEqual(starts.first, p.reprobeInterval - p.blockLength)
        let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }
        XCTAssertEqual(Array(gaps.prefix(4)), [512, 1024, 2048, 2048])
        XCTAssertEqual(settled.filter { $0 == 2 }.count, starts.count * p.blockLength)
        XCTAssertLessThanOrEqual(starts.count, 7)
        // Another process ends: two threads now pay, and the next reprobe finds it.
        let after = simulate(&choice, steps: 2 * p.longestReprobeInterval, one: 3e-6, two: 1e-6)
        XCTAssertEqual(choice.bestIndex, 1)
        // Two threads but for the reprobes, which back off again from 256 steps.
        let tail = after.suffix(p.longestReprobeInterval)
        XCTAssertLessThanOrEqual(tail.filter { $0 == 1 }.count, 4 * p.blockLength)
        XCTAssertGreaterThan(tail.filter { $0 == 1 }.count, 0)
    }

    /// A reprobe judges the other option by its own steps, not by what was measured before:
    /// two threads that lost 3× during a phase and now win 1.4× take over at the first
    /// reprobe after the phase, not after several (the old measurements, decayed by 0.9 per
    /// new one, outweighed a block's three steps).
    func testAReprobeForgetsTheOldMeasurements() {
        let p = MeasuredThreadChoice.Probing.training
        var choice = MeasuredThreadChoice(parallel: 2)
        _ = simulate(&choice, steps: p.warmUpSteps + p.probeSteps + 100, one: 1e-6, two: 3e-6)
        XCTAssertEqual(choice.bestIndex, 0)
        let after = simulate(&choice, steps: p.reprobeInterval + 50, one: 1.4e-6, two: 1e-6)
        XCTAssertEqual(choice.bestIndex, 1)
        XCTAssertEqual(Array(after.suffix(40)), Array(repeating: 2, count: 40))
    }

    /// Two threads must beat one by ``MeasuredThreadChoice/parallelMargin``: 5 % faster
    /// (and sometimes 8 % slower, as under load) leaves one thread chosen but for the
    /// reprobes; 20 % faster takes over.
    func testTwoThreadsMustGainMoreThanTheMargin() {
        let p = MeasuredThreadChoice.Probing.training
        var nearlyEqual = MeasuredThreadChoice(parallel: 2)
        var used: [Int] = []
        for s in 0..<(p.warmUpSteps + p.probeSteps + 4000) {
            let t = nearlyEqual.next
            let perRow = t > 1 ? (s % 7 == 0 ? 1.08e-6 : 0.95e-6) : 1e-6
            nearlyEqual.record(threads: t, rows: 100, seconds: 100 * perRow)
            used.append(t)
        }
        XCTAssertEqual(nearlyEqual.bestIndex, 0)
        let settled = used.dropFirst(p.warmUpSteps + p.probeSteps)
        XCTAssertLessThanOrEqual(settled.filter { $0 == 2 }.count, 6 * p.blockLength)
        var clearlyFaster = MeasuredThreadChoice(parallel: 2)
        let usedFaster = simulate(&clearlyFaster, steps: p.warmUpSteps + p.probeSteps + 400, one: 1e-6, two: 0.8e-6)
        XCTAssertEqual(clearlyFaster.bestIndex, 1)
        XCTAssertGreaterThan(usedFaster.suffix(400).filter { $0 == 2 }.count, 390)
    }

    /// A stall of the chosen option counts for its share of ``MeasuredThreadChoice/memorySeconds``
    /// of steps: one thread at 0.2 ms a step with a 5 ms step in every 500 keeps the choice
    /// against two threads at 0.46 ms (the phase measured under busy loops). With ten
    /// steps' memory each stall made one thread look slower and handed the choice to two
    /// threads until the next reprobe: 1,906 of 5,000 steps.
    func testAStallDoesNotHandTheChoiceToTheSlowerOption() {
        let p = MeasuredThreadChoice.Probing.training
        var choice = MeasuredThreadChoice(parallel: 2)
        var used: [Int] = []
        for s in 0..<5000 {
            let t = choice.next
            choice.record(threads: t, rows: 20, seconds: t > 1 ? 460e-6 : (s % 500 == 250 ? 5e-3 : 200e-6))
            used.append(t)
        }
        XCTAssertEqual(choice.bestIndex, 0)
        // The probe's and the reprobes' blocks only (at most eight reprobes in 5,000 steps).
        XCTAssertLessThanOrEqual(used.filter { $0 == 2 }.count, p.warmUpSteps + p.probeSteps / 2 + 8 * p.blockLength)
    }

    /// Reprobes that cost much (two-thread steps 15× a one-thread step, as under busy
    /// loops when the helper waits for a CPU) come far enough apart that their extra time
    /// stays near ``MeasuredThreadChoice/reprobeBudget`` of the run's first 3,000 steps
    /// (a short training run); at the doubling intervals alone it was 5.3 % (1.8 % now).
    func testCostlyReprobesAreSpacedToTheirBudget() {
        let p = MeasuredThreadChoice.Probing.training
        var choice = MeasuredThreadChoice(parallel: 2)
        var extra = 0.0
        var total = 0.0
        for s in 0..<(p.warmUpSteps + p.probeSteps + 3000) {
            let t = choice.next
            let seconds = t > 1 ? 4.5e-3 : 0.3e-3
            choice.record(threads: t, rows: 32, seconds: seconds)
            if s >= p.warmUpSteps + p.probeSteps {
                total += seconds
                extra += seconds - 0.3e-3
            }
        }
        XCTAssertEqual(choice.bestIndex, 0)
        XCTAssertLessThanOrEqual(extra / total, MeasuredThreadChoice.reprobeBudget * 1.25)
        // Cheap reprobes (two threads 1.5× slower) keep the doubling intervals.
        var cheap = MeasuredThreadChoice(parallel: 2)
        let used = simulate(&cheap, steps: p.warmUpSteps + p.probeSteps + 10_000, one: 1e-6, two: 1.5e-6)
        let settled = Array(used.dropFirst(p.warmUpSteps + p.probeSteps))
        let starts = settled.indices.filter { $0 > 0 && settled[$0] == 2 && settled[$0 - 1] == 1 }
        XCTAssertEqual(Array(zip(starts.dropFirst(), starts).map { $0 - $1 }.prefix(3)), [512, 1024, 2048])
    }

    /// A step that waited for a preempted thread counts for its share of the time, not as
    /// a new average: two threads at 1 µs per row with one step in eight waiting 5× as
    /// long (2 µs per row on average) lose to one thread at 1.5 µs.
    func testOccasionalStallsCountByTheirShare() {
        var choice = MeasuredThreadChoice(parallel: 2)
        for s in 0..<400 {
            let t = choice.next
            let perRow = t > 1 ? (s % 8 == 0 ? 9e-6 : 1e-6) : 1.5e-6
            choice.record(threads: t, rows: 100, seconds: 100 * perRow)
        }
        XCTAssertEqual(choice.bestIndex, 0)
    }

    /// The first step after a switch pays for it (a parked helper woken, cold caches) and
    /// is not counted: two threads at 1 µs per row whose first step after one-thread steps
    /// takes 8× as long still beat one thread at 2 µs per row. Counted, the blocks of four
    /// averaged 2.75 µs and one thread won.
    func testTheFirstStepAfterASwitchIsNotCounted() {
        var choice = MeasuredThreadChoice(parallel: 2)
        var previous = 0
        var used: [Int] = []
        for _ in 0..<300 {
            let t = choice.next
            let perRow = t > 1 ? (previous == 1 ? 8e-6 : 1e-6) : 2e-6
            choice.record(threads: t, rows: 100, seconds: 100 * perRow)
            previous = t
            used.append(t)
        }
        XCTAssertEqual(choice.bestIndex, 1)
        XCTAssertEqual(choice.secondsPerRow(1)!, 1e-6, accuracy: 1e-12)
        XCTAssertGreaterThan(used.suffix(200).filter { $0 == 2 }.count, 180)
    }

    /// Scoring's batches are long: the probe alternates batch by batch and counts every
    /// batch, so a file of a dozen batches is settled after six of them.
    func testScoringSettlesWithinSixBatches() {
        var choice = MeasuredThreadChoice(parallel: 2, probing: .scoring)
        let used = simulate(&choice, steps: 12, one: 2e-6, two: 1e-6)
        XCTAssertEqual(Array(used.prefix(6)), [2, 2, 1, 2, 1, 2])
        XCTAssertEqual(Array(used.dropFirst(6)), Array(repeating: 2, count: 6))
        var slow = MeasuredThreadChoice(parallel: 2, probing: .scoring)
        XCTAssertEqual(
            Array(simulate(&slow, steps: 12, one: 1e-6, two: 2e-6).dropFirst(6)), Array(repeating: 1, count: 6))
    }

    /// Scoring keeps one choice per row size (per model).
    func testRowBlockChoicesArePerShape() {
        let slow = RowBlockThreads.Key(rowSize: 12_347, parallel: 2)
        let fast = RowBlockThreads.Key(rowSize: 12_348, parallel: 2)
        for _ in 0..<100 {
            let t = RowBlockThreads.next(slow)
            RowBlockThreads.record(slow, threads: t, rows: 100, seconds: t > 1 ? 3e-3 : 1e-3)
            let u = RowBlockThreads.next(fast)
            RowBlockThreads.record(fast, threads: u, rows: 100, seconds: u > 1 ? 1e-3 : 3e-3)
        }
        XCTAssertEqual(RowBlockThreads.next(slow), 1)
        XCTAssertEqual(RowBlockThreads.next(fast), 2)
    }

    func testOneThreadWhenThereIsNoChoice() {
        var choice = MeasuredThreadChoice(parallel: 1)
        XCTAssertEqual(simulate(&choice, steps: 20, one: 1e-6, two: 1e-9), Array(repeating: 1, count: 20))
    }
}
