/// An encoder followed by a decoder; calling it reconstructs its input.
public final class Autoencoder: Layer {
    public let encoder: Sequential
    public let decoder: Sequential

    public init(encoder: Sequential, decoder: Sequential) {
        self.encoder = encoder
        self.decoder = decoder
    }

    /// The code of a batch.
    public func encode(_ x: Tensor) -> Tensor { encoder(x) }
    /// The reconstruction of a batch of codes.
    public func decode(_ z: Tensor) -> Tensor { decoder(z) }
    /// decode(encode(x)).
    public func callAsFunction(_ x: Tensor) -> Tensor { decoder(encoder(x)) }
}

/// A variational autoencoder with Gaussian codes (Kingma & Welling):
/// ```
/// h = encoder(x);  μ = meanHead(h);  s = logSDHead(h)      (s = log σ)
/// z = μ + e^s ⊙ ε,  ε ~ N(0, I)                            (reparameterisation)
/// x̂ = decoder(z)
/// ```
/// Calling the model reconstructs from the mean code (deterministic), which is what
/// anomaly scores use.
public final class VariationalAutoencoder: Layer {
    public let encoder: Sequential
    public let meanHead: Dense
    public let logSDHead: Dense
    public let decoder: Sequential

    public init(encoder: Sequential, meanHead: Dense, logSDHead: Dense, decoder: Sequential) {
        precondition(meanHead.outputSize == logSDHead.outputSize, "The mean and log-sd heads must have the same size.")
        self.encoder = encoder
        self.meanHead = meanHead
        self.logSDHead = logSDHead
        self.decoder = decoder
    }

    /// A dense VAE: input → hidden (relu) → code (mean, log-sd) → hidden (relu) → input (sigmoid).
    public convenience init(inputShape: [Int], hidden: Int, codeSize: Int, generator: inout RandomGenerator) {
        let n = inputShape.reduce(1, *)
        self.init(
            encoder: Sequential([
                Flatten(), Dense(inputSize: n, outputSize: hidden, activation: .relu, generator: &generator),
            ]),
            meanHead: Dense(inputSize: hidden, outputSize: codeSize, generator: &generator),
            logSDHead: Dense(inputSize: hidden, outputSize: codeSize, generator: &generator),
            decoder: Sequential([
                Dense(inputSize: codeSize, outputSize: hidden, activation: .relu, generator: &generator),
                Dense(inputSize: hidden, outputSize: n, activation: .sigmoid, generator: &generator),
                Reshape(inputShape),
            ]))
    }

    public var codeSize: Int { meanHead.outputSize }

    /// The mean and log standard deviation of q(z | x).
    public func encode(_ x: Tensor) -> (mean: Tensor, logSD: Tensor) {
        let h = encoder(x)
        return (meanHead(h), logSDHead(h))
    }

    /// z = μ + e^s ⊙ ε with ε drawn from `generator`.
    public func reparameterize(mean: Tensor, logSD: Tensor, generator: inout RandomGenerator) -> Tensor {
        mean + logSD.exp() * Tensor.randomNormal(mean.shape, using: &generator)
    }

    public func decode(_ z: Tensor) -> Tensor { decoder(z) }

    /// The training objective for a batch: the reconstruction error of a sampled code plus
    /// `klWeight` times the KL divergence of q(z | x) from the prior N(0, I).
    ///
    /// ```
    /// (μ, s) = encode(x);  z = μ + e^s ⊙ ε,  ε ~ N(0, I) from `generator`
    /// loss = reconstruction(decode(z), target) + klWeight · mean(½(μ² + e^{2s} − 1) − s)
    /// ```
    ///
    /// Pass the generator the trainer hands to the loss closure: under data-parallel
    /// training each shard then draws its own noise, the same for any thread count.
    ///
    /// - Parameters:
    ///   - x: a batch in the model's input layout, `[n, …]`.
    ///   - target: what `decode(z)` should reproduce, the shape of the decoder's output.
    ///   - klWeight: the weight of the KL term (β in a β-VAE).
    ///   - generator: where ε comes from.
    ///   - reconstruction: `(prediction, target) → scalar`; mean squared error by default.
    /// - Returns: a scalar tensor, recorded for gradients.
    public func loss(
        _ x: Tensor, target: Tensor, klWeight: Float, generator: inout RandomGenerator,
        reconstruction: (_ prediction: Tensor, _ target: Tensor) -> Tensor = { meanSquaredError($0, $1) }
    ) -> Tensor {
        let (mu, s) = encode(x)
        let z = reparameterize(mean: mu, logSD: s, generator: &generator)
        return reconstruction(decode(z), target) + klWeight * gaussianKLDivergence(mean: mu, logStandardDeviation: s)
    }

    /// Reconstruction from the mean code (the log-sd head is not needed, so not run).
    public func callAsFunction(_ x: Tensor) -> Tensor { decoder(meanHead(encoder(x))) }

    /// Decodes codes drawn from the prior N(0, I).
    public func sample(count: Int, generator: inout RandomGenerator) -> Tensor {
        decoder(Tensor.randomNormal([count, codeSize], using: &generator))
    }
}
