import Foundation
import XCTest
import Latent

/// SIGKILL at 44 seeded random moments (until that many kills land) while `latent detector fit` (24) and `latent detector
/// threshold` (20) replace a detector directory: every time, the directory afterwards is a
/// complete detector (the old one or the new one, its weights' checksum verified by the
/// load), never a torn mix or a missing directory.
final class CrashSafetyTests: XCTestCase {
    func writeData(_ url: URL, shift: Double) throws {
        var text = ""
        for i in 0..<300 {
            let t = Double(i % 50) / 50
            let values = (0..<12).map { j in String(format: "%.4f", sin(Double(j) * 0.5 + 6 * t) + shift) }
            text += values.joined(separator: ",") + "\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Starts `latent arguments`, SIGKILLs it after `delay` seconds, and says whether the
    /// kill landed (false: it had already finished).
    func killOnce(_ arguments: [String], after delay: TimeInterval) throws -> Bool {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("latent")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(UInt32(max(0, delay) * 1e6))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    func testKillDuringFitNeverLeavesATornDetector() throws {
        let root = try temporaryDirectory(self)
        let old = root.appendingPathComponent("old.csv"), new = root.appendingPathComponent("new.csv")
        try writeData(old, shift: 0)
        try writeData(new, shift: 0.5)
        let out = root.appendingPathComponent("detector")
        let fit = { (data: URL, out: URL) in ["detector", "fit", "--data", data.path, "--out", out.path, "--epochs", "30", "--quiet"] }
        // The same data and seed always give the same detector: fit the new one aside once.
        let reference = root.appendingPathComponent("reference")
        let started = Date()
        XCTAssertEqual(try latent(fit(new, reference)).status, 0)
        let duration = Date().timeIntervalSince(started)
        let newThreshold = try AnomalyDetector.load(from: reference).threshold
        XCTAssertEqual(try latent(fit(old, out)).status, 0)
        let oldThreshold = try AnomalyDetector.load(from: out).threshold
        XCTAssertNotEqual(oldThreshold, newThreshold)

        // Kill fits until 24 kills have landed: half anywhere in the run, half in its last
        // part, where the model, calibration scores and manifest are written and the
        // directory swapped. (Runs after the first are faster, so some finish first.)
        var rng = RandomGenerator(seed: 11)
        var killed = 0, completed = 0
        for round in 0..<60 where killed < 24 {
            let late = round % 2 == 1
            let fraction = late ? 0.6 + 0.35 * Double(rng.nextUniform()) : Double(rng.nextUniform())
            if try killOnce(fit(new, out), after: fraction * duration) { killed += 1 } else { completed += 1 }
            // Whatever happened, the directory holds one whole detector.
            let detector = try AnomalyDetector.load(from: out)
            XCTAssertTrue([oldThreshold, newThreshold].contains(detector.threshold), "threshold \(detector.threshold) is neither the old nor the new one")
        }
        XCTAssertEqual(killed, 24, "too few runs were interrupted")
        print("crash safety: fit: \(killed) runs killed, \(completed) completed (a whole fit takes \(String(format: "%.2f", duration)) s)")

        // 20 kills while `detector threshold` rewrites the directory (the whole save,
        // alternating between two rules), timed across its short run.
        let rules = ["percentile:90", "percentile:99"]
        var values: [Float] = []
        for rule in rules {
            XCTAssertEqual(try latent(["detector", "threshold", out.path, "--rule", rule]).status, 0)
            values.append(try AnomalyDetector.load(from: out).threshold)
        }
        let thresholdStarted = Date()
        XCTAssertEqual(try latent(["detector", "threshold", out.path, "--rule", rules[0]]).status, 0)
        let thresholdDuration = Date().timeIntervalSince(thresholdStarted)
        var thresholdKilled = 0, thresholdCompleted = 0
        for round in 0..<50 where thresholdKilled < 20 {
            let arguments = ["detector", "threshold", out.path, "--rule", rules[round % 2]]
            if try killOnce(arguments, after: 0.9 * Double(rng.nextUniform()) * thresholdDuration) {
                thresholdKilled += 1
            } else {
                thresholdCompleted += 1
            }
            let detector = try AnomalyDetector.load(from: out)
            XCTAssertTrue(values.contains(detector.threshold), "threshold \(detector.threshold) is neither rule's")
        }
        XCTAssertEqual(thresholdKilled, 20, "too few threshold runs were interrupted")
        print("crash safety: threshold: \(thresholdKilled) runs killed, \(thresholdCompleted) completed (one takes \(String(format: "%.2f", thresholdDuration)) s)")

        // Killed writers leave hidden temporaries (fit: `.detector.tmp-*` beside the
        // directory; threshold: `.detector.json.tmp-*` inside it); loaders never read them,
        // and the next save of the same path removes those older than ten minutes.
        let fm = FileManager.default
        func temporaries() throws -> [URL] {
            try fm.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".detector.") }.map(root.appendingPathComponent)
                + fm.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix(".") }.map(out.appendingPathComponent)
        }
        let leftovers = try temporaries()
        for url in leftovers {
            XCTAssertTrue(url.lastPathComponent.contains(".tmp-") || url.lastPathComponent.contains(".old-"), url.path)
            try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: url.path)
        }
        XCTAssertEqual(try latent(["detector", "threshold", out.path, "--rule", rules[0]]).status, 0)
        XCTAssertEqual(try latent(fit(new, out)).status, 0)
        XCTAssertEqual(try temporaries(), [])
        print("crash safety: \(killed + thresholdKilled) kills in all, every one left a whole detector; \(leftovers.count) stale temporaries left by them, removed by the next saves")
    }
}
