import Foundation

/// The lessons' training workloads at their batch sizes, on synthetic data of the same
/// shapes, for `latent bench`.
public enum BenchWorkload: String, CaseIterable, Codable, Sendable {
    case fashionAE = "fashion-ae", fashionDenoise = "fashion-denoise", ecgAE = "ecg-ae", mnistVAE = "mnist-vae", lenet

    public static func parse(_ name: String) throws -> BenchWorkload {
        guard let w = BenchWorkload(rawValue: name) else {
            throw TrainingError.invalidData("unknown workload '\(name)'; choose one of \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return w
    }

    var samples: Int {
        switch self {
        case .fashionAE, .fashionDenoise, .mnistVAE, .lenet: return 12_000
        case .ecgAE: return 50_000
        }
    }

    /// Trains one warm-up epoch, then `epochs` timed epochs, then times scoring.
    public func run(epochs: Int) throws -> BenchResult {
        var g = RandomGenerator(seed: 0)
        let model: any Layer
        let x: Tensor
        let batch: Int
        var loss: (Tensor, Tensor) -> Tensor
        switch self {
        case .fashionAE:
            let m = Architectures.fashionDense(generator: &g); model = m; batch = 32
            x = Tensor.randomUniform([samples, 28, 28, 1], using: &g)
            loss = { meanSquaredError(m($0), $1) }
        case .fashionDenoise:
            let m = Architectures.fashionDenoiser(generator: &g); model = m; batch = 32
            x = Tensor.randomUniform([samples, 28, 28, 1], using: &g)
            loss = { meanSquaredError(m($0), $1) }
        case .ecgAE:
            let m = Architectures.denseVector(inputSize: 140, hidden: [32, 16, 8], generator: &g); model = m; batch = 512
            x = Tensor.randomUniform([samples, 140], using: &g)
            loss = { meanAbsoluteError(m($0), $1) }
        case .mnistVAE:
            let m = VariationalAutoencoder(inputShape: [28, 28, 1], hidden: 64, codeSize: 8, generator: &g); model = m; batch = 20
            x = Tensor.randomUniform([samples, 28, 28, 1], using: &g)
            var noise = RandomGenerator(seed: 1)
            loss = { input, target in
                let (mu, s) = m.encode(input)
                let z = m.reparameterize(mean: mu, logSD: s, generator: &noise)
                return meanSquaredError(m.decode(z), target) + 5e-4 * gaussianKLDivergence(mean: mu, logStandardDeviation: s)
            }
        case .lenet:
            let m = Architectures.lenet(generator: &g); model = m; batch = 20
            x = Tensor.randomUniform([samples, 28, 28, 1], using: &g)
            let y = Tensor.randomUniform([samples, 1], using: &g)
            loss = { input, _ in binaryCrossEntropy(probabilities: m(input), targets: y.rows(0..<input.shape[0])) }
        }
        let trainer = Trainer(model: model, optimizer: Adam())
        let options = TrainingOptions(epochs: 1, batchSize: batch, progress: .silent)
        _ = try trainer.fit(inputs: x, targets: x, options: options, generator: &g, loss: loss)
        var timed = options
        timed.epochs = epochs
        let history = try trainer.fit(inputs: x, targets: x, options: timed, generator: &g, loss: loss)
        let seconds = history.epochs.map(\.seconds).reduce(0, +)
        let start = DispatchTime.now().uptimeNanoseconds
        Engine.withDenormalsFlushedToZero { withoutGradients {
            var i = 0
            while i < samples {
                let xb = x.rows(i..<min(samples, i + 4096))
                _ = (model(xb) - xb).squared().sum().item
                i += 4096
            }
        } }
        let scoreSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return BenchResult(workload: rawValue, batchSize: batch,
                           trainSamplesPerSecond: Double(samples * epochs) / seconds,
                           scoreSamplesPerSecond: Double(samples) / scoreSeconds,
                           peakResidentMegabytes: Double(Engine.peakResidentBytes) / 1e6)
    }
}

/// One workload's measured speed.
public struct BenchResult: Codable, Sendable {
    public let workload: String
    public let batchSize: Int
    public let trainSamplesPerSecond: Double
    public let scoreSamplesPerSecond: Double
    public let peakResidentMegabytes: Double

    public var line: String {
        String(format: "%-16@ batch %4d  train %10.0f samples/s  score %10.0f samples/s  peak RSS %6.0f MB",
               workload, batchSize, trainSamplesPerSecond, scoreSamplesPerSecond, peakResidentMegabytes)
    }
}
