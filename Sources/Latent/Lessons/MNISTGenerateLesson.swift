import Foundation

/// Lesson 1, part 2: generating digits. A VAE with a 32-D code and 128 hidden units is
/// trained with KL weight 5e-2, and ten new digits are decoded from codes drawn from
/// N(0, I). A second VAE with a ten times lower weight shows the trade-off.
public enum MNISTGenerateLesson {
    static let weights: [Float] = [5e-2, 5e-3]

    public static func run(_ settings: LessonSettings) throws -> [String: JSONValue] {
        let epochs = settings.epochs(full: 10, quick: 1)
        let recorder = try LessonRecorder(
            lesson: "mnist-generate", title: "Sampling new digits from a variational autoencoder",
            subtitle: "784 → 128 → 32-D code → 128 → 784 · samples decoded from N(0, I)", settings: settings)
        var generator = RandomGenerator(seed: settings.seed)
        var (train, _) = try MNISTData.load(.train, settings)
        var (test, _) = try MNISTData.load(.test, settings)
        if settings.quick {
            train = train.rows(0..<2000)
            test = test.rows(0..<500)
        }

        var rows: [(String, MetricValue)] = []
        var grids: [(Float, PNGImage, Float, Float)] = []
        var trainedEpochs = 0
        var lossPlot = LinePlot(title: "VAE loss per KL weight", xLabel: "epoch", yLabel: "MSE + weight · KL")
        for weight in weights {
            var g = generator.split()
            let vae = VariationalAutoencoder(inputShape: [28, 28, 1], hidden: 128, codeSize: 32, generator: &g)
            let history = try trainVAE(
                vae, name: "vae-kl-\(weight)", on: train, validation: test, klWeight: weight, epochs: epochs,
                batchSize: 64,
                settings: settings, generator: &g)
            trainedEpochs = history.epochs.count
            lossPlot.add("training, KL weight \(weight)", y: history.losses, markers: true)
            lossPlot.add("validation, KL weight \(weight)", y: history.validationLosses, style: .dashed, markers: true)
            let (mse, kl) = withoutGradients { () -> (Float, Float) in
                let (mu, s) = vae.encode(test)
                return (
                    meanSquaredError(vae.decode(mu), test).item,
                    gaussianKLDivergence(mean: mu, logStandardDeviation: s).item
                )
            }
            let samples = withoutGradients { vae.sample(count: 10, generator: &g) }
            let grid = ImageGrid.compose(
                images: imageList(samples), width: 28, height: 28, columns: 10, padding: 2, scale: 3)
            grids.append((weight, grid, mse, kl))
            let key = "kl_weight_\(weight)"
            recorder.metric(key, ["kl_weight": JSONValue(weight), "mse": JSONValue(mse), "kl": JSONValue(kl)])
            rows += [
                ("KL weight \(weight): reconstruction MSE", .number(Double(mse))),
                ("KL weight \(weight): KL per code unit", .number(Double(kl))),
            ]
            try recorder.history(history, name: "vae-kl-\(weight)")
            try recorder.model(
                vae, name: "vae-kl-\(weight)", inputShape: [28, 28, 1], metadata: ["kl_weight": JSONValue(weight)])
            if weight == weights[0] {
                recorder.metric("mse", mse)
                recorder.metric("kl", kl)
            }
        }
        recorder.paragraph(
            """
            The VAE's loss is reconstruction error plus a weight times the KL divergence of the codes from N(0, I). New digits \
            are made by decoding codes drawn from N(0, I). The KL weight sets a trade-off: a high weight keeps the codes close \
            to the prior, so almost every sample decodes to a plausible digit, but blurrier ones (higher reconstruction error); \
            a low weight gives sharper reconstructions, but the codes drift away from the prior and more samples land in \
            regions the decoder never learned, giving garbled digits.
            """)
        recorder.table(rows)
        for (weight, grid, mse, kl) in grids {
            recorder.section("KL weight \(weight)")
            try recorder.image(
                "samples-kl-\(weight)", grid,
                caption:
                    "Ten digits decoded from z ~ N(0, I) (KL weight \(weight); reconstruction MSE \(String(format: "%.4f", mse)), KL \(String(format: "%.3f", kl)))."
            )
        }
        recorder.section("Training")
        try recorder.figure(
            "loss", svg: lossPlot.svg(),
            caption:
                "Training and validation loss of both VAEs (the KL term is weighted differently, so their totals differ in scale)."
        )
        return try recorder.finish(epochs: trainedEpochs)
    }
}
