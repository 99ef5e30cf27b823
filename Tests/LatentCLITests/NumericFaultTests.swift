import Foundation
import XCTest

/// NaN or infinite cells: a clear error naming the line and column, or, with
/// `--skip-non-finite`, the rows are skipped and counted.
final class NumericFaultTests: XCTestCase {
    func table(withFault fault: String) -> String {
        var lines: [String] = []
        for i in 0..<120 {
            var cells = (0..<6).map { j in String(format: "%.3f", sin(Double(i + j) * 0.3)) }
            if i == 7 { cells[3] = fault }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func testNaNAndInfinityAreNamedOrSkipped() throws {
        let dir = try temporaryDirectory(self)
        for fault in ["nan", "NaN", "inf", "-Infinity"] {
            let data = dir.appendingPathComponent("faulty.csv")
            try table(withFault: fault).write(to: data, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("det")
            let refused = try latent([
                "detector", "fit", "--data", data.path, "--out", out.path, "--epochs", "3", "--quiet",
            ])
            XCTAssertNotEqual(refused.status, 0, fault)
            XCTAssertLessThan(refused.status, 128, "a clean exit, not a crash")
            for part in ["faulty.csv", "line 8", "column 4"] {
                XCTAssertTrue(refused.stderr.contains(part), "\(fault): the message lacks '\(part)': \(refused.stderr)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing half-written")

            let skipped = try latent([
                "detector", "fit", "--data", data.path, "--out", out.path, "--epochs", "3", "--skip-non-finite",
            ])
            XCTAssertEqual(skipped.status, 0, skipped.stderr)
            XCTAssertTrue((skipped.stdout + skipped.stderr).contains("skipped 1 rows"), skipped.stdout + skipped.stderr)
            try FileManager.default.removeItem(at: out)
        }
    }

    /// `detector score` honours --skip-non-finite as fit does (it once read the file
    /// without passing the flag on).
    func testScoreSkipsNonFiniteRowsOnlyWhenAsked() throws {
        let dir = try temporaryDirectory(self)
        let clean = dir.appendingPathComponent("clean.csv")
        let faulty = dir.appendingPathComponent("faulty.csv")
        try table(withFault: "0.5").write(to: clean, atomically: true, encoding: .utf8)
        try table(withFault: "nan").write(to: faulty, atomically: true, encoding: .utf8)
        let det = dir.appendingPathComponent("det")
        let fit = try latent(["detector", "fit", "--data", clean.path, "--out", det.path, "--epochs", "3", "--quiet"])
        XCTAssertEqual(fit.status, 0, fit.stderr)
        let refused = try latent(["detector", "score", det.path, "--input", faulty.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("line 8"), refused.stderr)
        let scored = try latent(["detector", "score", det.path, "--input", faulty.path, "--skip-non-finite"])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        XCTAssertTrue(scored.stderr.contains("skipped 1 rows"), scored.stderr)
        XCTAssertEqual(scored.stdout.split(separator: "\n").count, 1 + 119, scored.stdout)
    }
}
