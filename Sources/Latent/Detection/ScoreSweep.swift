/// Counts of anomalies and normal samples at or above each distinct score, from the
/// highest score down: the one pass that the ROC and precision–recall curves share.
///
/// ```
/// distinctScores  d₀ > d₁ > … > d_{m-1}
/// anomaliesAtOrAbove[i] = #{ j : labelⱼ ∧ scoreⱼ ≥ dᵢ }
/// normalsAtOrAbove[i]   = #{ j : ¬labelⱼ ∧ scoreⱼ ≥ dᵢ }
/// ```
///
/// Tied scores fall into one step, so a curve built from the sweep has one point per
/// distinct score and does not depend on the order of tied samples.
struct ScoreSweep {
    var distinctScores: [Float] = []
    var anomaliesAtOrAbove: [Int] = []
    var normalsAtOrAbove: [Int] = []
    var anomalies = 0
    var normals = 0

    /// - Precondition: the scores were checked by ``ScoreValidation`` (no NaN, one label each).
    init(scores: [Float], labels: [Bool]) {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0
        var fp = 0
        for (k, i) in order.enumerated() {
            if labels[i] { tp += 1 } else { fp += 1 }
            let lastOfGroup = k == order.count - 1 || scores[order[k + 1]] != scores[i]
            if lastOfGroup {
                distinctScores.append(scores[i])
                anomaliesAtOrAbove.append(tp)
                normalsAtOrAbove.append(fp)
            }
        }
        anomalies = tp
        normals = fp
    }
}
