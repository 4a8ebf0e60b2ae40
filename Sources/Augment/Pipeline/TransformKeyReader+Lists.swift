extension TransformKeyReader {
    /// A list of exactly `count` finite numbers (of any count in `counts` when `count` is nil),
    /// each satisfying `isAllowed` (described by `allowed`, e.g. "positive").
    func numberList(_ key: String, count: Int? = nil, counts: ClosedRange<Int> = 1...4, allowed: String? = nil,
                    isAllowed: (Double) -> Bool = { _ in true }) throws(PipelineFileError) -> [Double] {
        let qualifier = allowed.map { $0 + " " } ?? ""
        let expected = count.map { "a list of \($0) \(qualifier)numbers" }
            ?? "a list of \(counts.lowerBound) to \(counts.upperBound) \(qualifier)numbers"
        let value = try required(key, expected: expected)
        guard case .array(let items) = value else { throw wrongType(key, expected, value) }
        guard count.map({ items.count == $0 }) ?? counts.contains(items.count) else { throw outOfRange(key, expected, value) }
        var numbers: [Double] = []
        for item in items {
            guard case .number = item else { throw wrongType(key, expected, item) }
            guard let number = item.double, isAllowed(number) else { throw outOfRange(key, expected, value) }
            numbers.append(number)
        }
        return numbers
    }

    /// A `size × size` matrix: a list of `size` lists of `size` finite numbers (rows).
    func numberMatrix(_ key: String, size: Int) throws(PipelineFileError) -> [[Double]] {
        let expected = "a list of \(size) lists of \(size) numbers"
        let value = try required(key, expected: expected)
        guard case .array(let rows) = value else { throw wrongType(key, expected, value) }
        guard rows.count == size else { throw outOfRange(key, expected, value) }
        var matrix: [[Double]] = []
        for row in rows {
            guard case .array(let items) = row else { throw wrongType(key, expected, row) }
            guard items.count == size else { throw outOfRange(key, expected, value) }
            var numbers: [Double] = []
            for item in items {
                guard case .number = item else { throw wrongType(key, expected, item) }
                guard let number = item.double else { throw outOfRange(key, expected, value) }
                numbers.append(number)
            }
            matrix.append(numbers)
        }
        return matrix
    }

    /// A number, or a list of 1 to 4 numbers (one per channel), each satisfying `isAllowed`;
    /// `defaultValue` when the key is absent.
    func channelValues(_ key: String, default defaultValue: [Double], allowed: String? = nil,
                       isAllowed: (Double) -> Bool = { _ in true }) throws(PipelineFileError) -> [Double] {
        guard let value = value(key) else { return defaultValue }
        let qualifier = allowed.map { $0 + " " } ?? ""
        let expected = "a \(qualifier)number, or a list of 1 to 4 of them (one per channel)"
        if case .number = value {
            guard let number = value.double, isAllowed(number) else { throw outOfRange(key, expected, value) }
            return [number]
        }
        guard case .array = value else { throw wrongType(key, expected, value) }
        return try numberList(key, allowed: allowed, isAllowed: isAllowed)
    }
}
