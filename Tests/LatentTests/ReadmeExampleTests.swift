import Latent
import XCTest

/// The README's library example, verbatim apart from the epochs, so it keeps compiling
/// and working.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeLibraryExample() throws {
        var rng = RandomGenerator(seed: 0)
        let ecg = try ECG5000.bundled()
        let (train, test) = ecg.randomSplit(fraction: 0.8, using: &rng)
        let scaler = MinMaxScaler(fitting: train.features, mode: .global)
        let normal = scaler.transform(train.filter { $0 == ECG5000.normalLabel }.features)

        let model = Autoencoder(
            encoder: Sequential([
                Dense(inputSize: 140, outputSize: 32, activation: .relu, generator: &rng),
                Dense(inputSize: 32, outputSize: 8, activation: .relu, generator: &rng),
            ]),
            decoder: Sequential([
                Dense(inputSize: 8, outputSize: 32, activation: .relu, generator: &rng),
                Dense(inputSize: 32, outputSize: 140, activation: .sigmoid, generator: &rng),
            ]))
        XCTAssertTrue(model.summary(inputShape: [140]).contains("Total params: 9,684"))

        let history = try Trainer(model: model, optimizer: Adam()).fit(
            inputs: normal, targets: normal, options: TrainingOptions(epochs: 10, batchSize: 512, progress: .silent),
            generator: &rng
        ) { x, y in meanAbsoluteError(model(x), y) }
        XCTAssertLessThan(history.losses.last!, history.losses.first!)

        let x = scaler.transform(test.features)
        let errors = withoutGradients { (model(x) - x).abs().mean(alongAxis: 1) }.scalars
        let auc = try ROCCurve(scores: errors, labels: test.labels!.map { $0 != ECG5000.normalLabel }).auc
        XCTAssertGreaterThan(auc, 0.85)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)/ecg-model")
        try ModelFile.save(model, inputShape: [140], to: url)
        XCTAssertEqual(try ModelFile.load(from: url).model.parameterCount, model.parameterCount)
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }
}
