import ArgumentParser
import Latent

@main
struct LatentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Train autoencoders and detect anomalies.",
        version: "0.1.0",
        subcommands: [Demo.self, Example.self, Datasets.self, Bench.self, Detector.self]
    )
}
