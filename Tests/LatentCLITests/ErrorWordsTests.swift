import Foundation
import XCTest

/// Every `DataError` and `DetectorError` a command can meet, run through the command line:
/// the message must name flags and commands a person can type, never a Swift type,
/// property or call (`CSVOptions.nonFiniteValues`, `DatasetFetcher().fetch(.mnist)`,
/// `.first`), and must end the command with status 1 and no usage text.
final class ErrorWordsTests: XCTestCase {
    /// Swift API spellings: `UpperCamel` types, `lowerCamel` properties, `.member`
    /// references and `call()`s.
    static let swiftNames = [
        #"\b[A-Z][a-z]+[A-Z][A-Za-z]*\b"#,  // DataError, DatasetFetcher
        #"\b[A-Z]{2,}[a-z]+[A-Za-z]*\b"#,  // CSVOptions, NPYFile
        #"\b[a-z]+[A-Z][A-Za-z]*\b"#,  // labelColumn, skipRow, fashionMNIST
        // .first, .skipRow (file extensions such as .npy are not API)
        #"(^|[\s(])\.(?!(npy|csv|tsv|tab|txt|gz|idx|json|png|svg|html|safetensors)\b)[a-z]\w*"#,
        #"\w\((\w+:)*\)"#,  // tensor(), load(from:)
    ].map { try! NSRegularExpression(pattern: $0) }

    /// The Swift names in `text`, with file paths (which may hold anything) left out.
    static func swiftNamesIn(_ text: String) -> [String] {
        // Paths, and NaN (a number's name, not Swift's), are not API.
        let withoutPaths = text.replacingOccurrences(
            of: #"(/[^\s'",:;()]+)+"#, with: " path ", options: .regularExpression
        ).replacingOccurrences(of: "NaN", with: "nan")
        let range = NSRange(withoutPaths.startIndex..., in: withoutPaths)
        return swiftNames.flatMap { pattern in
            pattern.matches(in: withoutPaths, range: range).map {
                String(withoutPaths[Range($0.range, in: withoutPaths)!])
            }
        }
    }

    func testThePatternsCatchSwiftNames() {
        for swift in [
            "read with CSVOptions.nonFiniteValues = .skipRow", "see DatasetFetcher",
            "use .first or .last", "Use tensor() for floats", "ECG5000.load(from:)",
            "Set labelColumn", "DetectorError",
        ] {
            XCTAssertFalse(Self.swiftNamesIn(swift).isEmpty, swift)
        }
        XCTAssertEqual(
            Self.swiftNamesIn(
                "Error: /tmp/x-AbcDef/a.csv, line 3: cell \"NaN\" is not a number. Give --skip-non-finite."),
            [])
    }

