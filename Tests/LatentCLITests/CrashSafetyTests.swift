import Foundation
import XCTest
import Latent

/// SIGKILL at random moments while `latent detector fit` replaces a detector directory:
/// every time, the directory afterwards is a complete detector (the old one or the new
/// one), never a torn mix.
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

        var rng = RandomGenerator(seed: 11)
        var killed = 0, completed = 0
        for _ in 0..<16 {
            let process = Process()
            process.executableURL = productsDirectory.appendingPathComponent("latent")
            process.arguments = fit(new, out)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill anywhere in the run, including while it writes and renames the directory.
            usleep(UInt32(Double(rng.nextUniform()) * 1.5 * duration * 1e6))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killed += 1 } else { completed += 1 }
            // Whatever happened, the directory holds one whole detector.
            let detector = try AnomalyDetector.load(from: out)
            XCTAssertTrue([oldThreshold, newThreshold].contains(detector.threshold), "threshold \(detector.threshold) is neither the old nor the new one")
        }
        XCTAssertGreaterThan(killed, 0, "no run was interrupted")
        print("crash safety: \(killed) runs killed, \(completed) completed (a whole fit takes \(String(format: "%.2f", duration)) s)")
    }
}
