import Foundation

extension AnomalyDetector {
    /// Fits a detector: trains an autoencoder on normal rows and calibrates its threshold
    /// on normal rows it did not train on and that did not choose the epoch (so that
    /// their scores are exchangeable with new normal rows' scores, which the conformal
    /// false-alarm guarantee needs).
    ///
    /// ```
    /// normal rows ──shuffle(seed)──┬── (1 − F) train: fit the scaler, train the model
    ///                              ├── F held out for calibration only:
    ///                              │     threshold = rule(scores), p-values
    ///                              └── 10 % of the rest: early stopping, best epoch
    /// anomalous rows ───────────────── scored for the report (and youden's threshold)
    /// ```
    ///
    /// - Parameters:
    ///   - x: `[n, …]` rows (tables `[n, d]`, images `[n, H, W]` or `[n, H, W, C]`),
    ///     finite values.
    ///   - isNormal: which rows are normal; `nil` takes every row as normal.
    ///   - schema: names and label information to keep; `nil` derives the example shape
    ///     from `x` (`[n, H, W]` is taken as one-channel images).
    ///   - configuration: model, training and threshold choices.
    ///   - onPlan: called once the sizes are chosen, before training (to show them).
    ///   - onEpoch: called after each epoch with its record and the plan (for progress).
    /// - Returns: the fitted detector, with ``diagnostics`` for a report.
    /// - Throws: ``DetectorError`` for an invalid configuration, non-finite values, too
    ///   few normal rows to train and calibrate, or a model that does not fit the shape;
    ///   ``TrainingError`` if training diverges.
    public static func fit(
        _ x: Tensor, isNormal: [Bool]? = nil, schema: DetectorSchema? = nil,
        configuration: DetectorConfiguration = DetectorConfiguration(),
        onPlan: ((TrainingPlan) -> Void)? = nil,
        onEpoch: ((EpochRecord, TrainingPlan) -> Void)? = nil
    ) throws -> AnomalyDetector {
        try configuration.validate()
        var configuration = configuration
        guard x.rank >= 2, x.shape[0] > 0 else {
            throw DetectorError.insufficientData("the data has no rows (shape \(x.shape))")
        }
        var schema = schema ?? DetectorSchema(exampleShape: Array(x.shape.dropFirst()))
        if schema.exampleShape.count == 2 { schema.exampleShape.append(1) }
        try schema.check(x, source: "the training data")
        let n = x.shape[0]
        let d = schema.featureCount
        let flat = x.reshaped([n, d])
        let isNormal = isNormal ?? [Bool](repeating: true, count: n)
        guard isNormal.count == n else {
            throw DetectorError.insufficientData("there are \(n) rows but \(isNormal.count) labels")
        }

        // Split the normal rows into training and held-out (calibration) rows.
        var generator = RandomGenerator(seed: configuration.seed)
        var normal = isNormal.indices.filter { isNormal[$0] }
        let anomalous = isNormal.indices.filter { !isNormal[$0] }
        generator.shuffle(&normal)
        let calibrationCount = Int(
            (configuration.validationFraction * Double(normal.count)).rounded())
        let calibrationRows = Array(normal.prefix(calibrationCount))
        let rest = normal.dropFirst(calibrationCount)
        // A nearest-neighbour model trains nothing, so it needs no early-stopping rows.
        let remembers = TrainingPlan.model(for: configuration, exampleShape: schema.exampleShape).0 == .neighbours
        let stoppingCount =
            remembers
            ? 0 : max(2, Int((configuration.earlyStoppingFraction * Double(rest.count)).rounded()))
        let stoppingRows = Array(rest.prefix(stoppingCount))
        let training = Array(rest.dropFirst(stoppingCount))
        let fallback = relaxedThreshold(
            configuration, calibrationRows: calibrationRows.count, normalRows: normal.count)
        if let fallback { configuration.threshold = fallback.rule }
        try checkSizes(
            training: training.count, heldOut: calibrationRows.count, normal: normal.count,
            anomalous: anomalous.count, configuration: configuration)

        let rawTraining = flat.gathering(rows: training)
        let ranges = MinMaxScaler(fitting: rawTraining, mode: .perFeature)
        var plan = TrainingPlan(
            configuration: configuration, exampleShape: schema.exampleShape,
            trainingRows: training.count, earlyStoppingRows: stoppingRows.count,
            calibrationRows: calibrationRows.count,
            featureRanges: zip(ranges.minimum, ranges.maximum).map { $1 - $0 })
        if let fallback {
            plan.thresholdFallback = fallback.note
            plan.notes.append(fallback.note)
        }
        var scaler = MinMaxScaler(fitting: rawTraining, mode: plan.scaler)
        if plan.scaler == .perFeature {
            scaler.constantScale = configuration.constantColumnScale ?? DetectorConfiguration.defaultConstantColumnScale
            let constant = zip(scaler.minimum, scaler.maximum).filter { $0 == $1 }.count
            if constant > 0 {
                plan.notes.append(
                    "\(constant) of \(scaler.minimum.count) features are constant in the training rows; "
                        + "a value they never took there counts as \(scaler.constantScale!) training ranges "
                        + "(--constant-scale).")
            }
        }
        let trainX = scaler.transform(rawTraining)
        let stoppingX = scaler.transform(flat.gathering(rows: stoppingRows))
        let calibrationX = scaler.transform(flat.gathering(rows: calibrationRows))
        let anomalyX = anomalous.isEmpty ? nil : scaler.transform(flat.gathering(rows: anomalous))

        onPlan?(plan)
        let scorer: DetectorScorer
        let history: History
        let trainingScores: [Float]
        if plan.model == .neighbours {
            let reference = NeighbourReference(
                training: trainX, standardize: plan.scaler == .perFeature,
                k: plan.neighbours ?? NeighbourReference.defaultCount)
            scorer = .neighbours(reference)
            history = History()
            // The first (shuffled) 10,000 remembered rows against all of them, their own copy
            // skipped: these scores only draw the report's histogram, and scoring every
            // remembered row would cost the square of their count.
            trainingScores =
                reference.errors(
                    trainX.rows(0..<min(reference.count, 10_000)), keepFeatures: false, excludingSelf: true
                ).scores
        } else {
            let network = try DetectorNetwork.build(
                plan: plan, exampleShape: schema.exampleShape,
                generator: &generator)
            history = try train(
                network, plan: &plan, configuration: configuration,
                training: trainX, heldOut: stoppingX, generator: &generator,
                onEpoch: onEpoch)
            scorer = .autoencoder(network)
            trainingScores = network.errors(trainX, loss: plan.loss, keepFeatures: false).scores
        }

        let loss = plan.loss
        let calibrationScores = scorer.errors(calibrationX, loss: loss, keepFeatures: false).scores
        let anomalyScores =
            anomalyX.map { scorer.errors($0, loss: loss, keepFeatures: false).scores } ?? []
        let threshold = try calibrate(
            configuration.threshold, normal: calibrationScores,
            anomalies: anomalyScores)
        let detector = AnomalyDetector(
            configuration: configuration, schema: schema, scaler: scaler, threshold: threshold,
            calibration: try ConformalCalibration(scores: calibrationScores), plan: plan,
            ruleThresholds: ruleThresholds(
                normal: calibrationScores, anomalies: anomalyScores,
                including: configuration.threshold),
            anomalyScores: anomalyScores,
            diagnostics: FitDiagnostics(
                history: history, trainingScores: trainingScores,
                calibrationScores: calibrationScores, anomalyScores: anomalyScores,
                rows: n, normalRows: normal.count, anomalousRows: anomalous.count),
            scorer: scorer)
        detector.fingerprints = RowFingerprints(rows: flat.gathering(rows: normal))
        return detector
    }