    /// A detector directory fitted on 6 smooth features with a 0/1 label in the last column.
    private func fittedDetector(_ dir: URL) throws -> (detector: URL, data: URL) {
        let rows = (0..<120).map { (i: Int) -> String in
            let cells: [String] = (0..<6).map { (j: Int) -> String in
                String(format: "%.4f", sin(Double(i * 7 + j) * 0.3))
            }
            return cells.joined(separator: ",") + (i % 6 == 5 ? ",0" : ",1")
        }
        let data = dir.appendingPathComponent("train.csv")
        try (rows.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let detector = dir.appendingPathComponent("det")
        let fit = try latent([
            "detector", "fit", "--data", data.path, "--out", detector.path, "--label-column", "last",
            "--normal-label", "1", "--epochs", "2", "--threshold", "fpr:0.1", "--quiet",
        ])
        XCTAssertEqual(fit.status, 0, fit.stderr)
        return (detector, data)
    }

    func testEveryReachableErrorNamesNoSwiftAPI() throws {
        let dir = try temporaryDirectory(self)
        let (detector, train) = try fittedDetector(dir)
        func put(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        func putBytes(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
        let fit = ["detector", "fit", "--out", dir.appendingPathComponent("new").path]
        let row = "1,2,3,4,5,6\n"
        let notADetector = dir.appendingPathComponent("not-a-detector")
        try FileManager.default.createDirectory(at: notADetector, withIntermediateDirectories: true)
        try "x".write(to: notADetector.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let brokenDetector = dir.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: brokenDetector, withIntermediateDirectories: true)
        try "{".write(to: brokenDetector.appendingPathComponent("detector.json"), atomically: true, encoding: .utf8)
        let emptyData = dir.appendingPathComponent("empty-data-dir")
        try FileManager.default.createDirectory(at: emptyData, withIntermediateDirectories: true)

        // (what, arguments, words the message must hold)
        let cases: [(String, [String], String)] = [
            ("file not found", fit + ["--data", dir.appendingPathComponent("nope.csv").path], "no such file"),
            ("a directory as data", fit + ["--data", dir.path, "--format", "csv"], "directory"),
            ("empty file", fit + ["--data", try put("empty.csv", "")], "empty"),
            ("ragged rows", fit + ["--data", try put("ragged.csv", row + row + "1,2\n")], "fields"),
            ("text cell", fit + ["--data", try put("text.csv", row + "1,2,x,4,5,6\n")], "--label-column 2"),
            ("NaN cell", fit + ["--data", try put("nan.csv", row + "1,2,nan,4,5,6\n")], "--skip-non-finite"),
            ("bad quote", fit + ["--data", try put("quote.csv", row + "1,\"2,3,4,5,6\n")], "quote"),
            (
                "label index out of range",
                fit + ["--data", try put("six.csv", row + row), "--label-column", "9", "--normal-label", "1"],
                "--label-column first or last"
            ),
            (
                "label name not found",
                fit + [
                    "--data", try put("head.csv", "a,b,c\n1,2,3\n"), "--label-column", "diagnosis",
                    "--normal-label", "1",
                ], "no column is named"
            ),
            (
                "labels file count",
                fit + [
                    "--data", try put("six2.csv", row + row), "--labels", try put("labels.csv", "1\n"),
                    "--normal-label", "1",
                ], "labels"
            ),
            ("unknown extension", fit + ["--data", try put("data.xlsx", row)], "--format"),
            (
                "wrong delimiter forced", fit + ["--data", try put("tabs.tsv", "1;2;3\n4;5;6\n"), "--format", "tsv"],
                "--format"
            ),
            (
                "no normal label match",
                fit + ["--data", train.path, "--label-column", "last", "--normal-label", "7"], "normal label"
            ),
            ("npy bad magic", fit + ["--data", try putBytes("bad.npy", Array("not numpy".utf8))], "npy"),
            (
                "npy truncated",
                fit + [
                    "--data",
                    try putBytes("short.npy", [0x93] + Array("NUMPY".utf8) + [1, 0, 10, 0] + Array("{'descr'".utf8)),
                ],
                "npy"
            ),
            ("idx bad magic", fit + ["--data", try putBytes("x.idx", [1, 2, 3, 4, 5, 6, 7, 8])], "IDX"),
            (
                "gzip damaged",
                fit + ["--data", try putBytes("d.csv.gz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])], "gzip"
            ),
            ("too few rows", fit + ["--data", try put("two.csv", row + row), "--label-column", "none"], "rows"),
            (
                "fpr needs rows",
                fit + [
                    "--data", train.path, "--label-column", "last", "--normal-label", "1", "--threshold", "fpr:0.001",
                ],
                "--validation-fraction"
            ),
            (
                "youden without anomalies",
                fit + ["--data", train.path, "--label-column", "none", "--threshold", "youden"], "youden"
            ),
            (
                "out is not a detector",
                [
                    "detector", "fit", "--data", train.path, "--label-column", "last", "--normal-label", "1",
                    "--out", notADetector.path,
                ], "left untouched"
            ),
            (
                "score: no detector",
                ["detector", "score", dir.appendingPathComponent("nothing").path, "--input", train.path],
                "latent detector fit"
            ),
            ("score: not a detector", ["detector", "score", notADetector.path, "--input", train.path], "detector"),
            ("score: broken manifest", ["detector", "score", brokenDetector.path, "--input", train.path], "JSON"),
            (
                "score: wrong width",
                ["detector", "score", detector.path, "--input", try put("four.csv", "1,2,3,4\n")],
                "features"
            ),
            (
                "threshold: not a detector",
                ["detector", "threshold", notADetector.path, "--rule", "percentile:99"], "detector"
            ),
            (
                "evaluate: no label column",
                [
                    "detector", "evaluate", detector.path, "--data", try put("unlabelled.csv", row + row),
                    "--label-column", "none",
                ],
                "--label-column"
            ),
            (
                "example: dataset missing",
                [
                    "example", "mnist-anomaly", "--data-dir", emptyData.path, "--quick", "--out",
                    dir.appendingPathComponent("run").path,
                ],
                "latent datasets fetch mnist"
            ),
            (
                "datasets: download failed",
                [
                    "datasets", "fetch", "mnist", "--data-dir", dir.appendingPathComponent("cache").path,
                    "--base-url", "file://" + dir.appendingPathComponent("no-mirror").path + "/",
                ], "download"
            ),
        ]
        var failures: [String] = []
        for (what, arguments, words) in cases {
            let result = try latent(arguments)
            let text = result.stderr
            if result.status != 1 { failures.append("\(what): status \(result.status): \(text)") }
            if text.contains("USAGE") { failures.append("\(what): usage text: \(text)") }
            if !text.contains(words) { failures.append("\(what): lacks '\(words)': \(text)") }
            let names = Self.swiftNamesIn(text)
            if !names.isEmpty { failures.append("\(what): Swift names \(names): \(text)") }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n\n"))
    }

    /// The library names configuration fields (`` `validationFraction` ``); the command line
    /// shows the flags that set them.
    func testConfigurationFieldsAreShownAsFlags() throws {
        let dir = try temporaryDirectory(self)
        let (_, train) = try fittedDetector(dir)
        let fit = [
            "detector", "fit", "--data", train.path, "--out", dir.appendingPathComponent("new").path,
            "--label-column", "last", "--normal-label", "1", "--epochs", "2",
        ]
        let cases: [([String], String)] = [
            (["--validation-fraction", "1.5"], "--validation-fraction must be strictly between 0 and 1 (got 1.5)"),
            (["--model", "conv"], "--model conv needs images"),
            (["--minimum-steps=-1"], "--minimum-steps must not be negative"),
        ]
        for (arguments, words) in cases {
            let result = try latent(fit + arguments)
            XCTAssertNotEqual(result.status, 0, result.stderr)
            let error = String(result.stderr.split(separator: "\n").first { $0.hasPrefix("Error:") } ?? "")
            XCTAssertTrue(error.contains(words), result.stderr)
            XCTAssertEqual(Self.swiftNamesIn(error), [], error)
        }
    }

    func testThresholdErrorsSaySettingTheThreshold() throws {
        let dir = try temporaryDirectory(self)
        let rows = (0..<120).map { (i: Int) -> String in
            let cells: [String] = (0..<6).map { (j: Int) -> String in
                String(format: "%.4f", sin(Double(i * 7 + j) * 0.3))
            }
            return cells.joined(separator: ",")
        }
        let data = dir.appendingPathComponent("plain.csv")
        try rows.joined(separator: "\n").write(to: data, atomically: true, encoding: .utf8)
        let detector = dir.appendingPathComponent("det")
        XCTAssertEqual(
            try latent([
                "detector", "fit", "--data", data.path, "--out", detector.path, "--epochs", "2",
                "--threshold", "fpr:0.1", "--quiet",
            ]).status, 0)
        let result = try latent(["detector", "threshold", detector.path, "--rule", "youden"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("Cannot set the threshold"), result.stderr)
        XCTAssertFalse(result.stderr.contains("Cannot fit"), result.stderr)
    }
}
