/// The autoencoder inside an ``AnomalyDetector``, seen as a map from flat rows to flat
/// rows: `[n, d] → [n, d]` whatever the example shape, so scores and explanations are
/// computed the same way for tables and images.
///
/// | kind | architecture (`hidden` = h₁ … h_k) |
/// |---|---|
/// | dense | Dense(h₁, relu) … Dense(h_k, relu) / Dense(h_{k−1}, relu) … Dense(d, sigmoid) |
/// | conv  | Conv2D(h₁, 3×3, stride 2, relu) … / Conv2DTranspose(h_k … h₁, stride 2, relu), Conv2D(C, sigmoid) |
/// | vae   | Dense(h₁, relu) → code h_k (mean, log-sd) → Dense(h₁, relu) → Dense(d, sigmoid) |
///
/// Outputs are sigmoids: inputs are min-max scaled to [0, 1] on the training rows.
struct DetectorNetwork {
    let model: any Model
    let kind: DetectorConfiguration.ModelKind
    let exampleShape: [Int]

    var featureCount: Int { exampleShape.reduce(1, *) }

    /// The shape of one example as the model takes it: `[H, W, C]` for conv, `[d]` otherwise.
    var modelInputShape: [Int] { kind == .conv ? exampleShape : [featureCount] }

    /// A freshly initialised network for `plan`.
    /// - Throws: ``DetectorError/invalidConfiguration(_:)`` when the kind does not fit the
    ///   example shape (conv needs images whose sides halve `hidden.count` times).
    static func build(
        plan: TrainingPlan, exampleShape: [Int], generator g: inout RandomGenerator
    ) throws -> DetectorNetwork {
        let d = exampleShape.reduce(1, *)
        let hidden = plan.hidden
        let model: any Model
        switch plan.model {
        case .neighbours:
            throw DetectorError.invalidConfiguration("`model` neighbours has no network to build")
        case .dense:
            model = Architectures.denseVector(inputSize: d, hidden: hidden, generator: &g)
        case .vae:
            model = VariationalAutoencoder(
                inputShape: [d], hidden: hidden[0], codeSize: hidden[hidden.count - 1],
                generator: &g)
        case .conv:
            let factor = 1 << hidden.count
            guard exampleShape.count == 3, exampleShape[0] % factor == 0,
                exampleShape[1] % factor == 0
            else {
                throw DetectorError.invalidConfiguration(
                    "`model` conv needs images [H, W, C] whose height and width are multiples of "
                        + "\(factor) (\(hidden.count) stride-2 layers), but the examples have shape "
                        + "\(exampleShape); use `model` dense or vae")
            }
            model = convolutional(channels: exampleShape[2], hidden: hidden, generator: &g)
        }
        return DetectorNetwork(model: model, kind: plan.model, exampleShape: exampleShape)
    }

    /// Strided convolutions down, transposed convolutions up, a 3×3 sigmoid output.
    private static func convolutional(
        channels: Int, hidden: [Int], generator g: inout RandomGenerator
    )
        -> Autoencoder
    {
        var encoder: [any Layer] = []
        var width = channels
        for h in hidden {
            encoder.append(
                Conv2D(
                    inputChannels: width, outputChannels: h, kernelSize: 3, stride: 2,
                    padding: .same, activation: .relu, generator: &g))
            width = h
        }
        var decoder: [any Layer] = []
        for h in hidden.reversed() {
            decoder.append(
                Conv2DTranspose(
                    inputChannels: width, outputChannels: h, kernelSize: 3,
                    stride: 2, padding: .same, activation: .relu, generator: &g))
            width = h
        }
        decoder.append(
            Conv2D(
                inputChannels: width, outputChannels: channels, kernelSize: 3,
                padding: .same, activation: .sigmoid, generator: &g))
        return Autoencoder(encoder: Sequential(encoder), decoder: Sequential(decoder))
    }

    /// The network for a loaded model, checked against the example shape.
    static func wrap(
        _ model: any Model, kind: DetectorConfiguration.ModelKind, exampleShape: [Int]
    )
        -> DetectorNetwork
    {
        DetectorNetwork(model: model, kind: kind, exampleShape: exampleShape)
    }

