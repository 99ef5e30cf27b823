import Foundation

/// Lesson 1, part 1: what a 2-D code learns. Three models on MNIST, each with a code of
/// two numbers so it can be drawn: a plain dense autoencoder, the same with an L2
/// penalty on the code (1e-4 · mean z²), and a variational autoencoder (KL weight 5e-4).
public enum MNISTLatentLesson {
    static let hidden = 256

    enum Kind: String, CaseIterable {
        case autoencoder
        case l2Code = "l2_code"
        case vae
        var title: String {
            switch self {
            case .autoencoder: return "Autoencoder"
            case .l2Code: return "Autoencoder with an L2 penalty on the code"
            case .vae: return "Variational autoencoder"
            }
        }
    }

    public static func run(_ settings: LessonSettings) throws -> [String: JSONValue] {
        let epochs = settings.epochs(full: 10, quick: 1)
        let recorder = try LessonRecorder(
            lesson: "mnist-latent", title: "What a two-number code learns: MNIST autoencoders",
            subtitle: "784 → \(hidden) → 2 → \(hidden) → 784 · plain, L2-penalised code, variational",
            settings: settings)
        var generator = RandomGenerator(seed: settings.seed)
        var (train, _) = try MNISTData.load(.train, settings)
        var (test, testLabels) = try MNISTData.load(.test, settings)
        if settings.quick {
            train = train.rows(0..<2000)
            test = test.rows(0..<500)
            testLabels = Array(testLabels[0..<500])
        }
        recorder.paragraph(
            """
            Each model squeezes a 28×28 digit into a code of two numbers and rebuilds the digit from it. Because the code is \
            two-dimensional it can be drawn: every test digit is a dot, coloured by its label. The plain autoencoder spreads \
            the codes freely; the L2 penalty pulls them towards the origin; the VAE asks them to look like samples of N(0, I), \
            which leaves no holes to decode into garbage.
            """)
        var results: [String: JSONValue] = [:]
        var summaryRows: [(String, MetricValue)] = []
        var finalEpochs = 0
        for kind in Kind.allCases {
            var g = generator.split()
            let (mse, trained) = try runModel(
                kind, train: train, test: test, testLabels: testLabels, epochs: epochs,
                settings: settings, recorder: recorder, generator: &g)
            results[kind.rawValue] = ["mse": JSONValue(mse)]
            summaryRows.append(("\(kind.title): test MSE", .number(Double(mse))))
            finalEpochs = trained
        }
        for (key, value) in results { recorder.metric(key, value) }
        recorder.section("Summary")
        recorder.table(summaryRows)
        return try recorder.finish(epochs: finalEpochs)
    }

    static func runModel(
        _ kind: Kind, train: Tensor, test: Tensor, testLabels: [Int], epochs: Int, settings: LessonSettings,
        recorder: LessonRecorder, generator: inout RandomGenerator
    ) throws -> (Float, Int) {
        let history: History
        let encode: (Tensor) -> Tensor
        let decode: (Tensor) -> Tensor
        let model: any Model
        var sampledCodes: Tensor?
        switch kind {
        case .autoencoder, .l2Code:
            let autoencoder = Architectures.imageDense(hidden: hidden, codeSize: 2, generator: &generator)
            let penalty: Float = kind == .l2Code ? 1e-4 : 0
            history = try Trainer(model: autoencoder, optimizer: Adam()).fit(
                inputs: train, targets: train, validation: (test, test),
                options: settings.trainingOptions(kind.rawValue, epochs: epochs, batchSize: 64),
                generator: &generator
            ) { x, target in
                let z = autoencoder.encode(x)
                let loss = meanSquaredError(autoencoder.decode(z), target)
                return penalty > 0 ? loss + penalty * l2Penalty(z) : loss
            }
            encode = { autoencoder.encode($0) }
            decode = { autoencoder.decode($0) }
            model = autoencoder
        case .vae:
            let vae = VariationalAutoencoder(
                inputShape: [28, 28, 1], hidden: hidden, codeSize: 2, generator: &generator)
            history = try trainVAE(
                vae, name: kind.rawValue, on: train, validation: test, klWeight: 5e-4, epochs: epochs, batchSize: 64,
                settings: settings, generator: &generator)
            encode = { vae.encode($0).mean }
            decode = { vae.decode($0) }
            model = vae
            var noise = generator.split()
            sampledCodes = withoutGradients {
                let (mu, s) = vae.encode(test)
                return vae.reparameterize(mean: mu, logSD: s, generator: &noise)
            }
        }
        let codes = withoutGradients { encode(test) }
        let reconstruction = withoutGradients { decode(codes) }
        let mse = meanSquaredError(reconstruction, test).item
        try draw(
            kind, codes: codes, sampledCodes: sampledCodes, labels: testLabels, test: test,
            reconstruction: reconstruction,
            history: history, mse: mse, recorder: recorder, decode: decode)
        try recorder.history(history, name: kind.rawValue)
        try recorder.model(model, name: kind.rawValue, inputShape: [28, 28, 1], metadata: ["mse": JSONValue(mse)])
        return (mse, history.epochs.count)
    }

