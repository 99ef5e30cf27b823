import Foundation

/// Lesson 1, part 3: anomaly detection on MNIST. Digits 2 and 3 are the anomalies; only
/// ten 2s are seen in training and no 3 at all.
///
/// - Pool: the 60k MNIST training images. Normal = every digit but 2 and 3. Training set =
///   a random 60 % of the normal digits plus ten random 2s; the rest is the test set.
/// - (a) A supervised LeNet trained with balanced batches (half of each batch drawn from
///   the ten 2s), binary cross-entropy: it learns "2 or not", and misses the unseen 3s.
/// - (b) A VAE (64 hidden, 8-D code, KL weight 5e-4) trained on the normal training digits
///   minus a validation set (1000 normal digits plus the ten 2s). Score = sum of squared
///   reconstruction error of the decoded mean code. The validation ROC's point of maximal
///   sensitivity + specificity is the cut.
public enum MNISTAnomalyLesson {
    public static func run(_ settings: LessonSettings) throws -> [String: JSONValue] {
        let vaeEpochs = settings.epochs(full: 20, quick: 1)
        let lenetEpochs = settings.quick ? 1 : 3
        let recorder = try LessonRecorder(
            lesson: "mnist-anomaly", title: "Anomaly detection on MNIST: a few-shot classifier versus a VAE",
            subtitle: "2s and 3s are anomalies · ten 2s in training, no 3s", settings: settings)
        var generator = RandomGenerator(seed: settings.seed)
        var (pool, labels) = try MNISTData.load(.train, settings)
        if settings.quick {
            pool = pool.rows(0..<3000)
            labels = Array(labels[0..<3000])
        }
        let isAnomaly = labels.map { $0 == 2 || $0 == 3 }
        var normal = labels.indices.filter { !isAnomaly[$0] }
        var twos = labels.indices.filter { labels[$0] == 2 }
        generator.shuffle(&normal)
        generator.shuffle(&twos)
        let trainNormal = Array(normal[..<Int((0.6 * Double(normal.count)).rounded())])
        let fewTwos = Array(twos[..<10])
        let inTraining = Set(trainNormal + fewTwos)
        let testRows = labels.indices.filter { !inTraining.contains($0) }
        let testX = pool.gathering(rows: testRows)
        let testLabels = testRows.map { labels[$0] }
        let testIsAnomaly = testLabels.map { $0 == 2 || $0 == 3 }

        // (a) LeNet with balanced batches.
        var lenetGenerator = generator.split()
        let lenet = Architectures.lenet(generator: &lenetGenerator)
        let lenetHistory = try trainLeNet(
            lenet, pool: pool, normal: trainNormal, anomalies: fewTwos, epochs: lenetEpochs,
            settings: settings, generator: &lenetGenerator)
        let lenetScores = predict(lenet, testX, batchSize: 500).scalars

        // (b) VAE on normal digits; validation = 1000 normal + the ten 2s.
        var vaeGenerator = generator.split()
        let validationNormal = Array(trainNormal[..<min(1000, trainNormal.count / 5)])
        let vaeTrainRows = Array(trainNormal[validationNormal.count...])
        let vae = VariationalAutoencoder(inputShape: [28, 28, 1], hidden: 64, codeSize: 8, generator: &vaeGenerator)
        let vaeHistory = try trainVAE(
            vae, name: "vae", on: pool.gathering(rows: vaeTrainRows), klWeight: 5e-4, epochs: vaeEpochs,
            batchSize: 20, settings: settings, generator: &vaeGenerator)
        let score = { (x: Tensor) in perExampleError(x, predict(vae, x), squared: true, sum: true) }
        let validationScores = score(pool.gathering(rows: validationNormal + fewTwos))
        let validationLabels =
            [Bool](repeating: false, count: validationNormal.count) + [Bool](repeating: true, count: fewTwos.count)
        let validationROC = try ROCCurve(scores: validationScores, labels: validationLabels)
        let cut = validationROC.youden.threshold
        let vaeScores = score(testX)

        // Test metrics: overall and per anomaly class.
        func subset(_ keep: (Int) -> Bool, _ scores: [Float]) throws -> ROCCurve {
            let rows = testLabels.indices.filter { keep(testLabels[$0]) }
            return try ROCCurve(scores: rows.map { scores[$0] }, labels: rows.map { testIsAnomaly[$0] })
        }
        let only2 = { (d: Int) in d != 3 }
        let only3 = { (d: Int) in d != 2 }
        var curves: [String: [String: ROCCurve]] = [:]
        for (model, scores) in [("lenet", lenetScores), ("vae", vaeScores)] {
            curves[model] = [
                "all": try ROCCurve(scores: scores, labels: testIsAnomaly), "2": try subset(only2, scores),
                "3": try subset(only3, scores),
            ]
            recorder.metric(
                model,
                [
                    "auroc": JSONValue(curves[model]!["all"]!.auc), "auroc_2": JSONValue(curves[model]!["2"]!.auc),
                    "auroc_3": JSONValue(curves[model]!["3"]!.auc),
                ])
        }
        let atCut = try ConfusionMatrix(scores: vaeScores, labels: testIsAnomaly, threshold: cut)
        var vaeMetrics = recorder.metrics["vae"]!
        if case .object(var o) = vaeMetrics {
            o["cut"] = JSONValue(cut)
            o["sensitivity"] = JSONValue(atCut.recall)
            o["specificity"] = JSONValue(atCut.specificity)
            for digit in [2, 3] {
                let rows = testLabels.indices.filter { testLabels[$0] == digit }
                o["sensitivity_\(digit)"] = JSONValue(
                    Double(rows.filter { vaeScores[$0] > cut }.count) / Double(max(rows.count, 1)))
            }
            vaeMetrics = .object(o)
        }
        recorder.metric("vae", vaeMetrics)
        recorder.metric("train_rows", JSONValue(trainNormal.count + fewTwos.count))
        recorder.metric("test_rows", JSONValue(testRows.count))

        recorder.paragraph(
            """
            Of the \(pool.shape[0]) MNIST training images, the \(normal.count) digits other than 2 and 3 are normal. Training uses \
            \(trainNormal.count) normal digits (60 %) and just ten 2s; the \(testRows.count) remaining images, with \
            \(testIsAnomaly.filter { $0 }.count) 2s and 3s among them, are the test set. LeNet, shown the ten 2s in every other \
            sample, learns to spot 2s, and has no reason to flag a 3. The VAE never sees an anomaly: it learns to rebuild \
            normal digits, and anything it rebuilds badly is suspect, 2, 3 or otherwise.
            """)
        let v = curves["vae"]!
        let l = curves["lenet"]!
        recorder.table([
            (
                "LeNet AUROC (all / 2s / 3s)",
                .text(String(format: "%.3f / %.3f / %.3f", l["all"]!.auc, l["2"]!.auc, l["3"]!.auc))
            ),
            (
                "VAE AUROC (all / 2s / 3s)",
                .text(String(format: "%.3f / %.3f / %.3f", v["all"]!.auc, v["2"]!.auc, v["3"]!.auc))
            ),
            ("VAE cut (validation Youden)", .number(Double(cut))),
            ("VAE test sensitivity", .number(atCut.recall)), ("VAE test specificity", .number(atCut.specificity)),
        ])
        recorder.section("ROC curves")
        for (key, title) in [
            ("all", "2s and 3s vs normal"), ("2", "2s vs normal (3s left out)"), ("3", "3s vs normal (2s left out)"),
        ] {
            var plot = ROCPlot(title: "Test ROC: \(title)")
            plot.add(
                "LeNet (AUC \(String(format: "%.3f", l[key]!.auc)))", falsePositiveRate: l[key]!.falsePositiveRates,
                truePositiveRate: l[key]!.truePositiveRates)
            plot.add(
                "VAE (AUC \(String(format: "%.3f", v[key]!.auc)))", falsePositiveRate: v[key]!.falsePositiveRates,
                truePositiveRate: v[key]!.truePositiveRates)
            try recorder.figure(
                "roc-\(key == "all" ? "overall" : key)", svg: plot.svg(), caption: "Test ROC, \(title).", width: .half)
        }
        var operating = ROCPlot(title: "VAE test ROC and the validation cut")
        operating.add(
            "VAE (AUC \(String(format: "%.3f", v["all"]!.auc)))", falsePositiveRate: v["all"]!.falsePositiveRates,
            truePositiveRate: v["all"]!.truePositiveRates)
        operating.addOperatingPoint(
            falsePositiveRate: 1 - atCut.specificity, truePositiveRate: atCut.recall,
            label: String(format: "cut %.1f", cut))
        try recorder.figure(
            "roc-operating-point", svg: operating.svg(),
            caption:
                "Where the cut chosen on validation data (max sensitivity + specificity) operates on the test set.",
            width: .half)

        recorder.section("What the VAE reconstructs")
        let normalShown = Array(testLabels.indices.filter { !testIsAnomaly[$0] }.prefix(10))
        let anomalyShown =
            Array(testLabels.indices.filter { testLabels[$0] == 2 }.prefix(5))
            + Array(testLabels.indices.filter { testLabels[$0] == 3 }.prefix(5))
        let shown = testX.gathering(rows: normalShown + anomalyShown)
        let rebuilt = predict(vae, shown)
        try recorder.image(
            "normal-reconstructions",
            originalsOverReconstructions(shown, rebuilt, indices: Array(0..<normalShown.count)),
            caption: "Normal test digits (top) and the VAE's reconstructions (bottom).")
        try recorder.image(
            "anomaly-reconstructions",
            originalsOverReconstructions(
                shown, rebuilt, indices: Array(normalShown.count..<(normalShown.count + anomalyShown.count))),
            caption:
                "Anomalous test digits, 2s and 3s (top), and the VAE's reconstructions (bottom): it rebuilds them as digits it knows."
        )
        var histogram = Histogram(
            title: "VAE score on the test set", xLabel: "sum of squared reconstruction error", binCount: 60)
        histogram.add("normal", values: zip(vaeScores, testIsAnomaly).filter { !$0.1 }.map(\.0))
        histogram.add("2s and 3s", values: zip(vaeScores, testIsAnomaly).filter { $0.1 }.map(\.0))
        histogram.addThreshold(Double(cut), label: "cut")
        try recorder.figure(
            "score-histogram", svg: histogram.svg(),
            caption: "VAE scores of normal and anomalous test digits, with the cut.")
        recorder.section("Training")
        try recorder.figure(
            "lenet-loss", svg: lossCurves(lenetHistory, title: "LeNet: loss (BCE)", yLabel: "BCE"),
            caption: "LeNet training loss.", width: .half)
        try recorder.figure(
            "vae-loss", svg: lossCurves(vaeHistory, title: "VAE: loss", yLabel: "MSE + KL"),
            caption: "VAE training loss.", width: .half)
        try recorder.history(vaeHistory, name: "vae")
        try recorder.history(lenetHistory, name: "lenet")
        try recorder.model(vae, name: "vae", inputShape: [28, 28, 1], metadata: ["cut": JSONValue(cut)])
        try recorder.model(lenet, name: "lenet", inputShape: [28, 28, 1])
        return try recorder.finish(epochs: vaeHistory.epochs.count)
    }

