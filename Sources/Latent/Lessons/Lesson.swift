/// The two classic lessons, one runnable example each (`latent example NAME`).
public enum Lesson: String, CaseIterable, Sendable {
    case fashionAE = "fashion-ae"
    case fashionDenoise = "fashion-denoise"
    case ecgAnomaly = "ecg-anomaly"
    case mnistLatent = "mnist-latent"
    case mnistGenerate = "mnist-generate"
    case mnistAnomaly = "mnist-anomaly"

    /// One line on what the example does.
    public var summary: String {
        switch self {
        case .fashionAE: return "Fashion-MNIST dense autoencoder with a 64-D code"
        case .fashionDenoise: return "Fashion-MNIST convolutional denoising autoencoder (noise 0.2)"
        case .ecgAnomaly: return "ECG5000 anomaly detector trained on normal beats (bundled data)"
        case .mnistLatent: return "MNIST with a 2-D code: autoencoder, L2-penalised code, VAE"
        case .mnistGenerate: return "MNIST VAE with a 32-D code sampling new digits"
        case .mnistAnomaly: return "MNIST anomaly detection: few-shot LeNet versus a VAE (2s and 3s are anomalies)"
        }
    }

    /// Runs the example and returns the metrics it wrote to `metrics.json`.
    @discardableResult
    public func run(_ settings: LessonSettings) throws -> [String: JSONValue] {
        switch self {
        case .ecgAnomaly: return try ECGAnomalyLesson.run(settings).metrics
        case .fashionAE: return try FashionLessons.runDense(settings)
        case .fashionDenoise: return try FashionLessons.runDenoiser(settings)
        case .mnistLatent: return try MNISTLatentLesson.run(settings)
        case .mnistGenerate: return try MNISTGenerateLesson.run(settings)
        case .mnistAnomaly: return try MNISTAnomalyLesson.run(settings)
        }
    }
}
