/// A value of a JSON or YAML document, as parsed, before it is given a meaning: pipeline files
/// and manifest lines are read into this and then checked key by key.
///
/// Numbers keep the text they were written with, so that an integer (a seed of 2^64 - 1) or a
/// double (17.5, or a drawn angle) is converted from its literal exactly, once, by its reader.
/// Objects keep their keys in document order; duplicate keys are refused by the parsers.
public indirect enum DocumentValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its literal (`-12.5e3`).
    case number(String)
    case string(String)
    case array([DocumentValue])
    case object([Member])

    /// One key and its value in an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: DocumentValue

        public init(_ key: String, _ value: DocumentValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value of `key`, when this is an object that has it.
    public subscript(key: String) -> DocumentValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The number as a finite `Double`, correctly rounded from its literal.
    public var double: Double? {
        guard case .number(let literal) = self, let value = Double(literal), value.isFinite else { return nil }
        return value
    }

    /// The number as an `Int` when it is a whole number that fits (`224`, `224.0`, `2.24e2`).
    public var integer: Int? {
        guard case .number(let literal) = self else { return nil }
        if let value = Int(literal) { return value }
        guard let value = Double(literal), value.rounded() == value, abs(value) < 0x1p63 else { return nil }
        return Int(value)
    }

    /// The number as a `UInt64` when its literal is a plain non-negative integer.
    public var unsignedInteger: UInt64? {
        guard case .number(let literal) = self else { return nil }
        return UInt64(literal)
    }

    /// A short description of the value for error messages: `the string "thirty"`, `1.5`,
    /// `a list of 3 values`, `an object`.
    public var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let literal): literal
        case .string(let text): "the string \"\(text.count > 40 ? String(text.prefix(40)) + "..." : text)\""
        case .array(let items): "a list of \(items.count) value\(items.count == 1 ? "" : "s")"
        case .object: "an object"
        }
    }
}