    /// The strictest `fpr` rule `calibrationRows` support, when the configured rule is the
    /// default `fpr:0.05`, was not required, and needs more of them (small data: 20 normal
    /// rows hold out 4); `nil` otherwise.
    static func relaxedThreshold(
        _ configuration: DetectorConfiguration, calibrationRows n: Int, normalRows: Int
    ) -> (rule: ThresholdRule, note: String)? {
        guard configuration.thresholdIsRequired != true,
            configuration.threshold == DetectorConfiguration().threshold,
            case .falsePositiveRate(let alpha) = configuration.threshold, n >= 2,
            n < ThresholdRule.calibrationRowsNeeded(falsePositiveRate: alpha)
        else { return nil }
        // The smallest ALPHA with ⌈1/ALPHA − 1⌉ ≤ n is 1/(n + 1); rounded up to 3 decimals.
        let relaxed = (1000 / Double(n + 1)).rounded(.up) / 1000
        let rule = ThresholdRule.falsePositiveRate(relaxed)
        let needed = ThresholdRule.calibrationRowsNeeded(falsePositiveRate: alpha)
        let fraction = ThresholdRule.validationFraction(needed: needed, normalRows: normalRows)
        // Holding out more than half of the rows would starve training: say how many rows.
        let remedy =
            fraction <= 0.5
            ? "give more normal rows, or --validation-fraction \(fraction) with --threshold fpr:\(alpha) to require it"
            : "about \(Int((Double(needed) / configuration.validationFraction).rounded(.up))) normal rows "
                + "would give them at --validation-fraction \(configuration.validationFraction)"
        let note =
            "Threshold: the default fpr:\(alpha) needs \(needed) calibration rows and there are \(n) "
            + "(of \(normalRows) normal rows); used \(rule), the strictest rule they support (\(remedy))."
        return (rule, note)
    }

