import Foundation
import XCTest

/// `latent detector threshold` and `latent detector score --rule/--fpr/--fdr` as a user
/// meets them: re-threshold a fitted detector and get the new rule in the scores.
final class DetectorThresholdCommandTests: XCTestCase {
    /// 8 measurements and a text label; every 5th row has a bump on one column.
    private func cellsCSV(rows: Int = 160) -> String {
        var text = "a,b,c,d,diagnosis,e,f,g,h\n"
        for i in 0..<rows {
            let anomalous = i % 5 == 4
            let t = Double((i * 37) % 100) / 100
            var values = (0..<8).map { j in 10 * (1 + sin(Double(j) + 6 * t)) + Double(j) }
            if anomalous { values[2] += 30 }
            let cells = values.map { String(format: "%.4f", $0) }
            text +=
                (cells[0..<4] + [anomalous ? "malignant" : "benign"] + cells[4...])
                .joined(separator: ",") + "\n"
        }
        return text
    }

    private func fit(_ dir: URL, rows: Int = 160) throws -> (detector: URL, data: URL) {
        let data = dir.appendingPathComponent("cells.csv")
        try cellsCSV(rows: rows).write(to: data, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("det")
        let result = try latent([
            "detector", "fit", "--data", data.path, "--out", out.path,
            "--label-column", "diagnosis", "--normal-label", "benign",
            "--epochs", "80", "--threshold", "fpr:0.1", "--quiet",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        return (out, data)
    }

    private func manifest(_ det: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(
            with: Data(contentsOf: det.appendingPathComponent("detector.json"))) as! [String: Any]
    }

    /// The threshold column of a CSV score output.
    private func thresholds(_ csv: String) -> Set<String> {
        Set(csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[2]) })
    }

    func testThresholdRewritesTheRuleAndScoreUsesIt() throws {
        let dir = try temporaryDirectory(self)
        let (det, data) = try fit(dir)
        let help = try latent(["detector", "threshold", "--help"]).stdout
        for flag in ["--rule", "--fpr", "--confidence"] { XCTAssertTrue(help.contains(flag), flag) }

        let changed = try latent(["detector", "threshold", det.path, "--rule", "percentile:90"])
        XCTAssertEqual(changed.status, 0, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("was fpr:0.1"), changed.stderr)
        let json = try manifest(det)
        let threshold = json["threshold"] as! [String: Any]
        XCTAssertEqual(threshold["rule"] as? String, "percentile:90")
        let value = threshold["value"] as! Double
        let rules = json["rule_thresholds"] as! [String: Double]
        XCTAssertEqual(rules["percentile:90"], value)
        XCTAssertNotNil(rules["fpr:0.1"])
        XCTAssertEqual(
            (json["rethresholded"] as? [String: Any])?["previous_rule"] as? String, "fpr:0.1")

        let scored = try latent(["detector", "score", det.path, "--input", data.path])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        XCTAssertEqual(thresholds(scored.stdout), ["\(Float(value))"])
        XCTAssertTrue(scored.stderr.contains("(percentile:90)"), scored.stderr)

        // --rule for one call only: the directory keeps percentile:90.
        let once = try latent([
            "detector", "score", det.path, "--input", data.path, "--rule", "mean-std:3",
        ])
        XCTAssertEqual(once.status, 0, once.stderr)
        XCTAssertEqual(thresholds(once.stdout), ["\(Float(rules["mean-std:3"]!))"])
        XCTAssertEqual((try manifest(det)["threshold"] as! [String: Any])["rule"] as? String, "percentile:90")

        // The calibration-conditional rule through --fpr/--confidence.
        let conditional = try latent([
            "detector", "threshold", det.path, "--fpr", "0.3", "--confidence", "0.8",
        ])
        XCTAssertEqual(conditional.status, 0, conditional.stderr)
        XCTAssertEqual(
            (try manifest(det)["threshold"] as! [String: Any])["rule"] as? String, "fpr:0.3@0.8")
        let conditionalScores = try latent(["detector", "score", det.path, "--input", data.path])
        XCTAssertEqual(conditionalScores.status, 0, conditionalScores.stderr)
        let conditionalLines = conditionalScores.stdout.split(separator: "\n")
        XCTAssertEqual(
            conditionalLines.first, "index,score,threshold,anomaly,p_value,p_value_conditional")
        var flaggedCount = 0
        for line in conditionalLines.dropFirst() {
            let fields = line.split(separator: ",")
            let pMarginal = Double(fields[4])!
            let pConditional = Double(fields[5])!
            XCTAssertGreaterThanOrEqual(pConditional, pMarginal)
            XCTAssertEqual(fields[3] == "true", pConditional <= 0.3, String(line))
            if fields[3] == "true" { flaggedCount += 1 }
        }
        XCTAssertGreaterThan(flaggedCount, 0)

        // The Simes form: same guarantee, tighter threshold in the tail.
        let simes = try latent([
            "detector", "threshold", det.path, "--fpr", "0.3", "--confidence", "0.8", "--bound", "simes",
        ])
        XCTAssertEqual(simes.status, 0, simes.stderr)
        XCTAssertEqual(
            (try manifest(det)["threshold"] as! [String: Any])["rule"] as? String, "fpr:0.3@0.8:simes")
        let simesScores = try latent(["detector", "score", det.path, "--input", data.path])
        for line in simesScores.stdout.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            XCTAssertEqual(fields[3] == "true", Double(fields[5])! <= 0.3, String(line))
        }

        // Listing, youden from the stored anomaly scores, and refusals.
        let listed = try latent(["detector", "threshold", det.path])
        XCTAssertTrue(listed.stdout.contains("percentile:90\t"), listed.stdout)
        XCTAssertEqual(try latent(["detector", "threshold", det.path, "--rule", "youden"]).status, 0)
        let bad = try latent(["detector", "threshold", det.path, "--rule", "fpr:0.0001"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("infinite threshold"), bad.stderr)
        let unknown = try latent(["detector", "threshold", det.path, "--rule", "median"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("unknown rule"), unknown.stderr)
        XCTAssertNotEqual(
            try latent(["detector", "threshold", det.path, "--confidence", "0.9"]).status, 0)
    }

    func testScoreWithFDRAddsADiscoveryColumn() throws {
        let dir = try temporaryDirectory(self)
        // Enough calibration rows for a p-value to pass BH's smallest cut.
        let (det, data) = try fit(dir, rows: 600)
        let scored = try latent(["detector", "score", det.path, "--input", data.path, "--fdr", "0.1"])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        let lines = scored.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "index,score,threshold,anomaly,p_value,discovery")
        XCTAssertEqual(lines.count, 601)
        let discovered = lines.dropFirst().enumerated().filter { $0.element.hasSuffix(",true") }
            .map(\.offset)
        XCTAssertFalse(discovered.isEmpty, scored.stderr)
        let falseDiscoveries = discovered.filter { $0 % 5 != 4 }.count
        XCTAssertLessThanOrEqual(Double(falseDiscoveries), 0.2 * Double(discovered.count))
        XCTAssertTrue(scored.stderr.contains("discoveries at false discovery rate 0.1"), scored.stderr)

        // Streaming: BH over windows of --window rows; NDJSON gets a discovery field.
        let stream = try latent(
            [
                "detector", "score", det.path, "--input", "-", "--fdr", "0.1", "--window", "50",
                "--output-format", "ndjson",
            ], input: Data(cellsCSV(rows: 600).utf8))
        XCTAssertEqual(stream.status, 0, stream.stderr)
        let records = stream.stdout.split(separator: "\n")
        XCTAssertEqual(records.count, 600)
        XCTAssertTrue(records.allSatisfy { $0.contains("\"discovery\":") }, String(records[0]))
        XCTAssertTrue(stream.stderr.contains("windows of 50 rows"), stream.stderr)
        XCTAssertNotEqual(
            try latent(["detector", "score", det.path, "--input", data.path, "--fdr", "0"]).status, 0)

        // CSV streaming keeps order and column alignment around an unreadable line.
        var text = cellsCSV(rows: 30)
        text += "1,2,oops,4,benign,5,6,7,8\n"
        let withError = try latent(
            ["detector", "score", det.path, "--input", "-", "--fdr", "0.1", "--window", "7"],
            input: Data(text.utf8))
        XCTAssertEqual(withError.status, 0, withError.stderr)
        let csv = withError.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast()
        XCTAssertEqual(csv.first, "index,score,threshold,anomaly,p_value,discovery,error")
        XCTAssertEqual(csv.count, 32)
        for (i, line) in csv.dropFirst().enumerated() {
            XCTAssertTrue(line.hasPrefix("\(i),"), String(line))
            XCTAssertEqual(line.filter { $0 == "," }.count, 6, String(line))
        }
        XCTAssertTrue(csv.last!.hasSuffix("is not a number\""), String(csv.last!))
    }

    /// `score` processes started while `threshold` runs again and again all succeed.
    func testScoresRunningDuringRethresholdsNeverFail() throws {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var stop = false, statuses: [Int32] = [], errors: [String] = []
        }
        let dir = try temporaryDirectory(self)
        let (det, data) = try fit(dir, rows: 80)
        let results = Results()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            while true {
                results.lock.lock()
                let stop = results.stop
                results.lock.unlock()
                if stop { break }
                let result = try? latent(["detector", "score", det.path, "--input", data.path])
                results.lock.lock()
                results.statuses.append(result?.status ?? -1)
                if let result, result.status != 0 { results.errors.append(result.stderr) }
                results.lock.unlock()
            }
        }
        for round in 0..<12 {
            let result = try latent([
                "detector", "threshold", det.path, "--rule", round % 2 == 0 ? "percentile:90" : "percentile:99",
            ])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        results.lock.lock()
        results.stop = true
        results.lock.unlock()
        group.wait()
        XCTAssertGreaterThan(results.statuses.count, 0)
        XCTAssertEqual(results.errors, [])
        XCTAssertTrue(results.statuses.allSatisfy { $0 == 0 }, "\(results.statuses)")
        print("threshold race: \(results.statuses.count) scores during 12 re-thresholds, none failed")
    }
}
