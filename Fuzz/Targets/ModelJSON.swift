import Foundation
import Latent

// Model metadata: the JSON half of a model file. Each input is written as `fuzz.json` in
// a scratch directory that also holds valid weights files for three architectures (a dense
// autoencoder, a sequential stack of every layer kind, a variational autoencoder), and
// loaded with ModelFile.load, which decodes ModelFile.Description with JSONDecoder,
// builds the architecture, and loads the weights the JSON names.
//
// With LATENT_FUZZ_SEEDS=<dir> in the environment, start-up also writes the three
// matching descriptions into <dir> as seeds (run.sh does this with -runs=0).

let scratch: URL = {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("latent-fuzz-model-\(getpid())")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var g = RandomGenerator(seed: 1)
    let models: [(String, any Model, [Int])] = [
        ("dense", Architectures.denseVector(inputSize: 6, hidden: [4, 2], generator: &g), [6]),
        ("layers", Sequential([
            Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3, padding: .same, activation: .relu, generator: &g),
            MaxPool2D(size: 2),
            Conv2DTranspose(inputChannels: 2, outputChannels: 1, kernelSize: 3, stride: 2, padding: .same, generator: &g),
            Flatten(),
            Dense(inputSize: 16, outputSize: 3, activation: .tanh, generator: &g),
            ActivationLayer(.sigmoid),
            Reshape([3, 1]),
        ]), [4, 4, 1]),
        ("vae", VariationalAutoencoder(inputShape: [4, 4, 1], hidden: 4, codeSize: 2, generator: &g), [4, 4, 1]),
    ]
    let seeds = ProcessInfo.processInfo.environment["LATENT_FUZZ_SEEDS"].map { URL(fileURLWithPath: $0) }
    for (name, model, inputShape) in models {
        // Same seed, same weights, same bytes: the SHA-256 a seed records (written by one
        // process) matches the weights every later process writes.
        let base = dir.appendingPathComponent(name)
        try! ModelFile.save(model, inputShape: inputShape, metadata: ["epochs": 2, "note": "seed"], to: base)
        if let seeds {
            try! FileManager.default.createDirectory(at: seeds, withIntermediateDirectories: true)
            try! Data(contentsOf: base.appendingPathExtension("json"))
                .write(to: seeds.appendingPathComponent("\(name).json"))
        }
    }
    atexit { try? FileManager.default.removeItem(at: scratch) }
    return dir
}()

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    blackHole(scratch)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Data(bytes(data, size))
    let base = scratch.appendingPathComponent("fuzz")
    try! input.write(to: base.appendingPathExtension("json"))
    refusalMustBeClear(
        file: scratch.path, accepted: { $0 is ModelFileError || $0 is SafeTensorsError }
    ) {
        let (model, description) = try ModelFile.load(from: base)
        precondition(model.modelSpec == description.architecture, "the model is not the architecture described")
        blackHole(model.namedParameters().count)
    }
    return 0
}
