extension Pipeline {
    /// True when the pipeline ends in `normalize`, so its outputs are float values that PNG
    /// cannot store (`augment run` refuses it; it is for training batches).
    public var makesFloatValues: Bool {
        if case .normalize? = transforms.last?.operation { return true }
        return false
    }

    /// Refuses `normalize` anywhere but as the last transform, and inside `one_of`: after it,
    /// values are floats, which no other transform takes.
    ///
    /// - Complexity: O(transforms, children included).
    /// - Throws: `PipelineFileError` naming the misplaced `normalize`.
    static func checkNormalizeIsLast(_ transforms: [Transform]) throws(PipelineFileError) {
        func check(_ transforms: [Transform], at prefix: String, nested: Bool) throws(PipelineFileError) {
            for (index, transform) in transforms.enumerated() {
                let location = "\(prefix)transforms[\(index)] (\(transform.operation.name))"
                switch transform.operation {
                case .normalize where nested:
                    throw PipelineFileError(.outOfRange, location: location, key: "op",
                                            expected: "normalize only as the pipeline's last transform",
                                            found: "normalize inside one_of")
                case .normalize where index != transforms.count - 1:
                    let after = transforms.count - 1 - index
                    throw PipelineFileError(.outOfRange, location: location, key: "op",
                                            expected: "normalize only as the pipeline's last transform (it makes float values)",
                                            found: "\(after) transform\(after == 1 ? "" : "s") after it")
                case .oneOf(let children):
                    try check(children, at: location + ".", nested: true)
                default:
                    break
                }
            }
        }
        try check(transforms, at: "", nested: false)
    }
}
