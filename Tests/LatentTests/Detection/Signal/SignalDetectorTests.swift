import XCTest

@testable import Latent

final class SignalDetectorTests: XCTestCase {
    let period = 40
    lazy var series = SignalTestData.wave(rows: 6000, period: period, anomaly: 4410..<4450)

    func testTheTopScoreIsInTheDistortedStretch() throws {
        let detector = try SignalDetector.fit(Signal(Array(series[0..<3000])))
        XCTAssertEqual(detector.window, period)
        let scores = detector.score(Signal(series))
        XCTAssertEqual(scores.count, series.count)
        let top = (3000..<6000).max { scores[$0] < scores[$1] }!
        XCTAssertTrue((4410 - 40)..<(4450 + 40) ~= top, "top row \(top)")
        // Normal rows stay mostly under the threshold (fpr:0.01 on calibration blocks).
        let normal = (3000..<4300).filter { scores[$0] > detector.threshold }.count
        XCTAssertLessThan(normal, 1300 / 10)
    }

    func testDefaultWindowsRunFromAQuarterToTwiceThePeriod() throws {
        // The quarter window is what localises short anomalies (docs/signals.md).
        let detector = try SignalDetector.fit(Signal(Array(series[0..<3000])))
        XCTAssertEqual(detector.blockSize, 1)
        XCTAssertEqual(detector.windows, [10, 20, 40, 80])
    }

    func testExactMatchesDoNotShrinkADivisorToZero() throws {
        // Three quarters of every 800 rows are flat: over half the calibration windows match
        // a head window exactly, so their median distance is 0 at every scale.
        let wave = SignalTestData.wave(rows: 8000, period: period)
        let x = (0..<8000).map { $0 % 800 < 600 ? 0 : wave[$0] }
        var c = SignalDetectorConfiguration()
        c.window = period
        let detector = try SignalDetector.fit(Signal(x), configuration: c)
        for norm in detector.model.norms {
            XCTAssertGreaterThan(norm.z, 1e-6)
            XCTAssertGreaterThan(norm.raw, 1e-6)
        }
    }

    func testStreamingEqualsWholeFileBitForBit() throws {
        var configurations: [SignalDetectorConfiguration] = []
        for (block, stride, aggregation) in [
            (1, 1, SignalDetectorConfiguration.Aggregation.mean), (3, 1, .max), (2, 5, .mean),
            // A stride longer than every window: blocks between windows are never read.
            (1, 200, .mean),
        ] {
            var c = SignalDetectorConfiguration()
            c.blockSize = block
            c.stride = stride
            c.aggregation = aggregation
            configurations.append(c)
        }
        // 5003 rows: a partial last block, and more windows than one refresh interval.
        let test = Signal(Array(series[0..<5003]))
        for c in configurations {
            let detector = try SignalDetector.fit(Signal(Array(series[0..<3000])), configuration: c)
            let whole = detector.score(test)
            var stream = detector.stream()
            var streamed: [Float] = []
            var largestHistory = 0
            for v in test.values {
                streamed += stream.push([v])
                largestHistory = max(largestHistory, stream.retainedBlocks)
            }
            streamed += stream.finish()
            XCTAssertEqual(streamed.count, whole.count)
            XCTAssertTrue(
                zip(streamed, whole).allSatisfy { $0.bitPattern == $1.bitPattern },
                "block \(c.blockSize!) stride \(c.stride)")
            // Bounded history: never the whole series.
            XCTAssertLessThan(largestHistory, 4096 + 2 * detector.windows.max()! + c.stride + 1)
        }
    }

