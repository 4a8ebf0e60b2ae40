import Yams

/// Why a YAML text could not be parsed, in Yams's (libyaml's) words with the line and column.
public struct YAMLSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String

    public var description: String { reason }
}

extension DocumentValue {
    /// Parses one YAML document with Yams, resolving plain scalars by YAML's core tags: `null`
    /// and `~`, `true`/`false` (and YAML 1.1's `yes`/`no`/`on`/`off`), integers, floats; any
    /// other scalar, and every quoted one, is a string. Keys are strings; a duplicate key is
    /// refused. An empty document is `null`.
    ///
    /// - Complexity: O(text length).
    /// - Throws: `YAMLSyntaxError` with the line and column of the problem.
    public init(parsingYAML text: String) throws(YAMLSyntaxError) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw YAMLSyntaxError(reason: "\(error)".trimmingSuffix("\n"))
        }
        guard let node else {
            self = .null
            return
        }
        self = try Self.converting(node)
    }

    private static func converting(_ node: Node) throws(YAMLSyntaxError) -> DocumentValue {
        switch node {
        case .scalar(let scalar):
            // The tag Yams resolved: from the scalar's text when plain, `str` when quoted.
            switch node.tag.description {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(DocumentValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue: return node.int.map { .number(String($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return node.float.map { .number($0.description) } ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [DocumentValue] = []
            for item in sequence { items.append(try converting(item)) }
            return .array(items)
        case .mapping(let mapping):
            var members: [Member] = []
            var keys: Set<String> = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw YAMLSyntaxError(reason: "\(position(of: key))a key must be a plain value, not a list or mapping")
                }
                guard keys.insert(keyScalar.string).inserted else {
                    throw YAMLSyntaxError(reason: "\(position(of: key))duplicate key \"\(keyScalar.string)\"")
                }
                members.append(Member(keyScalar.string, try converting(value)))
            }
            return .object(members)
        }
    }

    private static func position(of node: Node) -> String {
        node.mark.map { "line \($0.line), column \($0.column): " } ?? ""
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
