import Foundation

/// TensorFlow's "Intro to autoencoders", parts 1 and 2, on Fashion-MNIST.
public enum FashionLessons {
    /// Loads Fashion-MNIST as `[n, 28, 28, 1]` images in [0, 1]; a quick run keeps a few
    /// thousand training and a thousand test images.
    static func load(
        _ settings: LessonSettings, quickTrainRows: Int = 1500
    ) throws -> (train: Tensor, test: Tensor, testLabels: [Int]) {
        let dir = settings.dataDirectory?.appendingPathComponent(FashionMNIST.name)
        var train = try FashionMNIST.load(.train, from: dir)
        var test = try FashionMNIST.load(.test, from: dir)
        if settings.quick {
            train = train.subset(Array(0..<quickTrainRows))
            test = test.subset(Array(0..<300))
        }
        return (
            train.features.reshaped([train.count, 28, 28, 1]), test.features.reshaped([test.count, 28, 28, 1]),
            test.labels ?? []
        )
    }

    /// Part 1: Flatten → Dense(64, relu) / Dense(784, sigmoid) → Reshape; Adam, MSE,
    /// batch 32, 10 epochs, validated on the 10k test images.
    public static func runDense(_ settings: LessonSettings) throws -> [String: JSONValue] {
        let epochs = settings.epochs(full: 10, quick: 2)
        let recorder = try LessonRecorder(
            lesson: "fashion-ae", title: "A dense autoencoder on Fashion-MNIST",
            subtitle: "784 → 64 → 784 · Adam · MSE · batch 32", settings: settings)
        var generator = RandomGenerator(seed: settings.seed)
        let (train, test, labels) = try load(settings)
        let model = Architectures.fashionDense(generator: &generator)
        let history = try Trainer(model: model, optimizer: Adam()).fit(
            inputs: train, targets: train, validation: (test, test),
            options: settings.trainingOptions("autoencoder", epochs: epochs, batchSize: 32),
            generator: &generator
        ) { meanSquaredError(model($0), $1) }
        let reconstruction = predict(model, test)
        let mse = meanSquaredError(reconstruction, test).item
        recorder.metric("val_mse", mse)

        recorder.paragraph(
            """
            The encoder squeezes each 28×28 image (784 values) into a 64-number code; the decoder rebuilds the image from the \
            code alone. Trained on \(train.shape[0]) images for \(history.epochs.count) epochs, it reconstructs the \
            \(test.shape[0]) test images with a mean squared error of \(String(format: "%.5f", mse)).
            """)
        recorder.table([
            ("validation MSE", .number(Double(mse))), ("code size", .integer(64)),
            ("parameters", .integer(model.parameterCount)),
        ])
        recorder.section("Reconstructions")
        try recorder.image(
            "reconstructions", originalsOverReconstructions(test, reconstruction, labels: labels),
            caption: "Ten test images (top) and their reconstructions (bottom).")
        recorder.section("Training")
        try recorder.figure(
            "loss", svg: lossCurves(history, title: "Loss (MSE)", yLabel: "MSE"),
            caption: "Mean squared error on the training images and on the test images after each epoch.")
        recorder.preformatted(model.summary(inputShape: [28, 28, 1]), title: "Model")
        try recorder.history(history)
        try recorder.model(model, inputShape: [28, 28, 1], metadata: ["val_mse": JSONValue(mse)])
        return try recorder.finish(epochs: history.epochs.count)
    }

