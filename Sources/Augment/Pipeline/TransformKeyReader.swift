/// Reads the keys of one transform (or of the top level) of a pipeline file with the checks
/// and messages every key shares. It never reads pixels or files.
struct TransformKeyReader {
    /// Where the object is, for messages: `transforms[2] (rotate)`.
    let location: String
    let members: [DocumentValue.Member]

    /// Refuses any key not in `allowed`, naming the keys that are.
    func refuseUnknownKeys(allowed: [String]) throws(PipelineFileError) {
        for member in members where !allowed.contains(member.key) {
            throw PipelineFileError(.unknownKey, location: location, key: member.key,
                                    expected: "one of " + allowed.joined(separator: ", "))
        }
    }

    func value(_ key: String) -> DocumentValue? {
        members.first { $0.key == key }?.value
    }

    func required(_ key: String, expected: String) throws(PipelineFileError) -> DocumentValue {
        guard let value = value(key) else {
            throw PipelineFileError(.missingKey, location: location, key: key, expected: expected)
        }
        return value
    }

    func wrongType(_ key: String, _ expected: String, _ value: DocumentValue) -> PipelineFileError {
        PipelineFileError(.wrongType, location: location, key: key, expected: expected, found: value.summary)
    }

    func outOfRange(_ key: String, _ expected: String, _ value: DocumentValue) -> PipelineFileError {
        let found: String
        switch value {
        case .array, .object: found = value.jsonText
        default: found = value.summary
        }
        return PipelineFileError(.outOfRange, location: location, key: key, expected: expected, found: found)
    }

    /// `p`: a number in [0, 1], default 1.
    func probability() throws(PipelineFileError) -> Double {
        guard let value = value("p") else { return 1 }
        let expected = "a probability in [0, 1]"
        guard let p = value.double else { throw wrongType("p", expected, value) }
        guard (0...1).contains(p) else { throw outOfRange("p", expected, value) }
        return p
    }

    /// A real parameter: a number, or a range `[lo, hi]` with lo <= hi; every value must satisfy
    /// `isAllowed` (described by `allowed`, e.g. "positive").
    func realParameter(_ key: String, default defaultValue: Parameter<Double>? = nil, allowed: String? = nil,
                       isAllowed: (Double) -> Bool = { _ in true }) throws(PipelineFileError) -> Parameter<Double> {
        let qualifier = allowed.map { $0 + " " } ?? ""
        let expected = "a \(qualifier)number, or a range [lo, hi] of \(qualifier)numbers"
        guard let value = value(key) else {
            if let defaultValue { return defaultValue }
            throw PipelineFileError(.missingKey, location: location, key: key, expected: expected)
        }
        let parameter: Parameter<Double>
        switch value {
        case .number:
            guard let number = value.double else { throw outOfRange(key, "a finite number", value) }
            parameter = .fixed(number)
        case .array(let items) where items.count == 2:
            guard let lo = items[0].double, let hi = items[1].double else {
                throw wrongType(key, expected, items[0].double == nil ? items[0] : items[1])
            }
            guard lo <= hi else { throw outOfRange(key, "a range [lo, hi] with lo <= hi", value) }
            guard (hi - lo).isFinite else { throw outOfRange(key, "a range [lo, hi] of finite width", value) }
            parameter = .range(lo...hi)
        default:
            throw wrongType(key, expected, value)
        }
        guard isAllowed(parameter.lowerBound), isAllowed(parameter.upperBound) else {
            throw outOfRange(key, expected, value)
        }
        return parameter
    }

    /// An integer parameter: an integer, or a range `[lo, hi]` of integers with lo <= hi (both
    /// ends included), every value at least `minimum`.
    func integerParameter(_ key: String, default defaultValue: Parameter<Int>? = nil,
                          minimum: Int? = nil) throws(PipelineFileError) -> Parameter<Int> {
        let qualifier = switch minimum {
        case 1: "positive "
        case 0: "non-negative "
        default: ""
        }
        let expected = "a \(qualifier)integer, or a range [lo, hi] of \(qualifier)integers"
        guard let value = value(key) else {
            if let defaultValue { return defaultValue }
            throw PipelineFileError(.missingKey, location: location, key: key, expected: expected)
        }
        let parameter: Parameter<Int>
        switch value {
        case .number:
            guard let number = value.integer else { throw outOfRange(key, expected, value) }
            parameter = .fixed(number)
        case .array(let items) where items.count == 2:
            for item in items {
                guard case .number = item else { throw wrongType(key, expected, item) }
                guard item.integer != nil else { throw outOfRange(key, expected, value) }
            }
            let (lo, hi) = (items[0].integer!, items[1].integer!)
            guard lo <= hi else { throw outOfRange(key, "a range [lo, hi] with lo <= hi", value) }
            parameter = .range(lo...hi)
        default:
            throw wrongType(key, expected, value)
        }
        if let minimum, parameter.lowerBound < minimum { throw outOfRange(key, expected, value) }
        return parameter
    }

    /// A fixed range `[lo, hi]` (or one number, meaning [x, x]) whose ends satisfy `isAllowed`.
    func distributionRange(_ key: String, default defaultValue: ClosedRange<Double>, expected: String,
                           isAllowed: (Double) -> Bool) throws(PipelineFileError) -> ClosedRange<Double> {
        guard let value = value(key) else { return defaultValue }
        let range: ClosedRange<Double>
        switch value {
        case .number:
            guard let number = value.double else { throw outOfRange(key, expected, value) }
            range = number...number
        case .array(let items) where items.count == 2:
            guard let lo = items[0].double, let hi = items[1].double else {
                throw wrongType(key, expected, items[0].double == nil ? items[0] : items[1])
            }
            guard lo <= hi else { throw outOfRange(key, "a range [lo, hi] with lo <= hi", value) }
            range = lo...hi
        default:
            throw wrongType(key, expected, value)
        }
        guard isAllowed(range.lowerBound), isAllowed(range.upperBound) else { throw outOfRange(key, expected, value) }
        return range
    }

    /// `interpolation`: one of `allowed` (`linear` is taken for `bilinear`), default bilinear.
    func interpolation(allowed: [Interpolation]) throws(PipelineFileError) -> Interpolation {
        guard let value = value("interpolation") else { return .bilinear }
        let expected = "one of " + allowed.map(\.rawValue).joined(separator: ", ")
        guard case .string(let name) = value else { throw wrongType("interpolation", expected, value) }
        let canonical = name.lowercased() == "linear" ? "bilinear" : name.lowercased()
        guard let interpolation = Interpolation(rawValue: canonical), allowed.contains(interpolation) else {
            throw outOfRange("interpolation", expected, value)
        }
        return interpolation
    }

    /// `fill`: an integer 0-255, or a list of one to four of them (one per channel); default 0.
    func fill() throws(PipelineFileError) -> Fill {
        guard let value = value("fill") else { return .zero }
        let expected = "an integer 0-255, or a list of 1 to 4 of them (one per channel)"
        func level(_ item: DocumentValue) throws(PipelineFileError) -> UInt8 {
            guard case .number = item else { throw wrongType("fill", expected, item) }
            guard let level = item.integer, (0...255).contains(level) else { throw outOfRange("fill", expected, value) }
            return UInt8(level)
        }
        switch value {
        case .number:
            return Fill(try level(value))
        case .array(let items):
            guard (1...4).contains(items.count) else { throw outOfRange("fill", expected, value) }
            var levels: [UInt8] = []
            for item in items { levels.append(try level(item)) }
            return Fill(levels)
        default:
            throw wrongType("fill", expected, value)
        }
    }
}