    /// Trains LeNet with balanced batches: 10 normal digits and 10 draws (with
    /// replacement) from the few anomalies per step; an epoch is one pass over the normals.
    static func trainLeNet(
        _ model: Sequential, pool: Tensor, normal: [Int], anomalies: [Int], epochs: Int,
        settings: LessonSettings, generator: inout RandomGenerator
    ) throws -> History {
        let half = 10
        // Rows: one normal, then one anomaly, alternating; the batch of 20 is balanced.
        let trainer = Trainer(model: model, optimizer: Adam())
        var history = History()
        let progress = settings.progress.named("LeNet")
        for epoch in 1...epochs {
            var order = normal
            generator.shuffle(&order)
            var rows: [Int] = []
            var targets: [Float] = []
            for start in stride(from: 0, to: order.count - half + 1, by: half) {
                for i in 0..<half {
                    rows += [order[start + i], anomalies[generator.nextIndex(below: anomalies.count)]]
                    targets += [0, 1]
                }
            }
            let x = pool.gathering(rows: rows)
            let y = Tensor(shape: [targets.count, 1], scalars: targets)
            // One fit per epoch (each epoch draws new anomaly partners), reported as one run.
            let options = TrainingOptions(epochs: 1, batchSize: 2 * half, shuffle: false, progress: .silent)
            let h = try trainer.fit(inputs: x, targets: y, options: options, generator: &generator) {
                binaryCrossEntropy(probabilities: model($0), targets: $1)
            }
            var record = h.epochs[0]
            record.epoch = epoch
            history.epochs.append(record)
            progress.epochEnded(
                record, of: epochs, steps: (rows.count + 2 * half - 1) / (2 * half))
        }
        return history
    }
}
