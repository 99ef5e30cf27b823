import Latent

/// Reads `input` as IDX with a 64 MiB cap and uses every view of a successful read.
func fuzzIDX(_ input: [UInt8], file: String) {
    refusalMustBeClear(file: file) {
        let array = try IDXFile.read(bytes: input, file: file, maximumSize: 64 << 20)
        precondition(
            array.bytes.count == array.dimensions.reduce(array.dataType.size, *),
            "IDX payload size disagrees with the dimensions")
        touch(array.floats(), shape: array.dimensions)
        blackHole(array.tensor(scale: 0.5))
        if let labels = try? array.labels() { blackHole(labels) }
        if let images = try? array.images() { blackHole(images) }
    }
}