    static func draw(
        _ kind: Kind, codes: Tensor, sampledCodes: Tensor?, labels: [Int], test: Tensor, reconstruction: Tensor,
        history: History, mse: Float, recorder: LessonRecorder, decode: (Tensor) -> Tensor
    ) throws {
        recorder.section(kind.title)
        let c = codes.scalars
        let xs = stride(from: 0, to: c.count, by: 2).map { c[$0] }
        let ys = stride(from: 1, to: c.count, by: 2).map { c[$0] }
        func classMean(_ digit: Int) -> [Float] {
            let rows = labels.indices.filter { labels[$0] == digit }
            let n = Float(max(rows.count, 1))
            return [rows.reduce(0) { $0 + xs[$1] } / n, rows.reduce(0) { $0 + ys[$1] } / n]
        }
        let mean0 = classMean(0)
        let mean6 = classMean(6)
        let steps = 10
        let path = (0..<steps).map { i -> [Float] in
            let t = Float(i) / Float(steps - 1)
            return [mean6[0] + t * (mean0[0] - mean6[0]), mean6[1] + t * (mean0[1] - mean6[1])]
        }
        var scatter = ScatterPlot(title: "\(kind.title): codes of the test digits", xLabel: "z₁", yLabel: "z₂")
        scatter.add(x: xs, y: ys, categories: labels)
        scatter.addPath("6 → 0 interpolation", x: path.map { $0[0] }, y: path.map { $0[1] })
        scatter.highlight(x: [mean0[0], mean6[0]], y: [mean0[1], mean6[1]], labels: ["mean of 0s", "mean of 6s"])
        try recorder.figure(
            "\(kind.rawValue)-codes", svg: scatter.svg(),
            caption:
                "Each test digit's code, coloured by label, with the straight path from the 6s' mean code to the 0s'.")
        let decoded = withoutGradients {
            decode(Tensor(shape: [steps + 2, 2], scalars: path.flatMap { $0 } + mean0 + [-25, -15]))
        }
        let images = imageList(decoded)
        try recorder.image(
            "\(kind.rawValue)-interpolation",
            ImageGrid.compose(
                images: Array(images[0..<steps]), width: 28, height: 28,
                columns: steps, padding: 2, scale: 3),
            caption: "Decoding ten evenly spaced codes from the 6s' mean code to the 0s'.")
        try recorder.image(
            "\(kind.rawValue)-mean-zero",
            ImageGrid.compose(images: [images[steps]], width: 28, height: 28, columns: 1, scale: 4),
            caption: "The decoded mean code of the 0s (\(format(mean0))).", width: .half)
        try recorder.image(
            "\(kind.rawValue)-point",
            ImageGrid.compose(images: [images[steps + 1]], width: 28, height: 28, columns: 1, scale: 4),
            caption: "The decoded point (−25, −15)\(kind == .autoencoder ? "" : ", far from where the codes live").",
            width: .half)
        if let sampledCodes {
            let s = sampledCodes.scalars
            var sampled = ScatterPlot(title: "VAE: sampled codes z = μ + σ·ε", xLabel: "z₁", yLabel: "z₂")
            sampled.add(
                x: stride(from: 0, to: s.count, by: 2).map { s[$0] },
                y: stride(from: 1, to: s.count, by: 2).map { s[$0] }, categories: labels)
            try recorder.figure(
                "vae-sampled-codes", svg: sampled.svg(),
                caption:
                    "Codes sampled from each test digit's posterior: the clouds overlap and fill the plane around the origin."
            )
        }
        try recorder.image(
            "\(kind.rawValue)-reconstructions", originalsOverReconstructions(test, reconstruction),
            caption:
                "Test digits (top) and their reconstructions from two numbers (bottom); test MSE \(String(format: "%.4f", mse))."
        )
        try recorder.figure(
            "\(kind.rawValue)-loss", svg: lossCurves(history, title: "\(kind.title): loss", yLabel: "loss"),
            caption: "Training and test loss per epoch.", width: .half)
    }

    static func format(_ p: [Float]) -> String { String(format: "%.2f, %.2f", p[0], p[1]) }
}
