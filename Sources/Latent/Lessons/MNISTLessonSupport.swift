import Foundation

/// Shared pieces of the MNIST lessons.
enum MNISTData {
    /// MNIST as `[n, 28, 28, 1]` images in [0, 1] with labels.
    static func load(_ part: DatasetPart, _ settings: LessonSettings) throws -> (images: Tensor, labels: [Int]) {
        let data = try MNIST.load(part, from: settings.dataDirectory?.appendingPathComponent(MNIST.name))
        return (data.features.reshaped([data.count, 28, 28, 1]), data.labels ?? [])
    }
}

/// Trains a VAE on `x` with ``VariationalAutoencoder/loss(_:target:klWeight:generator:reconstruction:)``:
/// MSE(decoder(z), x) + klWeight · KL, z reparameterised from the encoder.
func trainVAE(
    _ vae: VariationalAutoencoder, name: String, on x: Tensor, validation: Tensor? = nil, klWeight: Float, epochs: Int,
    batchSize: Int, settings: LessonSettings, generator: inout RandomGenerator
) throws -> History {
    try Trainer(model: vae, optimizer: Adam()).fit(
        inputs: x, targets: x, validation: validation.map { ($0, $0) },
        options: settings.trainingOptions(name, epochs: epochs, batchSize: batchSize),
        generator: &generator
    ) { input, target, noise in
        vae.loss(input, target: target, klWeight: klWeight, generator: &noise)
    }
}

/// The images of a batch as arrays, for image grids.
func imageList(_ x: Tensor) -> [[Float]] {
    let n = x.shape[0]
    let size = x.count / max(n, 1)
    let all = x.scalars
    return (0..<n).map { Array(all[($0 * size)..<(($0 + 1) * size)]) }
}
