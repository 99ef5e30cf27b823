/// Checks shared by the metrics and threshold rules, so every entry point reports bad
/// input with the same ``DetectionError``.
enum ScoreValidation {
    /// Throws unless `scores` is non-empty and free of NaN (and of infinities when
    /// `requireFinite`).
    static func check(_ scores: [Float], requireFinite: Bool = false) throws {
        guard !scores.isEmpty else { throw DetectionError.emptyScores }
        for (i, s) in scores.enumerated() {
            if s.isNaN { throw DetectionError.nanScore(index: i) }
            if requireFinite && s.isInfinite { throw DetectionError.infiniteScore(index: i) }
        }
    }

    /// Throws unless the scores are valid and there is one label per score.
    /// - Returns: the number of anomalies (`true` labels) and normal samples.
    @discardableResult
    static func check(_ scores: [Float], labels: [Bool]) throws -> (anomalies: Int, normals: Int) {
        guard scores.count == labels.count else {
            throw DetectionError.lengthMismatch(scores: scores.count, labels: labels.count)
        }
        try check(scores)
        let anomalies = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        return (anomalies, labels.count - anomalies)
    }
}
