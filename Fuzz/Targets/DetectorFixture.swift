import Foundation
import Latent

// A small fitted detector, made once per process, for the detector targets: 8 named
// features, a label column after them in the training file (index 8), a dense
// autoencoder trained for a few epochs. Same seed, same detector: the seeds written by
// one process match the files every later process writes.

let fixtureDirectory: URL = {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("latent-fuzz-detector-\(getpid())")
    try! FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: fixtureDirectory.deletingLastPathComponent()) }
    return root.appendingPathComponent("detector")
}()

let fixtureDetector: AnomalyDetector = {
    let (n, d) = (96, 8)
    var values: [Float] = []
    for i in 0..<n {
        let a = 0.5 + Float(i % 7) / 7, phase = Float(i % 5) / 10
        values += (0..<d).map { j in a * sinf(2 * .pi * Float(j) / Float(d) + phase) + 1 }
    }
    var configuration = DetectorConfiguration()
    configuration.epochs = 3
    configuration.batchSize = 16
    configuration.hidden = [4, 2]
    configuration.validationFraction = 0.25
    configuration.threshold = .falsePositiveRate(0.1)
    let schema = DetectorSchema(
        exampleShape: [d], featureNames: (0..<d).map { "f\($0)" }, labelColumnIndex: d,
        labelName: "label", normalLabel: "0")
    let detector = try! AnomalyDetector.fit(
        Tensor(shape: [n, d], scalars: values), schema: schema, configuration: configuration)
    try! detector.save(to: fixtureDirectory, source: "fuzz.csv")
    return detector
}()

/// Copies `file` of the fixture directory into `$LATENT_FUZZ_SEEDS`, when that is set.
func writeSeed(_ file: String, as name: String) {
    guard let seeds = ProcessInfo.processInfo.environment["LATENT_FUZZ_SEEDS"] else { return }
    let dir = URL(fileURLWithPath: seeds)
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try! Data(contentsOf: fixtureDirectory.appendingPathComponent(file))
        .write(to: dir.appendingPathComponent(name))
}