    /// Enough rows to train, to stop early, and for the rule to flag anything.
    private static func checkSizes(
        training: Int, heldOut: Int, normal: Int, anomalous: Int,
        configuration: DetectorConfiguration
    ) throws {
        guard normal > 0 else {
            throw DetectorError.insufficientData(
                "no row is labelled normal (\(anomalous) rows have other labels); check `isNormal`"
            )
        }
        guard training >= 2, heldOut >= 2 else {
            throw DetectorError.insufficientData(
                "\(normal) normal rows split into \(training) for training and \(heldOut) held out "
                    + "at `validationFraction` \(configuration.validationFraction); at least 2 of "
                    + "each are needed (give more normal rows)")
        }
        if case .falsePositiveRate(let alpha) = configuration.threshold {
            let needed = ThresholdRule.calibrationRowsNeeded(falsePositiveRate: alpha)
            guard heldOut >= needed else {
                throw DetectorError.insufficientData(
                    "fpr:\(alpha) needs at least \(needed) held-out normal rows (calibration rows) for any "
                        + "p-value to reach \(alpha), but there are \(heldOut) of \(normal) normal rows; "
                        + "`validationFraction` \(ThresholdRule.validationFraction(needed: needed, normalRows: normal)) "
                        + "would give \(needed), or give more normal rows, or choose a larger ALPHA")
            }
        }
        if case .conditionalFalsePositiveRate(let alpha, let confidence, let bound) = configuration.threshold,
            !ConformalCalibration.conditionalRuleCanFlag(
                count: heldOut, alpha: alpha, confidence: confidence, bound: bound)
        {
            let needed =
                bound == .dkw
                ? "at least \(ConformalCalibration.minimumConditionalCount(alpha: alpha, confidence: confidence)) held-out normal rows (n ≥ log(2/δ)/(2·ALPHA²), roughly)"
                : "more held-out normal rows"
            throw DetectorError.insufficientData(
                "\(configuration.threshold) needs \(needed) to flag anything, but there are \(heldOut); raise "
                    + "`validationFraction`, give more normal rows, or choose a larger ALPHA or "
                    + "a lower confidence")
        }
        if configuration.threshold == .youden && anomalous == 0 {
            throw DetectorError.insufficientData(
                "the youden rule needs rows labelled anomalous (`isNormal` false) to balance "
                    + "sensitivity and specificity; choose another rule")
        }
    }

