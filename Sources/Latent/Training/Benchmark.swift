import CLatentSystem
import Foundation

/// The lessons' training workloads at their batch sizes, on synthetic data of the same
/// shapes, for `latent bench`.
public enum BenchWorkload: String, CaseIterable, Codable, Sendable {
    case fashionAE = "fashion-ae"
    case fashionDenoise = "fashion-denoise"
    case ecgAE = "ecg-ae"
    case mnistVAE = "mnist-vae"
    case lenet

    public static func parse(_ name: String) throws -> BenchWorkload {
        guard let w = BenchWorkload(rawValue: name) else {
            throw TrainingError.invalidData(
                "unknown workload '\(name)'; choose one of \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return w
    }

    /// Training rows (the peers in `bench/peers` use the same counts).
    public var samples: Int {
        switch self {
        case .fashionAE, .fashionDenoise, .mnistVAE, .lenet: return 12_000
        case .ecgAE: return 50_000
        }
    }

    public var batchSize: Int {
        switch self {
        case .fashionAE, .fashionDenoise: return 32
        case .ecgAE: return 512
        case .mnistVAE, .lenet: return 20
        }
    }

    /// Trains one warm-up epoch, then `epochs` timed epochs; then scores every row in
    /// ``ScoringBatches`` (one warm-up pass, then passes until `minimumScoringSeconds`).
    ///
    /// Scoring is what the lessons' detectors compute: the per-row reconstruction error
    /// (mean squared error; mean absolute error for the ECG model; the VAE reconstructs
    /// from its mean code) and, for LeNet, the predicted probability.
    ///
    /// With `trainOnly` it stops after training (scoring and roof columns are 0), and
    /// `rows` replaces the row count: for profilers, where the full run takes hours.
    /// With `scoreOnly` it skips training (training columns are 0): for quick A/B runs of
    /// the inference path.
    /// `rowsPerBlock` overrides the scoring block size (for tuning it).
    public func run(
        epochs: Int, minimumScoringSeconds: Double = 0.5, trainOnly: Bool = false, scoreOnly: Bool = false,
        rows: Int? = nil, rowsPerBlock: Int? = nil
    ) throws -> BenchResult {
        let samples = rows ?? self.samples
        var g = RandomGenerator(seed: 0)
        let model: any Layer
        let x: Tensor
        var loss: (Tensor, Tensor, inout RandomGenerator) -> Tensor
        let score: (Tensor) -> Tensor
        switch self {
        case .fashionAE:
            let m = Architectures.fashionDense(generator: &g)
            model = m
            x = Tensor.randomUniform([samples, 28, 28, 1], using: &g)
            loss = { x, y, _ in meanSquaredError(m(x), y) }
            score = { m.reconstructionErrors($0) }
        case .fashionDenoise:
            let m = Architectures.fashionDenoiser(generator: &g)
            model = m
            x = Tensor.randomUniform([samples, 28, 28, 1], using: &g)
            loss = { x, y, _ in meanSquaredError(m(x), y) }
            score = { m.reconstructionErrors($0) }
        case .ecgAE:
            let m = Architectures.denseVector(inputSize: 140, hidden: [32, 16, 8], generator: &g)
            model = m
            x = Tensor.randomUniform([samples, 140], using: &g)
            loss = { x, y, _ in meanAbsoluteError(m(x), y) }
            score = { m.reconstructionErrors($0, absolute: true) }
        case .mnistVAE:
            let m = VariationalAutoencoder(inputShape: [28, 28, 1], hidden: 64, codeSize: 8, generator: &g)
            model = m
            x = Tensor.randomUniform([samples, 28, 28, 1], using: &g)
            loss = { input, target, noise in m.loss(input, target: target, klWeight: 5e-4, generator: &noise) }
            score = { m.reconstructionErrors($0) }
        case .lenet:
            let m = Architectures.lenet(generator: &g)
            model = m
            x = Tensor.randomUniform([samples, 28, 28, 1], using: &g)
            let y = Tensor.randomUniform([samples, 1], using: &g)
            loss = { input, _, _ in binaryCrossEntropy(probabilities: m(input), targets: y.rows(0..<input.shape[0])) }
            score = { m($0) }
        }
        let trainer = Trainer(model: model, optimizer: Adam())
        let options = TrainingOptions(epochs: 1, batchSize: batchSize, progress: .silent)
        let trainGEMMs = GEMMRecorder()
        var seconds = Double.infinity
        var shardSteps = (serial: 0, sideBySide: 0)
        var shardsSideBySide: Double?
        if !scoreOnly {
            _ = try trainer.fit(inputs: x, targets: x, options: options, generator: &g, loss: loss)
            var timed = options
            timed.epochs = epochs
            BLAS.recorder = trainGEMMs
            shardSteps = (latent_shard_steps(0), latent_shard_steps(1))
            let history = try trainer.fit(inputs: x, targets: x, options: timed, generator: &g, loss: loss)
            BLAS.recorder = nil
            seconds = history.epochs.map(\.seconds).reduce(0, +)
            let serial = latent_shard_steps(0) - shardSteps.serial
            let sideBySide = latent_shard_steps(1) - shardSteps.sideBySide
            if serial + sideBySide > 0 { shardsSideBySide = Double(sideBySide) / Double(serial + sideBySide) }
        }
        let trainPeak = Engine.peakResidentBytes
        if trainOnly {
            return BenchResult(
                workload: rawValue, batchSize: batchSize, threads: Engine.threadCount, epochs: epochs,
                trainSamplesPerSecond: Double(samples * epochs) / seconds, scoreSamplesPerSecond: 0,
                trainPeakResidentMegabytes: Double(trainPeak) / 1e6, peakResidentMegabytes: Double(trainPeak) / 1e6,
                trainGFLOPS: trainGEMMs.flops / seconds / 1e9, trainSgemmGFLOPS: 0, scoreGFLOPS: 0, scoreSgemmGFLOPS: 0,
                shardsSideBySide: shardsSideBySide)
        }

        // Scoring: one warm-up pass, then whole passes until the minimum time is reached,
        // each batch in cache-sized row blocks (the conv models' activations are 8–16× their input).
        let expansion = self == .fashionDenoise ? ScoringBatches.convolutionExpansion : (self == .lenet ? 8 : 1)
        let rowsPerBlock = rowsPerBlock ?? ScoringBatches.rowsPerBlock(rowSize: x.count / samples, expansion: expansion)
        func scoringPass() {
            ScoringBatches.forEach(rowsOf: samples) { range in
                // A slice, as torch's x[i:j].
                _ = x.rowView(range).mapRowBlocks(rowsPerBlock: rowsPerBlock, score).item(at: 0)
            }
        }
        Engine.withDenormalsFlushedToZero { withoutGradients { scoringPass() } }
        let scoreGEMMs = GEMMRecorder()
        BLAS.recorder = scoreGEMMs
        var passes = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var scoreSeconds = 0.0
        repeat {
            Engine.withDenormalsFlushedToZero { withoutGradients { scoringPass() } }
            passes += 1
            scoreSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while scoreSeconds < minimumScoringSeconds
        BLAS.recorder = nil

        return BenchResult(
            workload: rawValue, batchSize: batchSize, threads: Engine.threadCount, epochs: epochs,
            trainSamplesPerSecond: Double(samples * epochs) / seconds,
            scoreSamplesPerSecond: Double(samples * passes) / scoreSeconds,
            trainPeakResidentMegabytes: Double(trainPeak) / 1e6,
            peakResidentMegabytes: Double(Engine.peakResidentBytes) / 1e6,
            trainGFLOPS: trainGEMMs.flops / seconds / 1e9,
            trainSgemmGFLOPS: scoreOnly ? 0 : trainGEMMs.measuredRoofGFLOPS(),
            scoreGFLOPS: scoreGEMMs.flops / scoreSeconds / 1e9,
            scoreSgemmGFLOPS: scoreGEMMs.measuredRoofGFLOPS(), shardsSideBySide: shardsSideBySide)
    }
}

extension Tensor {
    /// Element `i` of the flat storage (forces the value without copying it out).
    fileprivate func item(at i: Int) -> Float { withUnsafeBufferPointer { $0[i] } }
}

/// One workload's measured speed.
public struct BenchResult: Codable, Sendable {
    public let workload: String
    public let batchSize: Int
    public let threads: Int
    public let epochs: Int
    public let trainSamplesPerSecond: Double
    public let scoreSamplesPerSecond: Double
    /// Peak resident memory of the process at the end of training (data, model, optimizer).
    public let trainPeakResidentMegabytes: Double
    /// Peak resident memory after scoring too.
    public let peakResidentMegabytes: Double
    /// GEMM work of the timed training epochs divided by their wall time.
    public let trainGFLOPS: Double
    /// The same GEMM shapes timed alone with BLAS (best of 1 and all threads): the roof.
    public let trainSgemmGFLOPS: Double
    public let scoreGFLOPS: Double
    public let scoreSgemmGFLOPS: Double
    /// The share of the timed training steps that ran on several threads (shards side by
    /// side, or one shard's ops split) rather than on one (``MeasuredThreadChoice``); nil
    /// with one thread.
    public var shardsSideBySide: Double? = nil

    public static let header =
        pad("workload", 16) + pad("batch", 6, right: true) + pad("train/s", 11, right: true)
        + pad("score/s", 11, right: true)
        + pad("train MB", 10, right: true) + pad("peak MB", 9, right: true)
        + pad("train GF/s (roof)", 20, right: true) + pad("score GF/s (roof)", 20, right: true)
        + pad("steps ∥", 10, right: true)

    public var line: String {
        Self.pad(workload, 16) + Self.pad("\(batchSize)", 6, right: true)
            + String(
                format: "%11.0f%11.0f%10.0f%9.0f %10.1f (%6.1f) %10.1f (%6.1f)",
                trainSamplesPerSecond, scoreSamplesPerSecond, trainPeakResidentMegabytes, peakResidentMegabytes,
                trainGFLOPS, trainSgemmGFLOPS, scoreGFLOPS, scoreSgemmGFLOPS)
            + Self.pad(shardsSideBySide.map { String(format: "%.0f %%", $0 * 100) } ?? "—", 10, right: true)
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