    /// The model's input layout for flat rows `[n, d]`.
    private func modelInput(_ x: Tensor) -> Tensor {
        kind == .conv ? x.reshaped([x.shape[0]] + exampleShape) : x
    }

    /// The reconstruction of flat rows `[n, d]`, as flat rows `[n, d]` (recorded for
    /// gradients unless called inside `withoutGradients`).
    func reconstruct(_ x: Tensor) -> Tensor {
        model(modelInput(x)).reshaped([x.shape[0], featureCount])
    }

    /// The training objective for a batch: the reconstruction loss, plus `klWeight` times
    /// the KL divergence of the code for a VAE (decoded from a sampled code).
    func trainingLoss(
        _ x: Tensor, loss: DetectorConfiguration.ReconstructionLoss, klWeight: Float,
        generator: inout RandomGenerator
    ) -> Tensor {
        func error(_ xHat: Tensor, _ target: Tensor) -> Tensor {
            loss == .mae ? meanAbsoluteError(xHat, target) : meanSquaredError(xHat, target)
        }
        guard let vae = model as? VariationalAutoencoder else { return error(reconstruct(x), x) }
        // The VAE takes and gives flat rows `[n, d]` (built with input shape `[d]`).
        return vae.loss(x, target: x, klWeight: klWeight, generator: &generator, reconstruction: error)
    }

    /// Per-row scores and, optionally, per-feature errors of flat rows `[n, d]`, in
    /// batches of `batchSize` rows (``ScoringBatches``) without recording gradients.
    ///
    /// ```
    /// eᵢⱼ = |xᵢⱼ − x̂ᵢⱼ|  (mae)   or   (xᵢⱼ − x̂ᵢⱼ)²  (mse)
    /// scoreᵢ = (1/d) Σⱼ eᵢⱼ
    /// ```
    func errors(
        _ x: Tensor, loss: DetectorConfiguration.ReconstructionLoss, keepFeatures: Bool,
        batchSize: Int = ScoringBatches.rows
    ) -> (scores: [Float], features: [Float]?, reconstruction: Tensor?) {
        let n = x.shape[0]
        let d = featureCount
        var scores = [Float](repeating: 0, count: n)
        var features = keepFeatures ? [Float](repeating: 0, count: n * d) : nil
        var reconstructions: [Tensor] = []
        // Same bits, in cache-sized blocks on every thread.
        let perBlock = ScoringBatches.rowsPerBlock(
            rowSize: d, expansion: kind == .conv ? ScoringBatches.convolutionExpansion : 1)
        withoutGradients {
            ScoringBatches.forEach(rowsOf: n, size: batchSize) { range in
                let (start, end) = (range.lowerBound, range.upperBound)
                let xb = x.rows(range)
                let absolute = loss == .mae
                let batchScores: Tensor
                if keepFeatures {
                    let xHat = xb.mapRowBlocks(rowsPerBlock: perBlock) { reconstruct($0) }
                    reconstructions.append(xHat)
                    batchScores = Tensor.rowMeanDistances(xHat, xb, absolute: absolute)
                    xb.withUnsafeBufferPointer { a in
                        xHat.withUnsafeBufferPointer { b in
                            for i in 0..<((end - start) * d) {
                                let diff = a[i] - b[i]
                                features![start * d + i] = absolute ? Swift.abs(diff) : diff * diff
                            }
                        }
                    }
                } else {
                    // Fused with the last Dense layer where the model ends in one: the same
                    // bits as the branch above, without the reconstruction.
                    batchScores = xb.mapRowBlocks(rowsPerBlock: perBlock) {
                        model.reconstructionErrors(modelInput($0), absolute: absolute).reshaped([$0.shape[0]])
                    }
                }
                batchScores.withUnsafeBufferPointer { scores.replaceSubrange(range, with: $0) }
            }
        }
        let reconstruction =
            keepFeatures && !reconstructions.isEmpty
            ? (reconstructions.count == 1
                ? reconstructions[0] : Tensor.concatenate(reconstructions, alongAxis: 0))
            : nil
        return (scores, features, reconstruction)
    }
}
