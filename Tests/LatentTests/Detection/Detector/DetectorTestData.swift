import Foundation
import XCTest

@testable import Latent

/// Small synthetic data for the detector tests: normal rows are smooth waves
/// `a · sin(2π j/d + φ) + 1` (a low-dimensional family an autoencoder learns in a few
/// epochs); anomalies are the same waves with a spike on one feature or flat noise.
enum DetectorTestData {
    static let featureCount = 16

    /// `count` rows; `anomalies[i]` rows get a spike on feature `spikeFeature`.
    static func rows(
        count: Int, anomalyEvery: Int? = nil, spikeFeature: Int = 5, seed: UInt64
    )
        -> (x: Tensor, isNormal: [Bool])
    {
        var random = DetectionTestRandom(seed: seed)
        let d = featureCount
        var values: [Float] = []
        var isNormal: [Bool] = []
        for i in 0..<count {
            let amplitude = 0.5 + random.uniform()
            let phase = random.uniform() * 0.5
            var row = (0..<d).map { j in
                Float(
                    amplitude * sin(2 * Double.pi * Double(j) / Double(d) + phase) + 1 + 0.02
                        * (random.uniform() - 0.5))
            }
            let anomalous = anomalyEvery.map { i % $0 == $0 - 1 } ?? false
            if anomalous { row[spikeFeature] += 4 }
            values += row
            isNormal.append(!anomalous)
        }
        return (Tensor(shape: [count, d], scalars: values), isNormal)
    }

    /// A fast configuration for debug-build tests: a few hundred steps.
    static func quickConfiguration(
        threshold: ThresholdRule = .falsePositiveRate(0.1)
    )
        -> DetectorConfiguration
    {
        var c = DetectorConfiguration()
        c.epochs = 80
        c.batchSize = 16
        c.hidden = [8, 4]
        c.learningRate = 0.01
        c.threshold = threshold
        c.validationFraction = 0.25
        return c
    }

    /// A CSV file of `rows` with a header and text labels in the last column.
    static func csv(
        rows x: Tensor, isNormal: [Bool], labels: (String, String) = ("benign", "malignant")
    ) -> String {
        let d = x.shape[1]
        var text = (0..<d).map { "t\($0)" }.joined(separator: ",") + ",diagnosis\n"
        let s = x.scalars
        for i in 0..<x.shape[0] {
            text += (0..<d).map { "\(s[i * d + $0])" }.joined(separator: ",")
            text += ",\(isNormal[i] ? labels.0 : labels.1)\n"
        }
        return text
    }

    /// A fitted quick detector on 240 rows (every 6th an anomaly), cached per process.
    static let fitted: AnomalyDetector = {
        let (x, isNormal) = rows(count: 240, anomalyEvery: 6, seed: 1)
        return try! AnomalyDetector.fit(x, isNormal: isNormal, configuration: quickConfiguration())
    }()
}
