extension DocumentValue {
    /// The value as compact JSON on one line: no spaces, keys in their stored order, strings
    /// with `"`, `\` and control characters escaped (other characters as UTF-8), numbers as
    /// their literal. The same value always gives the same bytes.
    ///
    /// - Complexity: O(size of the output).
    public var jsonText: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// Appends `jsonText` to `output`.
    public func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let literal): output += literal
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{0}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// A number value for a `Double`, written with Swift's `description`: the shortest text that
    /// reads back as the same `Double` (`0.1`, `-0.0`, `1e-05`, `5e-324`), which is valid JSON.
    /// The value must be finite.
    public static func number(_ value: Double) -> DocumentValue {
        precondition(value.isFinite, "JSON has no \(value)")
        return .number(value.description)
    }

    /// A number value for an integer.
    public static func number<Integer: BinaryInteger>(_ value: Integer) -> DocumentValue {
        .number(String(value))
    }
}
