import Foundation
import Latent
import XCTest

/// SIGKILL at seeded random moments (until that many kills land, with a floor that does
/// not depend on the machine's speed): 24 while `latent detector fit` replaces a detector
/// directory (some proven to land in the save itself), 20 while `latent detector
/// threshold` rewrites it, and 10 while `latent example ecg-anomaly` rewrites its model
/// files. Every time, what is
/// on disk afterwards loads (the weights' checksum verified) as the old result or the new
/// one, never a torn mix or a missing directory.
final class CrashSafetyTests: XCTestCase {
    func writeData(_ url: URL, shift: Double) throws {
        var text = ""
        for i in 0..<300 {
            let t = Double(i % 50) / 50
            // `shift` changes the curves' shape, not just their offset: the detector scales
            // each column to [0, 1], so a plain offset would give the same detector.
            let values = (0..<12).map { j in
                String(format: "%.4f", sin(Double(j) * 0.5 + 6 * t) + shift * sin(11 * t + Double(j)))
            }
            text += values.joined(separator: ",") + "\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Starts `latent arguments` and SIGKILLs it after `delay` seconds, or, with
    /// `whenPresent`, `delay` seconds after that path test first holds (polled every 0.2 ms),
    /// and says whether the kill landed (false: it had already finished). Only the test's
    /// own SIGKILL counts: a run that dies of any other signal crashed, and one that exits
    /// non-zero failed.
    func killOnce(
        _ arguments: [String], after delay: TimeInterval, whenPresent: (() -> Bool)? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Bool {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("latent")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let whenPresent {
            while process.isRunning && !whenPresent() { usleep(200) }
        }
        usleep(UInt32(max(0, delay) * 1e6))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal {
            XCTAssertEqual(
                process.terminationStatus, SIGKILL,
                "latent \(arguments.joined(separator: " ")) crashed (signal \(process.terminationStatus))",
                file: file, line: line)
            return process.terminationStatus == SIGKILL
        }
        XCTAssertEqual(
            process.terminationStatus, 0, "latent \(arguments.joined(separator: " ")) failed on its own", file: file,
            line: line)
        return false
    }

    func testKillDuringFitNeverLeavesATornDetector() throws {
        let root = try temporaryDirectory(self)
        let old = root.appendingPathComponent("old.csv")
        let new = root.appendingPathComponent("new.csv")
        try writeData(old, shift: 0)
        try writeData(new, shift: 0.5)
        let out = root.appendingPathComponent("detector")
        let fit = { (data: URL, out: URL) in
            ["detector", "fit", "--data", data.path, "--out", out.path, "--epochs", "30", "--quiet"]
        }
        // The same data and seed always give the same detector: fit the new one aside once.
        let reference = root.appendingPathComponent("reference")
        var started = Date()
        XCTAssertEqual(try latent(fit(new, reference)).status, 0)
        var duration = Date().timeIntervalSince(started)
        let newThreshold = try AnomalyDetector.load(from: reference).threshold
        started = Date()
        XCTAssertEqual(try latent(fit(old, out)).status, 0)
        // The first run pays for cold caches: the faster of the two is the better guess.
        duration = min(duration, Date().timeIntervalSince(started))
        let oldThreshold = try AnomalyDetector.load(from: out).threshold
        XCTAssertNotEqual(oldThreshold, newThreshold)

        // Kill fits: half at a random moment of the run, half while the new detector is
        // being saved: as soon as its `.detector.tmp-*` directory appears beside the old
        // one, plus 0–4 ms (the model, calibration scores and manifest are written there,
        // then the directories are exchanged). A new temporary left after a kill proves the
        // kill landed in that save window; finding the window by polling, not by timing,
        // makes the count independent of the machine's speed. A run that finishes before
        // its random kill means the estimate is long: shrink it.
        var rng = RandomGenerator(seed: 11)
        var killed = 0
        var completed = 0
        var inSave = 0
        func saveTemporaries() -> Set<String> {
            Set(
                ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter {
                    $0.hasPrefix(".detector.tmp-")
                })
        }
        for round in 0..<100 where killed < 24 {
            let before = saveTemporaries()
            let landed: Bool
            if round % 2 == 1 {
                landed = try killOnce(
                    fit(new, out), after: 0.004 * Double(rng.nextUniform()),
                    whenPresent: { !saveTemporaries().subtracting(before).isEmpty })
            } else {
                landed = try killOnce(fit(new, out), after: Double(rng.nextUniform()) * duration)
            }
            if landed {
                killed += 1
                if !saveTemporaries().subtracting(before).isEmpty { inSave += 1 }
            } else {
                completed += 1
                duration *= 0.9
            }
            // Whatever happened, the directory holds one whole detector.
            let detector = try AnomalyDetector.load(from: out)
            XCTAssertTrue(
                [oldThreshold, newThreshold].contains(detector.threshold),
                "threshold \(detector.threshold) is neither the old nor the new one")
        }
        XCTAssertGreaterThanOrEqual(killed, 20, "too few runs were interrupted")
        XCTAssertGreaterThanOrEqual(inSave, 8, "too few kills landed while the new detector was being written")
        print(
            "crash safety: fit: \(killed) runs killed, \(inSave) of them while saving, \(completed) completed (a whole fit estimated at \(String(format: "%.2f", duration)) s)"
        )

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
        var thresholdDuration = Date().timeIntervalSince(thresholdStarted)
        var thresholdKilled = 0
        var thresholdCompleted = 0
        for round in 0..<120 where thresholdKilled < 20 {
            let arguments = ["detector", "threshold", out.path, "--rule", rules[round % 2]]
            if try killOnce(arguments, after: 0.9 * Double(rng.nextUniform()) * thresholdDuration) {
                thresholdKilled += 1
            } else {
                thresholdCompleted += 1
                thresholdDuration *= 0.9
            }
            let detector = try AnomalyDetector.load(from: out)
            XCTAssertTrue(values.contains(detector.threshold), "threshold \(detector.threshold) is neither rule's")
        }
        XCTAssertGreaterThanOrEqual(thresholdKilled, 10, "too few threshold runs were interrupted")
        print(
            "crash safety: threshold: \(thresholdKilled) runs killed, \(thresholdCompleted) completed (one estimated at \(String(format: "%.2f", thresholdDuration)) s)"
        )

        // Killed writers leave hidden temporaries (fit: `.detector.tmp-*` beside the
        // directory; threshold: `.detector.json.tmp-*` inside it); loaders never read them,
        // and the next save of the same path removes those older than ten minutes.
        let fm = FileManager.default
        func temporaries() throws -> [URL] {
            try fm.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".detector.") }.map(
                root.appendingPathComponent)
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
        print(
            "crash safety: \(killed + thresholdKilled) kills in all, every one left a whole detector; \(leftovers.count) stale temporaries left by them, removed by the next saves"
        )
    }

    /// SIGKILL while `latent example ecg-anomaly --quick` rewrites its output directory,
    /// alternating two seeds: the model files there (two files, each renamed into place,
    /// weights first) always load as one of the two models, never a mismatched pair.
    func testKillDuringLessonModelSavesLeavesOneWholeModel() throws {
        let root = try temporaryDirectory(self)
        func example(_ seed: Int, _ out: URL) -> [String] {
            ["example", "ecg-anomaly", "--quick", "--quiet", "--seed", "\(seed)", "--out", out.path]
        }
        func weights(_ dir: URL) throws -> [[Float]] {
            try ModelFile.load(from: dir.appendingPathComponent("model")).model.namedParameters().map(
                \.parameter.wrappedValue.scalars)
        }
        var references: [[[Float]]] = []
        var duration: TimeInterval = 0
        for seed in [1, 2] {
            let started = Date()
            XCTAssertEqual(try latent(example(seed, root.appendingPathComponent("reference-\(seed)"))).status, 0)
            duration = max(duration, Date().timeIntervalSince(started))
            references.append(try weights(root.appendingPathComponent("reference-\(seed)")))
        }
        XCTAssertNotEqual(references[0], references[1])
        let out = root.appendingPathComponent("run")
        XCTAssertEqual(try latent(example(1, out)).status, 0)

        // The model is saved after training, before the figures and the report: kill in
        // the second half of the run, where the saves are.
        var rng = RandomGenerator(seed: 5)
        var killed = 0
        var completed = 0
        var betweenRenames = 0
        for round in 0..<60 where killed < 10 {
            let delay = (0.3 + 0.55 * Double(rng.nextUniform())) * duration
            if try killOnce(example(round % 2 == 0 ? 2 : 1, out), after: delay) {
                killed += 1
            } else {
                completed += 1
                duration *= 0.9  // the machine is faster than the estimate
            }
            // A kept copy of the old weights means the kill fell between the two renames.
            if try FileManager.default.contentsOfDirectory(atPath: out.path).contains(where: { $0.contains(".prev-") })
            {
                betweenRenames += 1
            }
            let loaded = try weights(out)
            XCTAssertTrue(references.contains(loaded), "the model is neither seed's")
        }
        XCTAssertGreaterThanOrEqual(killed, 5, "too few runs were interrupted")
        print(
            "crash safety: example: \(killed) runs killed (\(betweenRenames) between the weights' and the JSON's rename), \(completed) completed (a whole run estimated at \(String(format: "%.2f", duration)) s)"
        )
    }
}
