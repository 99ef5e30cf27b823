import Foundation

/// TensorFlow's "Intro to autoencoders", part 3: an ECG anomaly detector.
///
/// ECG5000 beats (140 samples, label 1 = normal) are split 80/20 at random (seeded),
/// min-max scaled with the training rows' global minimum and maximum, and a dense
/// autoencoder (32-16-8 relu / 16-32 relu, 140 sigmoid) is trained with MAE on the
/// normal training beats only (Adam, batch 512, 20 epochs). The threshold is the mean +
/// 1 std of the training reconstruction errors; a beat is normal when its error is below
/// it. Metrics use normal as the positive class, as the lesson does.
public enum ECGAnomalyLesson {
    public struct Result: Sendable {
        public var accuracy, precision, recall, auroc: Double
        public var threshold: Float
        public var metrics: [String: JSONValue]
    }

    public static func run(_ settings: LessonSettings) throws -> Result {
        let epochs = settings.epochs(full: 20, quick: 10)
        let recorder = try LessonRecorder(
            lesson: "ecg-anomaly", title: "ECG anomaly detection with an autoencoder",
            subtitle: "ECG5000 heartbeats · dense autoencoder trained on normal beats only · MAE threshold",
            settings: settings)
        var generator = RandomGenerator(seed: settings.seed)

        let (data, source) = try loadECG(settings.dataDirectory)
        let (train, test) = data.randomSplit(fraction: 0.8, using: &generator)
        let scaler = MinMaxScaler(fitting: train.features, mode: .global)
        let trainX = scaler.transform(train.features)
        let testX = scaler.transform(test.features)
        let trainLabels = train.labels!
        let testLabels = test.labels!
        let normalRows = trainLabels.indices.filter { trainLabels[$0] == ECG5000.normalLabel }
        // Quick runs keep every row: the whole lesson takes well under a second in a release build.
        let normalTrain = trainX.gathering(rows: normalRows)

        let model = Architectures.denseVector(inputSize: ECG5000.length, hidden: [32, 16, 8], generator: &generator)
        let trainer = Trainer(model: model, optimizer: Adam())
        let history = try trainer.fit(
            inputs: normalTrain, targets: normalTrain, validation: (testX, testX),
            options: settings.trainingOptions("autoencoder", epochs: epochs, batchSize: 512),
            generator: &generator
        ) { meanAbsoluteError(model($0), $1) }

        // Threshold: mean + 1 std of the normal training beats' errors.
        let trainErrors = perExampleError(normalTrain, predict(model, normalTrain))
        let (mean, std) = meanAndStandardDeviation(trainErrors)
        let threshold = Float(mean + std)
        let testReconstruction = predict(model, testX)
        let testErrors = perExampleError(testX, testReconstruction)
        let isNormal = testLabels.map { $0 == ECG5000.normalLabel }
        let predictedNormal = testErrors.map { $0 < threshold }
        let confusion = try ConfusionMatrix(
            predictions: predictedNormal.map { !$0 }, labels: isNormal.map { !$0 }, positiveClass: .normal)
        let roc = try ROCCurve(scores: testErrors, labels: isNormal.map { !$0 })

        recorder.metric("accuracy", confusion.accuracy)
        recorder.metric("precision", confusion.precision)
        recorder.metric("recall", confusion.recall)
        recorder.metric("auroc", roc.auc)
        recorder.metric("threshold", threshold)
        recorder.metric("train_rows", JSONValue(normalTrain.shape[0]))
        recorder.metric("test_rows", JSONValue(testX.shape[0]))
        recorder.metric("data", .string(source))

        recorder.paragraph(
            """
            \(data.count) beats from \(source) were split 80/20 at random (seed \(settings.seed)); values were scaled to [0, 1] \
            with the training rows' global minimum and maximum. The autoencoder saw only the \(normalTrain.shape[0]) normal \
            training beats. A test beat is called normal when its mean absolute reconstruction error is below the threshold \
            (mean + 1 std of the training errors = \(String(format: "%.4f", threshold))). Precision and recall take normal \
            as the positive class, as the lesson does.
            """)
        recorder.table([
            ("accuracy", .number(confusion.accuracy)), ("precision (normal)", .number(confusion.precision)),
            ("recall (normal)", .number(confusion.recall)), ("AUROC", .number(roc.auc)),
            ("threshold (MAE)", .number(Double(threshold))),
            ("test beats", .integer(testX.shape[0])), ("anomalous test beats", .integer(isNormal.filter { !$0 }.count)),
        ])

        recorder.section("What the model reconstructs")
        let normalIndex = isNormal.firstIndex(of: true) ?? 0
        let anomalyIndex = isNormal.firstIndex(of: false) ?? 0
        for (index, kind) in [(normalIndex, "normal"), (anomalyIndex, "anomalous")] {
            let plot = SignalPlot(
                title:
                    "A\(kind == "anomalous" ? "n" : "") \(kind) test beat (error \(String(format: "%.4f", testErrors[index])))",
                input: testX.rows(index..<(index + 1)).scalars,
                reconstruction: testReconstruction.rows(index..<(index + 1)).scalars,
                xLabel: "sample", yLabel: "scaled value")
            try recorder.figure(
                "\(kind)-beat", svg: plot.svg(),
                caption:
                    "\(kind == "normal" ? "A" : "An") \(kind) beat, its reconstruction, and the error between them (shaded).",
                width: .half)
        }

        recorder.section("Reconstruction errors")
        var trainHistogram = Histogram(
            title: "Training error (normal beats)", xLabel: "mean absolute error", binCount: 50)
        trainHistogram.add("normal training beats", values: trainErrors)
        trainHistogram.addThreshold(Double(threshold), label: "threshold")
        try recorder.figure(
            "train-error-histogram", svg: trainHistogram.svg(),
            caption: "Training errors of the normal beats; the threshold is their mean + 1 std.", width: .half)
        var anomalyHistogram = Histogram(
            title: "Test error (anomalous beats)", xLabel: "mean absolute error", binCount: 50)
        anomalyHistogram.add(
            "anomalous test beats", values: zip(testErrors, isNormal).filter { !$0.1 }.map(\.0), color: .category(3))
        anomalyHistogram.addThreshold(Double(threshold), label: "threshold")
        try recorder.figure(
            "anomaly-error-histogram", svg: anomalyHistogram.svg(),
            caption: "Errors of the anomalous test beats: most lie above the threshold.", width: .half)
        var rocPlot = ROCPlot(title: "Test ROC (anomaly = positive)")
        rocPlot.add(
            "autoencoder (AUC \(String(format: "%.3f", roc.auc)))", falsePositiveRate: roc.falsePositiveRates,
            truePositiveRate: roc.truePositiveRates)
        let anomalyView = try ConfusionMatrix(
            predictions: predictedNormal.map { !$0 }, labels: isNormal.map { !$0 }, positiveClass: .anomaly)
        rocPlot.addOperatingPoint(
            falsePositiveRate: anomalyView.falsePositiveRate, truePositiveRate: anomalyView.recall, label: "threshold")
        try recorder.figure(
            "roc", svg: rocPlot.svg(), caption: "ROC of the reconstruction error on the test beats.", width: .half)

        recorder.section("Training")
        try recorder.figure(
            "loss", svg: lossCurves(history, title: "Loss (MAE)", yLabel: "MAE"),
            caption: "Training loss on normal beats; validation loss on all test beats (normal and anomalous).")
        recorder.preformatted(model.summary(inputShape: [ECG5000.length]), title: "Model")
        try recorder.history(history)
        try recorder.model(
            model, inputShape: [ECG5000.length],
            metadata: [
                "threshold": JSONValue(threshold), "scaler_min": JSONValue(scaler.minimum[0]),
                "scaler_max": JSONValue(scaler.maximum[0]),
            ])
        let metrics = try recorder.finish(epochs: history.epochs.count)
        return Result(
            accuracy: confusion.accuracy, precision: confusion.precision, recall: confusion.recall,
            auroc: roc.auc, threshold: threshold, metrics: metrics)
    }

    /// ecg.csv from the data directory when it is there, else the copy bundled with Latent.
    static func loadECG(_ directory: URL?) throws -> (Dataset, String) {
        let dir = DataDirectory.url(
            for: ECG5000.name, explicit: directory.map { $0.appendingPathComponent(ECG5000.name) })
        let fm = FileManager.default
        if fm.fileExists(atPath: dir.appendingPathComponent(ECG5000.fileName).path)
            || fm.fileExists(atPath: dir.appendingPathComponent(ECG5000.fileName + ".gz").path)
        {
            return (try ECG5000.load(from: dir), dir.appendingPathComponent(ECG5000.fileName).path)
        }
        return (try ECG5000.bundled(), "the ECG5000 copy bundled with Latent")
    }
}