    /// Saves `detector` into a new temporary directory (removed when the test ends), then
    /// applies `edit`, if any, to its manifest's JSON object.
    private func saved(
        _ detector: SignalDetector, editingManifest edit: ((inout [String: Any]) -> Void)? = nil
    ) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("signal-detector-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        try detector.save(to: url, source: "test")
        guard let edit else { return url }
        let manifestURL = url.appendingPathComponent(AnomalyDetector.manifestFileName)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: manifestURL)
        return url
    }

    func testSavedDetectorScoresIdentically() throws {
        let detector = try SignalDetector.fit(Signal(Array(series[0..<3000])))
        let url = try saved(detector)
        XCTAssertTrue(SignalDetector.isSignalDetector(at: url))
        let (loaded, manifest) = try SignalDetector.load(from: url)
        XCTAssertEqual(manifest.period.period, period)
        XCTAssertEqual(loaded.threshold, detector.threshold)
        let test = Signal(Array(series[3000...]))
        XCTAssertEqual(loaded.score(test), detector.score(test))
    }

    func testTheDifferenceViewIsTheFirstDifferenceStartingAtZero() {
        XCTAssertEqual(SignalView.difference.apply([[1, 4, 2], [0, 0.5, 0.5]]), [[0, 3, -2], [0, 0.5, 0]])
        XCTAssertEqual(SignalView.level.apply([[1, 4, 2]]), [[1, 4, 2]])
    }

    func testByDefaultEveryScaleIsScoredOnTheLevelAndOnTheDifference() throws {
        let detector = try SignalDetector.fit(Signal(Array(series[0..<3000])))
        XCTAssertEqual(
            detector.model.views, [.level, .level, .level, .level] + Array(repeating: .difference, count: 4))
        XCTAssertEqual(detector.model.references.map(\.m), [10, 20, 40, 80, 10, 20, 40, 80])
        XCTAssertEqual(detector.model.norms.count, 8)
    }

    func testTheDifferenceViewAloneFindsTheDistortedStretch() throws {
        var c = SignalDetectorConfiguration()
        c.views = [.difference]
        let detector = try SignalDetector.fit(Signal(Array(series[0..<3000])), configuration: c)
        let scores = detector.score(Signal(series))
        let top = (3000..<6000).max { scores[$0] < scores[$1] }!
        XCTAssertTrue((4410 - 40)..<(4450 + 40) ~= top, "top row \(top)")
        // Not the level's scores under another name.
        var level = c
        level.views = [.level]
        let levelScores = try SignalDetector.fit(Signal(Array(series[0..<3000])), configuration: level)
            .score(Signal(series))
        XCTAssertNotEqual(scores, levelScores)
    }

    func testADetectorSavedBeforeViewsExistedScoresTheLevelOnly() throws {
        var c = SignalDetectorConfiguration()
        c.views = [.level]
        let detector = try SignalDetector.fit(Signal(Array(series[0..<3000])), configuration: c)
        // The manifest as it was written before the setting: no `views` key.
        let url = try saved(detector) { object in
            var configuration = object["configuration"] as! [String: Any]
            XCTAssertNotNil(configuration.removeValue(forKey: "views"))
            object["configuration"] = configuration
        }
        let (loaded, manifest) = try SignalDetector.load(from: url)
        XCTAssertEqual(manifest.configuration.views, [.level])
        let test = Signal(Array(series[3000...]))
        XCTAssertEqual(loaded.score(test), detector.score(test))
    }

    func testAManifestWhoseFieldsDisagreeIsRefusedByName() throws {
        let detector = try SignalDetector.fit(Signal(Array(series[0..<3000])))
        let edits: [(String, (inout [String: Any]) -> Void)] = [
            ("zero std", { $0["scalerStd"] = [0.0] }),
            ("no scaler", { $0["scalerMean"] = [Double]() }),
            ("zero block", { $0["blockSize"] = 0 }),
            ("views without divisors", { $0["norms"] = Array(($0["norms"] as! [Any]).prefix(4)) }),
        ]
        for (name, edit) in edits {
            let url = try saved(detector, editingManifest: edit)
            let manifestURL = url.appendingPathComponent(AnomalyDetector.manifestFileName)
            XCTAssertThrowsError(try SignalDetector.load(from: url), name) { error in
                guard case .unusableDirectory(let file, _) = error as? DetectorError else {
                    return XCTFail("\(name): \(error)")
                }
                XCTAssertEqual(file, manifestURL.path, name)
            }
        }
    }

    func testTooShortATrainingPartIsAClearError() {
        var c = SignalDetectorConfiguration()
        c.window = 100
        XCTAssertThrowsError(
            try SignalDetector.fit(Signal(Array(series[0..<400])), configuration: c)
        ) { error in
            guard case .insufficientData(let message) = error as? DetectorError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(message.contains("--train-rows"), message)
        }
    }

    func testBlockSizeKeepsTheReferenceBoundedButTheWindowVisible() {
        XCTAssertEqual(
            SignalDetector.blockSize(trainingRows: 250_000, window: 1000, referenceBlocks: 20_000), 13)
        XCTAssertEqual(
            SignalDetector.blockSize(trainingRows: 250_000, window: 64, referenceBlocks: 20_000), 4)
        XCTAssertEqual(
            SignalDetector.blockSize(trainingRows: 5000, window: 300, referenceBlocks: 20_000), 1)
    }

    func testMultichannelLevelShiftIsFoundByTheRawDistance() throws {
        // Two channels; the second steps up by 3 training standard deviations — a level
        // change that z-normalised windows alone cannot see.
        let a = SignalTestData.wave(rows: 4000, period: 25, seed: 3)
        let b = SignalTestData.wave(rows: 4000, period: 25, seed: 4)
        var values: [Float] = []
        for t in 0..<4000 { values += [a[t], b[t] + (3000..<3100 ~= t ? 2.5 : 0)] }
        let signal = Signal(names: ["a", "b"], values: values)
        let detector = try SignalDetector.fit(signal.rows(0..<2000))
        let scores = detector.score(signal)
        let top = (2000..<4000).max { scores[$0] < scores[$1] }!
        XCTAssertTrue((3000 - 25)..<(3100 + 25) ~= top, "top row \(top)")
    }
}
