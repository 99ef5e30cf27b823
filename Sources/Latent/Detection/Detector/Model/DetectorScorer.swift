/// What turns a detector's scaled rows into scores: a trained autoencoder's
/// reconstruction error, or the distance to the nearest remembered training rows.
enum DetectorScorer {
    case autoencoder(DetectorNetwork)
    case neighbours(NeighbourReference)

    /// The autoencoder, if this is one.
    var network: DetectorNetwork? {
        if case .autoencoder(let network) = self { return network }
        return nil
    }

    /// The remembered rows, if this is a nearest-neighbour scorer.
    var reference: NeighbourReference? {
        if case .neighbours(let reference) = self { return reference }
        return nil
    }

    /// Per-row scores of min-max-scaled rows `[n, d]` and, with `keepFeatures`, each
    /// feature's error and the reconstructions (both in the min-max space).
    func errors(
        _ x: Tensor, loss: DetectorConfiguration.ReconstructionLoss, keepFeatures: Bool
    ) -> (scores: [Float], features: [Float]?, reconstruction: Tensor?) {
        switch self {
        case .autoencoder(let network): network.errors(x, loss: loss, keepFeatures: keepFeatures)
        case .neighbours(let reference): reference.errors(x, keepFeatures: keepFeatures)
        }
    }
}