    /// Trains for at least `minimumEpochs`, then until the held-out loss has not improved
    /// by ``TrainingPlan/improvementTolerance`` (relative) for `patience` epochs; restores
    /// the best epoch's weights (the trainer's early stopping).
    private static func train(
        _ network: DetectorNetwork, plan: inout TrainingPlan, configuration: DetectorConfiguration,
        training: Tensor, heldOut: Tensor, generator: inout RandomGenerator,
        onEpoch: ((EpochRecord, TrainingPlan) -> Void)?
    ) throws -> History {
        let trainer = Trainer(
            model: network.model, optimizer: Adam(learningRate: configuration.learningRate))
        let snapshot = plan
        trainer.onEpochEnd = { record in
            onEpoch?(record, snapshot)
            return true
        }
        var options = TrainingOptions(
            epochs: plan.maximumEpochs, batchSize: plan.batchSize,
            earlyStoppingPatience: plan.patience, progress: .silent)
        options.earlyStoppingTolerance = TrainingPlan.improvementTolerance
        options.earlyStoppingMinimumEpochs = plan.minimumEpochs
        let (lossKind, klWeight) = (plan.loss, configuration.klWeight)
        let history = try trainer.fit(
            inputs: training, targets: training, validation: (heldOut, heldOut),
            options: options, generator: &generator
        ) { x, _, noise in network.trainingLoss(x, loss: lossKind, klWeight: klWeight, generator: &noise) }
        let improved = history.improvedEpoch ?? 0
        plan.epochsRun = history.epochs.count
        plan.bestEpoch = history.restoredEpoch ?? 0
        plan.stepsRun = plan.epochsRun * plan.stepsPerEpoch
        let tolerance = String(format: "%g", TrainingPlan.improvementTolerance * 100)
        if history.stopReason != nil {
            plan.stopReason =
                "the held-out loss did not improve by \(tolerance) % for \(plan.patience) epochs after epoch \(improved)"
        } else if plan.epochsRun - improved < plan.patience && plan.epochsRun > 1 {
            plan.stopReason =
                "reached the maximum of \(plan.maximumEpochs) epochs while the held-out loss was still "
                + "falling (by \(tolerance) % or more within the last \(plan.patience) epochs; best epoch "
                + "\(plan.bestEpoch)): more epochs (--epochs) may fit better"
        } else {
            plan.stopReason = "reached the maximum of \(plan.maximumEpochs) epochs"
        }
        return history
    }

    /// The threshold of `rule` on the calibration scores (youden: with the anomalies).
    static func calibrate(
        _ rule: ThresholdRule, normal: [Float], anomalies: [Float]
    ) throws
        -> Float
    {
        let t: Float
        if rule.needsLabels {
            t = try rule.threshold(
                calibrationScores: normal + anomalies,
                labels: [Bool](repeating: false, count: normal.count)
                    + [Bool](repeating: true, count: anomalies.count))
        } else {
            t = try rule.threshold(calibrationScores: normal)
        }
        guard t.isFinite else {
            throw DetectorError.insufficientData(
                "the rule \(rule) gives an infinite threshold on \(normal.count) calibration scores"
            )
        }
        return t
    }

    /// The common rules' thresholds on the same calibration scores, for comparison (a rule
    /// that flags nothing on them, such as `fpr:0.05@0.9` below 639 scores, is left out).
    static func ruleThresholds(
        normal: [Float], anomalies: [Float], including chosen: ThresholdRule? = nil
    ) -> [String: Float] {
        var rules: [ThresholdRule] = [
            .meanStd(k: 1), .meanStd(k: 2), .meanStd(k: 3), .percentile(95), .percentile(99),
            .contamination(0.1), .falsePositiveRate(0.1), .falsePositiveRate(0.05),
            .falsePositiveRate(0.01), .conditionalFalsePositiveRate(0.1, confidence: 0.9),
            .conditionalFalsePositiveRate(0.05, confidence: 0.9),
        ]
        if !anomalies.isEmpty { rules.append(.youden) }
        if let chosen, !rules.contains(chosen) { rules.append(chosen) }
        var result: [String: Float] = [:]
        for rule in rules {
            if let t = try? calibrate(rule, normal: normal, anomalies: anomalies) {
                result[rule.description] = t
            }
        }
        return result
    }
}
