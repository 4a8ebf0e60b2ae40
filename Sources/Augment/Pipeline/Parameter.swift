/// A numeric parameter of a transform: a fixed value (`17.5`), or a range drawn from uniformly
/// for every image (`[-30, 30]` in a pipeline file).
public enum Parameter<Value: Comparable & Sendable & Hashable>: Sendable, Hashable {
    /// Always this value.
    case fixed(Value)
    /// Drawn uniformly from this closed range for every image.
    case range(ClosedRange<Value>)

    /// The smallest value the parameter can take.
    public var lowerBound: Value {
        switch self {
        case .fixed(let value): value
        case .range(let range): range.lowerBound
        }
    }

    /// The largest value the parameter can take.
    public var upperBound: Value {
        switch self {
        case .fixed(let value): value
        case .range(let range): range.upperBound
        }
    }
}

extension Parameter where Value == Double {
    /// The value for one image: the fixed value without consuming randomness, or a uniform draw
    /// (`SplitMix64.uniform(_:)`) from the range.
    ///
    /// - Complexity: O(1).
    public func draw(using generator: inout SplitMix64) -> Double {
        switch self {
        case .fixed(let value): value
        case .range(let range): generator.uniform(range)
        }
    }
}

extension Parameter where Value == Int {
    /// The value for one image: the fixed value without consuming randomness, or an exact,
    /// unbiased uniform draw (`SplitMix64.integer(in:)`) from the range, both ends included.
    ///
    /// - Complexity: O(1) expected.
    public func draw(using generator: inout SplitMix64) -> Int {
        switch self {
        case .fixed(let value): value
        case .range(let range): generator.integer(in: range)
        }
    }
}
