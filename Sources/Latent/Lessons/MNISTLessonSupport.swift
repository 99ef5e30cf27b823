import Foundation

/// Shared pieces of the MNIST lessons.
enum MNISTData {
    /// MNIST as `[n, 28, 28, 1]` images in [0, 1] with labels.
    static func load(_ part: DatasetPart, _ settings: LessonSettings) throws -> (images: Tensor, labels: [Int]) {
        let data = try MNIST.load(part, from: settings.dataDirectory?.appendingPathComponent(MNIST.name))
        return (data.features.reshaped([data.count, 28, 28, 1]), data.labels ?? [])
    }
}

/// Trains a VAE on `x` with loss = MSE(decoder(z), x) + klWeight · KL, where z is
/// reparameterised from the encoder and KL is the mean over code coordinates and batch.
func trainVAE(_ vae: VariationalAutoencoder, name: String, on x: Tensor, validation: Tensor? = nil, klWeight: Float, epochs: Int,
              batchSize: Int, settings: LessonSettings, generator: inout RandomGenerator) throws -> History {
    try Trainer(model: vae, optimizer: Adam()).fit(
        inputs: x, targets: x, validation: validation.map { ($0, $0) },
        options: settings.trainingOptions(name, epochs: epochs, batchSize: batchSize),
        generator: &generator) { input, target, noise in
            let (mu, logSD) = vae.encode(input)
            let z = vae.reparameterize(mean: mu, logSD: logSD, generator: &noise)
            return meanSquaredError(vae.decode(z), target) + klWeight * gaussianKLDivergence(mean: mu, logStandardDeviation: logSD)
        }
}

/// The images of a batch as arrays, for image grids.
func imageList(_ x: Tensor) -> [[Float]] {
    let n = x.shape[0], size = x.count / max(n, 1)
    let all = x.scalars
    return (0..<n).map { Array(all[($0 * size)..<(($0 + 1) * size)]) }
}