    /// Part 2: a convolutional denoiser trained on images with Gaussian noise (factor
    /// 0.2, clipped to [0, 1]) to give back the clean images.
    public static func runDenoiser(_ settings: LessonSettings) throws -> [String: JSONValue] {
        let epochs = settings.epochs(full: 10, quick: 1)
        let recorder = try LessonRecorder(
            lesson: "fashion-denoise", title: "A convolutional denoising autoencoder on Fashion-MNIST",
            subtitle: "Gaussian noise × 0.2, clipped · Conv2D stride 2 / Conv2DTranspose · MSE", settings: settings)
        var generator = RandomGenerator(seed: settings.seed)
        let (train, test, labels) = try load(settings, quickTrainRows: 500)
        var noise = generator.split()
        let noisyTrain = train.addingGaussianNoise(factor: 0.2, using: &noise)
        let noisyTest = test.addingGaussianNoise(factor: 0.2, using: &noise)
        let model = Architectures.fashionDenoiser(generator: &generator)
        let summary = model.summary(inputShape: [28, 28, 1])
        if settings.progress.isVisible { print(summary) }
        let history = try Trainer(model: model, optimizer: Adam()).fit(
            inputs: noisyTrain, targets: train, validation: (noisyTest, test),
            options: settings.trainingOptions("denoiser", epochs: epochs, batchSize: 32),
            generator: &generator
        ) { meanSquaredError(model($0), $1) }
        let denoised = predict(model, noisyTest, batchSize: 256)
        let mse = meanSquaredError(denoised, test).item
        let noisyMSE = meanSquaredError(noisyTest, test).item
        recorder.metric("val_mse", mse)
        recorder.metric("noisy_mse", noisyMSE)

        recorder.paragraph(
            """
            Each image gets Gaussian noise (standard deviation 0.2) and is clipped back to [0, 1]. The network learns to map \
            the noisy image to the clean one. On the test images the noise alone is an error of \
            \(String(format: "%.4g", noisyMSE)) (MSE against the clean images); after denoising it is \(String(format: "%.4g", mse)).
            """)
        recorder.table([
            ("validation MSE (denoised vs clean)", .number(Double(mse))),
            ("MSE of the noisy input", .number(Double(noisyMSE))), ("parameters", .integer(model.parameterCount)),
        ])
        recorder.section("Denoising")
        recorder.metric("model_learned", .bool(mse < noisyMSE))
        if !(mse < noisyMSE) {
            recorder.warning(
                "This model has not learned to denoise: its output is further from the clean images "
                    + "(MSE \(String(format: "%.3g", mse))) than the noisy input itself "
                    + "(\(String(format: "%.3g", noisyMSE)))."
                    + (settings.quick
                        ? " A --quick run trains one epoch on 500 images; run without --quick for a model that denoises."
                        : " Train for more epochs (--epochs)."))
        }
        let shown = Array(0..<10)
        try recorder.image(
            "noisy",
            ImageGrid.compose(
                images: shown.map { noisyTest.rows($0..<($0 + 1)).scalars }, width: 28, height: 28,
                columns: 10, padding: 2, scale: 3),
            caption: "Noisy test images.")
        try recorder.image(
            "denoised", originalsOverReconstructions(noisyTest, denoised, labels: labels),
            caption: "Noisy test images (top) and the network's denoised output (bottom).")
        recorder.section("Training")
        try recorder.figure(
            "loss", svg: lossCurves(history, title: "Loss (MSE against clean images)", yLabel: "MSE"),
            caption: "Training and validation loss per epoch.")
        recorder.preformatted(summary, title: "Model")
        try recorder.history(history)
        try recorder.model(model, inputShape: [28, 28, 1], metadata: ["val_mse": JSONValue(mse), "noise_factor": 0.2])
        return try recorder.finish(epochs: history.epochs.count)
    }
}

/// The first `count` images of `top` in one row over the same images of `bottom`.
func originalsOverReconstructions(
    _ top: Tensor, _ bottom: Tensor, labels: [Int] = [], count: Int = 10, indices: [Int]? = nil
) -> PNGImage {
    let rows = indices ?? Array(0..<min(count, top.shape[0]))
    let image = { (t: Tensor, i: Int) in t.rows(i..<(i + 1)).scalars }
    return ImageGrid.compose(
        images: rows.map { image(top, $0) } + rows.map { image(bottom, $0) },
        width: 28, height: 28, columns: rows.count, padding: 2, scale: 3)
}
