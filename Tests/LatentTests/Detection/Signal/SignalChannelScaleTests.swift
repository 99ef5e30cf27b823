import XCTest

@testable import Latent

final class SignalChannelScaleTests: XCTestCase {
    /// Two channels over 4000 rows: `a` a noisy wave with a level shift at rows 3000–3099,
    /// `b` a slightly noisy slow ramp that leaves the training range (rows 0–1999) ever
    /// further behind later on, like a warming temperature.
    private func drifting() -> Signal {
        let a = SignalTestData.wave(rows: 4000, period: 25, seed: 3)
        var random = DetectionTestRandom(seed: 9)
        var values: [Float] = []
        for t in 0..<4000 {
            let wander = Double(t) / 2000 + 0.01 * (random.uniform() * 2 - 1)
            values += [a[t] + (3000..<3100 ~= t ? 1.5 : 0), Float(wander)]
        }
        return Signal(names: ["a", "b"], values: values)
    }

    func testAPersistentChannelIsScaledDownAndAFastOneIsNot() {
        let signal = drifting().rows(0..<2000)
        let scales = SignalDetector.channelScales(signal, std: [1, 1], rule: .persistence)
        XCTAssertEqual(scales[0], 1, accuracy: 0.05)
        XCTAssertGreaterThan(scales[1], 10)
        XCTAssertEqual(SignalDetector.channelScales(signal, std: [1, 1], rule: .std), [1, 1])
        let one = Signal(SignalTestData.wave(rows: 2000, period: 25))
        XCTAssertEqual(SignalDetector.channelScales(one, std: [2], rule: .persistence), [2])
    }

    func testTheAnomalyOutscoresTheDriftOnlyWithPersistenceScaling() throws {
        let signal = drifting()
        func top(_ rule: SignalDetectorConfiguration.ChannelScaling) throws -> Int {
            var c = SignalDetectorConfiguration()
            c.channelScaling = rule
            // The level alone: the first difference of a slow drift is near 0, so with the
            // difference view the drift cannot win under either scaling.
            c.views = [.level]
            let scores = try SignalDetector.fit(signal.rows(0..<2000), configuration: c).score(signal)
            return (2000..<4000).max { scores[$0] < scores[$1] }!
        }
        XCTAssertTrue((3000 - 25)..<(3100 + 25) ~= (try top(.persistence)))
        XCTAssertFalse((3000 - 25)..<(3100 + 25) ~= (try top(.std)))
    }

    func testConfigurationsSavedBeforeChannelScalingDecodeAsStd() throws {
        var c = SignalDetectorConfiguration()
        c.channelScaling = .persistence
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c)) as! [String: Any]
        json["channelScaling"] = nil
        let old = try JSONDecoder().decode(
            SignalDetectorConfiguration.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(old.channelScaling, .std)
        var expected = c
        expected.channelScaling = .std
        XCTAssertEqual(old, expected)
        let now = try JSONDecoder().decode(SignalDetectorConfiguration.self, from: JSONEncoder().encode(c))
        XCTAssertEqual(now, c)
    }
}
